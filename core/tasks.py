"""Enqueueing a task by its registered name, so a service never imports a task module."""

from __future__ import annotations

from celery import current_app


def enqueue(name: str, *args) -> None:
    """Send the named task (run at once, in-process, when Celery is set to eager)."""
    if name not in current_app.tasks:
        # A task registers when its module is imported. A worker imports every app's tasks at
        # start-up; a web process imports none, so the first enqueue runs the same discovery.
        current_app.loader.import_default_modules()
    current_app.tasks[name].delay(*args)
