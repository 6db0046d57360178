"""A retried task waits less than Redis's visibility timeout, so no second worker runs it too."""

from django.conf import settings

from nisp_tracker.celery import app


def _project_tasks():
    app.loader.import_default_modules()
    return [task for name, task in app.tasks.items() if not name.startswith("celery.")]


def test_every_retrying_task_waits_less_than_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    retrying = [task for task in _project_tasks() if getattr(task, "autoretry_for", ())]
    assert retrying, "no task retries: this test has nothing to check"
    too_long = {
        task.name: task.retry_backoff_max
        for task in retrying
        if getattr(task, "retry_backoff", False) and task.retry_backoff_max >= visibility
    }
    too_long |= {
        task.name: task.default_retry_delay
        for task in retrying
        if not getattr(task, "retry_backoff", False) and task.default_retry_delay >= visibility
    }
    assert too_long == {}, f"retry waits (s) at or past the {visibility} s visibility timeout"
