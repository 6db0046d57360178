"""Enqueueing a task by its registered name, so a service never imports a task module."""

from __future__ import annotations

from celery import current_app


def enqueue(name: str, *args) -> None:
    """Send the named task (run at once, in-process, when Celery is set to eager)."""
    current_app.tasks[name].delay(*args)
