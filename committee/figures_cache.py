"""The figures cache: committee figures keyed by (quarter, scope, day, data version), and what is
rendered from them (the dashboard's body, the public view's pages and downloads), each keyed
by whoever renders it with the data version in the key.

Every write that can move a figure bumps the data version in its own transaction
(core.data_version), so a cached entry is never stale; the dashboard and the report read the
same figures. A short expiry bounds what a write past the services and the admin (a shell) can
leave behind. An unreachable cache costs a recomputation, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches

from core.data_version import data_version_current

log = logging.getLogger(__name__)

EXPIRY_SECONDS = 15 * 60
T = TypeVar("T")


def figures_key(*, quarter: str, scope: str, day: str, version: str) -> str:
    # No language: the figures are computed in English (compute_committee_figures) and each
    # page words their keys in its reader's language, so readers of both share one entry.
    return f"committee-figures:v2:{quarter}:{scope}:{day}:{version}"


def kept(key: str, compute: Callable[[], T]) -> T:
    """The value kept under `key`, or compute()'s, kept there for the next reader."""
    cache = caches["figures"]
    try:
        value = cache.get(key)
    except Exception:  # any backend's connection error: recompute rather than fail the page
        log.warning("Figures cache unreachable; computing %s afresh", key.split(":", 1)[0])
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, EXPIRY_SECONDS)
        except Exception:
            log.warning("Figures cache unreachable; %s not stored", key.split(":", 1)[0])
    return value


def cached_figures(*, quarter: str, scope: str, day: str, compute: Callable[[], dict]) -> dict:
    key = figures_key(quarter=quarter, scope=scope, day=day, version=data_version_current())
    return kept(key, compute)
