"""One error shape for every API failure, whichever layer raised it.

    {"code": "invalid", "detail": "Some fields are not valid.", "errors": {"field": ["..."]}}

The services raise Django's ValidationError and PermissionDenied (the web forms catch the same
ones) and ConflictError for a stale version or a locked period; DRF raises its own exceptions for
authentication, throttling, parsing and unknown objects.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change does not apply to the record as it now stands."
    default_code = "conflict"


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD_ERRORS if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD_ERRORS: error.messages}


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ConflictError):
        return Conflict(str(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, logged by Django
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {NON_FIELD_ERRORS: exc.detail}
        body = {"code": "invalid", "detail": "Some fields are not valid.", "errors": errors}
    else:
        body = {
            "code": exc.get_codes() if isinstance(exc, exceptions.APIException) else "error",
            "detail": response.data.get("detail", ""),
            "errors": {},
        }
    response.data = body
    return response
