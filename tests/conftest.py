from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings

from nisp_tracker.celery import app as celery_app
from tests.factories import UserFactory
from tests.worker import WorkerProcess, new_queue_name


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run; production uses the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real worker process on the Redis in REDIS_URL, on a queue of its own."""
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set in CI: the Celery integration tests must run.")
        pytest.skip("REDIS_URL is not set: no broker to run a real Celery worker against.")
    queue = new_queue_name()
    celery_app.conf.task_default_queue = queue
    worker = WorkerProcess(queue)
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_default_queue = django_settings.CELERY_TASK_DEFAULT_QUEUE
