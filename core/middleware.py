"""Request-wide middleware: the request id, and the API's error shape for Django's own errors."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from core.logging import current_request

# An id a proxy passes in is kept when it looks like one; anything else is replaced so that a
# client cannot write arbitrary text into the logs.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, or a new one), for logs and reply."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


_DJANGO_ERRORS = {
    400: ("bad_request", "The request could not be read."),
    413: ("too_large", "The request body is larger than the server accepts."),
}


class ApiErrorShapeMiddleware:
    """Under /api/, Django's HTML 400 and 413 pages (a body over the upload limit, a bad host)
    become the API's JSON error shape, so clients parse one format whatever layer refused."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in _DJANGO_ERRORS
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, detail = _DJANGO_ERRORS[response.status_code]
            return JsonResponse(
                {"code": code, "detail": detail, "errors": {}}, status=response.status_code
            )
        return response

    def process_exception(self, request, exception):
        # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a 400; it is a 413.
        if request.path.startswith("/api/") and isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return JsonResponse(
                {
                    "code": "too_large",
                    "detail": f"The request body is larger than {limit:,} bytes.",
                    "errors": {},
                },
                status=413,
            )
        return None
