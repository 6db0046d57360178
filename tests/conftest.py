from __future__ import annotations

import datetime
import gc
import os
import zoneinfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation

from core.collector import FEWER_COLLECTIONS
from core.translations import compile_catalogues
from interventions.loader import load_policies
from interventions.models import Policy
from nisp_tracker.celery import app as celery_app
from tests.factories import UserFactory
from tests.progress import kp_item, moi_item, people, period  # noqa: F401
from tests.worker import WorkerProcess, new_queue_name


def pytest_configure(config):
    # Urdu pages and reports read the compiled catalogue; a fresh checkout has only the .po.
    compile_catalogues(django_settings.BASE_DIR / "locale")
    # The collector as the web workers run it (gunicorn.conf.py): what is imported by now stays
    # out of its scans, and it collects rarely.
    gc.freeze()
    gc.set_threshold(*FEWER_COLLECTIONS)


# The day every test runs on: the clock is frozen there (and ticks on from it), so the suite never
# depends on today's date. CI runs it as is; NISP_TEST_TODAY=2027-07-20 tries another day.
TEST_TODAY = datetime.date.fromisoformat(os.environ.get("NISP_TEST_TODAY", "2026-12-01"))
TEST_NOW = datetime.datetime.combine(
    TEST_TODAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Karachi")
)


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    if "celery_worker" in request.fixturenames:
        # A worker is another process, on the real clock: these tests name their quarters
        # and measure only elapsed time, so the calendar does not matter to them.
        yield
        return
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Urdu leaves Urdu active on the thread (as in a server, where the next request
    # sets its own): each test starts in the default language, whatever ran before it.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def isolated_settings(folder) -> dict:
    """What every test runs with, its files and caches under `folder` (its own)."""
    return {
        "MEDIA_ROOT": folder / "media",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # No warm-up after each committed change (committee.warming): its own tests turn it on.
        "FIGURES_WARM_DELAY_SECONDS": 0,
        # Pages render without a collectstatic run; production uses the hashed manifest.
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Figures and API pages are cached by data version, which a test's rollback restores:
        # each test gets private caches so one test's data can never answer another's.
        "CACHES": {
            **django_settings.CACHES,
            "figures": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"figures-{folder}",
            },
            "responses": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"responses-{folder}",
            },
        },
    }


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in isolated_settings(tmp_path).items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real policy data once, as `make run` does; each test rolls back its changes.

    pytest-django runs transactional tests (which flush the database) after all others.
    """
    # Loaded the day before the frozen test day, as a real deployment loads its plan first.
    with django_db_blocker.unblock(), time_machine.travel(TEST_NOW - datetime.timedelta(days=1)):
        load_policies()


@pytest.fixture
def plan(db):
    """Marks a test that reads the real policy data loaded for the session."""
    return Policy.objects.count()


@pytest.fixture
def committed_plan(transactional_db):
    """The policy data committed, for tests whose other processes (a Celery worker) read it."""
    if not Policy.objects.exists():
        load_policies()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def eager_tasks():
    """Run enqueued tasks in the test process (as `make run` does without a broker)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture(scope="session")
def worker_mail_dir(tmp_path_factory):
    """Where the worker process writes the e-mail it sends (Django's file backend)."""
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="session")
def worker_media_dir(tmp_path_factory):
    """Where the worker process stores files (MEDIA_ROOT), for tests to open what it made."""
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, worker_mail_dir, worker_media_dir):
    """A real worker process on the Redis in REDIS_URL, on a queue of its own."""
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set in CI: the Celery integration tests must run.")
        pytest.skip("REDIS_URL is not set: no broker to run a real Celery worker against.")
    queue = new_queue_name()
    celery_app.conf.task_default_queue = queue
    worker = WorkerProcess(
        queue,
        extra_env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(worker_mail_dir),
            "MEDIA_ROOT": str(worker_media_dir),
            # The worker warms figures only when a test asks it to (committee.warming).
            "FIGURES_WARM_DELAY_SECONDS": "0",
        },
    )
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_default_queue = django_settings.CELERY_TASK_DEFAULT_QUEUE
