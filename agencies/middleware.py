"""A signed-in person's saved language applies on every device, over the cookie and browser."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """Runs after LocaleMiddleware and AuthenticationMiddleware; activates `User.language`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
