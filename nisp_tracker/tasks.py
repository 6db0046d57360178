"""Project-wide tasks that belong to no single app."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="nisp_tracker.heartbeat")
def heartbeat(echo: str = "") -> dict[str, str]:
    """Prove a worker is consuming: beat sends it every few minutes, tests send it once."""
    return {"echo": echo, "at": timezone.now().isoformat()}
