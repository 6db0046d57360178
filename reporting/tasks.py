"""Scheduled reporting jobs; each is thin and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import imports
from reporting.models import ImportRecord
from reporting.periods import periods_advance
from reporting.reminders import reminders_send
from reporting.services import periods_ensure


@shared_task(name="reporting.ensure_periods")
def ensure_periods() -> list[str]:
    """Create the current and next reporting periods of every policy (idempotent)."""
    return [str(period) for period in periods_ensure()]


@shared_task(name="reporting.advance_periods")
def advance_periods(today: str | None = None) -> list[str]:
    """Open periods that have started; close open ones whose deadline has passed."""
    day = datetime.date.fromisoformat(today) if today else None
    return [f"{period} {period.state}" for period in periods_advance(today=day)]


@shared_task(
    name="reporting.send_reminders",
    autoretry_for=(OSError,),
    retry_backoff=60,
    # Below the broker's visibility timeout (see committee.tasks), or a digest goes twice.
    retry_backoff_max=300,
    max_retries=5,
)
def send_reminders(today: str | None = None) -> int:
    """E-mail the due reminders and escalations, one digest per person; returns how many
    digests were recorded."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return len(reminders_send(today=day))


@shared_task(name="reporting.check_import")
def check_import(record_id: int) -> str:
    """Check a large uploaded workbook into its preview."""
    record = ImportRecord.objects.select_related("agency", "uploaded_by").get(pk=record_id)
    try:
        return imports.import_check(record=record).state
    except Exception as error:
        with imports.uploaders_language(record):
            reason = _("The check stopped: %(error)s") % {"error": error}
        imports.import_fail(record_id=record_id, reason=reason)
        raise


@shared_task(name="reporting.apply_import")
def apply_import(record_id: int) -> str:
    """Apply a confirmed large workbook in one transaction, with progress on the record."""
    record = ImportRecord.objects.select_related("agency", "uploaded_by").get(pk=record_id)
    if record.state != ImportRecord.State.APPLYING:
        return record.state  # already done: a redelivered message changes nothing
    try:
        return imports.import_apply(record=record).state
    except Exception as error:
        with imports.uploaders_language(record):
            reason = _("The import stopped: %(error)s") % {"error": error}
        imports.import_fail(record_id=record_id, reason=reason)
        raise
