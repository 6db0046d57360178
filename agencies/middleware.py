"""A signed-in person's saved language applies on every device, over the cookie and browser."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """Runs after LocaleMiddleware and AuthenticationMiddleware; activates `User.language`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)


def activate_user_language(request, user) -> None:
    """The person's saved language for the rest of the request (none saved: as chosen)."""
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
