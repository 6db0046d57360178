"""Reads of the agency registry."""

from __future__ import annotations

import re

from agencies.models import Agency, AgencyAlias

_SPACE = re.compile(r"\s+")


def normalize_alias(wording: str) -> str:
    """How an alias is matched: case and runs of white space do not matter."""
    return _SPACE.sub(" ", wording).strip().lower()


def agency_for_wording(wording: str) -> Agency | None:
    """The agency a source spelling names (`MoI`, `M/o Interior`), or None."""
    alias = (
        AgencyAlias.objects.select_related("agency")
        .filter(normalized=normalize_alias(wording))
        .first()
    )
    return alias.agency if alias else None
