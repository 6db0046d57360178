"""The Celery application: configured from Django settings (CELERY_*), tasks from every app."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")

app = Celery("nisp_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["nisp_tracker"])
