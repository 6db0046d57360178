"""The data version: bumped by every service whose write can move a committee figure.

Call `data_version_bump()` inside the service's transaction (after its writes); readers key
their caches by `data_version_current()`. Lower apps call down into core, so any app may bump.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from core.models import DataVersion

_ROW = 1


def data_version_bump() -> None:
    """Give the data a new version; rolled back with the caller's transaction if it fails."""
    changed = DataVersion.objects.filter(pk=_ROW).update(
        token=uuid.uuid4(), bumped_at=timezone.now()
    )
    if not changed:
        DataVersion.objects.get_or_create(pk=_ROW)


def data_version_current() -> str:
    token = DataVersion.objects.filter(pk=_ROW).values_list("token", flat=True).first()
    if token is None:
        token = DataVersion.objects.get_or_create(pk=_ROW)[0].token
    return str(token)
