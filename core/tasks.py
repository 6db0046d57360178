"""Enqueueing a task by its registered name, so a service never imports a task module."""

from __future__ import annotations

import threading

from celery import current_app
from django.conf import settings
from django.db import connections


def _run_in_background(task, args) -> threading.Thread:
    def run():
        try:
            # Failures are recorded by the task itself (a failed report says why).
            task.apply(args=args, throw=False)
        finally:
            # The thread opened its own database connection; do not leave it behind.
            connections.close_all()

    thread = threading.Thread(target=run, name=f"task-{task.name}", daemon=True)
    thread.start()
    return thread


def enqueue(name: str, *args, countdown: float | None = None) -> threading.Thread | None:
    """Send the named task to the broker, to run `countdown` seconds from now if given.
    Without a broker (Celery set to eager) it runs in this process at once: in a background
    thread under `make run`, so the request that asked answers at once and the page shows
    the progress; in the caller's thread when TASKS_EAGER_IN_BACKGROUND is off (the tests).
    Returns the thread, if one was started."""
    if name not in current_app.tasks:
        # A task registers when its module is imported. A worker imports every app's tasks at
        # start-up; a web process imports none, so the first enqueue runs the same discovery.
        current_app.loader.import_default_modules()
    task = current_app.tasks[name]
    if current_app.conf.task_always_eager and settings.TASKS_EAGER_IN_BACKGROUND:
        return _run_in_background(task, args)
    task.apply_async(args=args, countdown=countdown)
    return None
