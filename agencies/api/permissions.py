from rest_framework import permissions

from agencies.models import ApiToken


class ReadOnlyTokenCannotWrite(permissions.BasePermission):
    """A read-only token may only read, whatever its owner could do in the web."""

    message = "This token is read-only."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
