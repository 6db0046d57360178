"""Enqueueing a task by its registered name, so a service never imports a task module."""

from __future__ import annotations

from celery import current_app


def enqueue(name: str, *args) -> None:
    """Send the named task (run at once, in-process, when Celery is set to eager)."""
    # A web process imports no task module itself: let Celery's autodiscovery register them.
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    current_app.tasks[name].delay(*args)
