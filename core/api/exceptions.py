"""One error shape for every API failure, whichever layer raised it.

    {"code": "invalid", "detail": "Some fields are not valid.",
     "errors": {"field": [{"code": "rationale_required", "message": "..."}]}}

`code` names the cause for machines: `invalid` (see each field's codes), `stale_version`,
`period_not_open`, `duplicate_update`, `not_found`, ... The services raise Django's
ValidationError (with a code per message) and PermissionDenied, as the web forms catch them,
and core.errors.ConflictError with its code; DRF raises its own exceptions for authentication,
throttling, parsing and unknown objects. Nested fields are flattened to dotted paths
(`indicator_values.0.value`), so every field maps to a list of {code, message}.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The change does not apply to the record as it now stands.")
    default_code = "conflict"


def error_details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    """Django ValidationErrors as DRF's ErrorDetails, each keeping its code."""
    return [
        ErrorDetail(message, code=error.code or "invalid")
        for error in errors
        for message in error.messages
    ]


def _field_errors(error: DjangoValidationError) -> dict[str, list[ErrorDetail]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD_ERRORS if field == "__all__" else field): error_details(errors)
            for field, errors in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: error_details(error.error_list)}


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ConflictError):
        return Conflict(str(exc), code=exc.code)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def _flatten(detail, path: str = "") -> dict[str, list[dict[str, str]]]:
    """DRF's nested error detail as {dotted.path: [{code, message}]}."""
    out: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, dict):
        children = [
            (path if name == NON_FIELD_ERRORS and path else f"{path}.{name}".lstrip("."), value)
            for name, value in detail.items()
        ]
    elif isinstance(detail, list) and any(isinstance(v, dict | list) for v in detail):
        children = [(f"{path}.{index}".lstrip("."), value) for index, value in enumerate(detail)]
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {
            path or NON_FIELD_ERRORS: [
                {"code": getattr(m, "code", None) or "invalid", "message": str(m)} for m in messages
            ]
        }
    for child, value in children:
        for field, errors in _flatten(value, child).items():
            out.setdefault(field, []).extend(errors)
    return out


def error_body(code: str, detail: str, errors: dict | None = None) -> dict:
    return {"code": code, "detail": detail, "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, logged by Django (core.api.views.server_error)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("Some fields are not valid."), _flatten(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = error_body(code if isinstance(code, str) else "error", str(exc.detail))
    response.data = body
    return response
