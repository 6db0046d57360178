"""Rendered page bodies kept in the figures cache, keyed by whoever renders them with the data
version in the key (the dashboard's, the public view's pages and downloads).

An unreachable cache costs a re-render, never an error.
"""

from __future__ import annotations

import contextlib

from django.core.cache import caches

SECONDS = 15 * 60


def get(key: str):
    try:
        return caches["figures"].get(key)
    except Exception:  # an unreachable cache: render afresh
        return None


def put(key: str, value) -> None:
    with contextlib.suppress(Exception):
        caches["figures"].set(key, value, SECONDS)
