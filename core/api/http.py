"""Response headers the API sets the same way everywhere."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.http import http_date
from rest_framework.request import Request


def absolute_url(request: Request, name: str, pk: int) -> str:
    """The record's API URL, for the Location header of a 201."""
    return request.build_absolute_uri(reverse(name, kwargs={"pk": pk}))


def last_modified(when: datetime.datetime) -> dict[str, str]:
    return {"Last-Modified": http_date(when.timestamp())}
