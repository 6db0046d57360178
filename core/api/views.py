"""Errors Django itself answers (no view matched, a view crashed, a request it refused) in the
API's one error shape under /api/, and as Django's own pages elsewhere (nisp_tracker/urls.py
names these as its handler400/403/404/500)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from core.api.exceptions import error_body

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body("bad_request", _("The request could not be read.")), status=400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body("permission_denied", _("You do not have permission to do this.")), status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        detail = _("No API endpoint at this path; see /api/schema/ (paths end with a slash).")
        return JsonResponse(error_body("not_found", detail), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        detail = _("The server failed to answer; the error is logged. Try again later.")
        return JsonResponse(error_body("server_error", detail), status=500)
    return defaults.server_error(request)
