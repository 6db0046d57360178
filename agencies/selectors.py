"""Reads of the agency registry."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import timezone

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


def sign_in_failures():
    """Recent failed sign-ins still counted against an account or address, newest first.

    An entry at the failure limit is a lockout until the cool-off time passes or it is cleared.
    """
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")
