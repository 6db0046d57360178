"""Conditional GET for the API: every JSON read under /api/v1/ carries an ETag (a hash of the
body) and answers 304 Not Modified to an `If-None-Match` that still matches; a record that
knows when it last changed also sends Last-Modified (honoured through If-Modified-Since).

Django's ConditionalGetMiddleware does the work; this limits it to the API, where bodies
depend on who asks (a draft is visible inside its agency only), hence private and Vary.
"""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers

API_READS = "/api/v1/"


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith(API_READS) or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200 and not response.streaming:
            patch_vary_headers(response, ["Authorization", "Cookie"])
            patch_cache_control(response, private=True, no_cache=True)
        return super().process_response(request, response)
