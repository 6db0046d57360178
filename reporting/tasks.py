"""Scheduled reporting jobs; each is thin and calls a service."""

from __future__ import annotations

from celery import shared_task

from reporting.services import periods_ensure


@shared_task(name="reporting.ensure_periods")
def ensure_periods() -> list[str]:
    """Create the current and next reporting periods of every policy (idempotent)."""
    return [str(period) for period in periods_ensure()]
