"""API reads answered from a cache keyed by the data version: a hot page is built once per
version of the data, then served as stored bytes.

The key holds everything the body depends on: the data version (core.data_version, bumped in
the same transaction as every service write a reader can see), the day (due dates and what is
late move with it), the language, the media type, the host and scheme (paging links are
absolute), the path and its query, and the reader (`reader`: who may see what, from the app
that owns the rule). A short expiry bounds a write made past the services (a shell). An
unreachable cache costs a fresh build, never an error.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.response import Response

from core.data_version import data_version_current

log = logging.getLogger(__name__)

EXPIRY_SECONDS = 15 * 60
# Bodies worth keeping: a JSON page, not an HTML page of the browsable API (it names the
# signed-in user and carries a CSRF token) nor a download.
CACHED_MEDIA_TYPES = ("application/json",)


def response_key(request: Request, reader: str) -> str | None:
    """The cache key of this read for this reader, or None when it is not to be cached."""
    media_type = getattr(request, "accepted_media_type", "")
    if request.method != "GET" or media_type not in CACHED_MEDIA_TYPES:
        return None
    parts = (
        data_version_current(),
        timezone.localdate().isoformat(),
        get_language() or "",
        media_type,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        reader,
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"api-response:v1:{digest}"


def cached_response(key: str | None) -> HttpResponse | None:
    """The stored response for `key`, or None (not stored, not cacheable, cache down)."""
    if key is None:
        return None
    try:
        stored = caches["responses"].get(key)
    except Exception:  # any backend's connection error: build afresh rather than fail
        log.warning("API response cache unreachable; building the response afresh")
        return None
    if stored is None:
        return None
    content_type, body = stored
    return HttpResponse(body, content_type=content_type)


def store_when_rendered(response: Response, key: str | None) -> Response:
    """Keep the body of a 200 once DRF has rendered it, for the next read with the same key."""
    if key is None:
        return response

    def store(rendered: Response) -> None:
        if rendered.status_code != 200:
            return
        try:
            caches["responses"].set(
                key, (rendered["Content-Type"], rendered.content), EXPIRY_SECONDS
            )
        except Exception:
            log.warning("API response cache unreachable; response not stored")

    response.add_post_render_callback(store)
    return response
