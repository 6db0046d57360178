"""The data version: bumped by every service whose write can move a committee figure.

Call `data_version_bump()` inside the service's transaction (after its writes); readers key
their caches by `data_version_current()`. Lower apps call down into core, so any app may bump.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from core.models import DataVersion

_ROW = 1
# Sent once a new version has committed (never for one rolled back): readers that keep
# figures ready (committee.warming) listen; core knows none of them.
data_changed = Signal()
# Inside data_version_deferred(): whether a bump was asked for (None outside it).
_deferred: ContextVar[list[bool] | None] = ContextVar("data_version_deferred", default=None)


def data_version_bump() -> None:
    """Give the data a new version; rolled back with the caller's transaction if it fails."""
    pending = _deferred.get()
    if pending is not None:
        pending[0] = True
        return
    _bump()


@contextmanager
def data_version_deferred() -> Iterator[None]:
    """One bump for a batch of service calls (a workbook's rows) instead of one per call: the
    bumps asked for inside are made once, on leaving, if any was. Use it inside the batch's
    transaction, so the bump commits (or rolls back) with the writes it stands for."""
    pending = [False]
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    # A batch that marked its transaction for rollback changed nothing: nothing to bump.
    if pending[0] and not (
        transaction.get_connection().in_atomic_block and transaction.get_rollback()
    ):
        _bump()


def _bump() -> None:
    changed = DataVersion.objects.filter(pk=_ROW).update(
        token=uuid.uuid4(), bumped_at=timezone.now()
    )
    if not changed:
        DataVersion.objects.get_or_create(pk=_ROW)
    transaction.on_commit(lambda: data_changed.send(sender=DataVersion))


def data_version_current() -> str:
    token = DataVersion.objects.filter(pk=_ROW).values_list("token", flat=True).first()
    if token is None:
        token = DataVersion.objects.get_or_create(pk=_ROW)[0].token
    return str(token)
