"""Committee figures read through a cache keyed by (quarter, scope, day, data version).

Every write that can move a figure bumps the data version in its own transaction
(core.data_version), so a cached entry is never stale; the dashboard and the report read the
same entry. A short expiry bounds what a write past the services and the admin (a shell) can
leave behind. An unreachable cache costs a recomputation, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import caches

from core.data_version import data_version_current

log = logging.getLogger(__name__)

EXPIRY_SECONDS = 15 * 60


def figures_key(*, quarter: str, scope: str, day: str, version: str) -> str:
    # No language: the figures are computed in English (compute_committee_figures) and each
    # page words their keys in its reader's language, so readers of both share one entry.
    return f"committee-figures:v2:{quarter}:{scope}:{day}:{version}"


def cached_figures(*, quarter: str, scope: str, day: str, compute: Callable[[], dict]) -> dict:
    key = figures_key(quarter=quarter, scope=scope, day=day, version=data_version_current())
    cache = caches["figures"]
    try:
        figures = cache.get(key)
    except Exception:  # any backend's connection error: recompute rather than fail the page
        log.warning("Committee figures cache unreachable; computing the figures afresh")
        return compute()
    if figures is None:
        figures = compute()
        try:
            cache.set(key, figures, EXPIRY_SECONDS)
        except Exception:
            log.warning("Committee figures cache unreachable; figures not stored")
    return figures
