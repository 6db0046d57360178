"""committee.warming: after a committed change, the default dashboard's figures are computed
again into the cache, once for all the changes made while a warm-up is pending."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import User
from committee import dashboard_body
from committee.figures import committee_figures, compute_committee_figures
from committee.figures_cache import figures_key
from committee.warming import PENDING
from core.data_version import data_version_bump, data_version_current
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from tests.api.helpers import approve
from tests.factories import user_with_role
from tests.progress import current_period

# The worker's own caches, as the settings give them before a test replaces them.
WORKER_DEFAULT = dict(django_settings.CACHES["default"])
WORKER_FIGURES = dict(django_settings.CACHES["figures"])


@pytest.fixture
def warming(settings):
    """Warm-ups on, 30 s after a change, with a pending mark of this test's own."""
    settings.FIGURES_WARM_DELAY_SECONDS = 30
    settings.TASKS_EAGER_IN_BACKGROUND = False
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"warm-{uuid.uuid4().hex}"},
    }


def default_dashboard(visibility: str):
    """The figures the dashboard opens on: this quarter, NISP 2018 (its policy read once)."""
    nisp = Policy.objects.get(code="NISP-2018")
    return lambda: committee_figures(
        quarter=Quarter.of(timezone.localdate()), policy=nisp, visibility=visibility
    )


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


@pytest.mark.django_db
def test_a_committed_change_warms_the_default_dashboard_for_each_reader_class(
    warming, eager_tasks, people, moi_item, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(moi_item, period, people, status="delayed", percent_complete=20)
    for visibility in ("all", "official"):
        # Found in the cache: the data version is the only query.
        assert queries(default_dashboard(visibility)) == 1, visibility
        assert default_dashboard(visibility)() == compute_committee_figures(
            quarter=Quarter.of(timezone.localdate()),
            policy=Policy.objects.get(code="NISP-2018"),
            visibility=visibility,
        )


@pytest.mark.django_db
def test_the_first_reader_after_a_change_gets_the_body_rendered_ahead_as_the_page_renders_it(
    warming, eager_tasks, people, moi_item, period, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(moi_item, period, people, status="delayed", percent_complete=20)
    member = people["committee"]
    client.force_login(member)
    languages = [language for language, _name in django_settings.LANGUAGES]
    keys = {}
    for language in languages:
        with translation.override(language):
            keys[language] = dashboard_body.cache_key("all", timezone.localdate(), QueryDict())
    ahead = {language: caches["figures"].get(keys[language]) for language in languages}
    assert None not in ahead.values(), ahead.keys()

    def read_in(language: str) -> tuple[str, int]:
        member.language = language
        member.save(update_fields=["language"])
        with CaptureQueriesContext(connection) as read:
            page = client.get(reverse("committee:dashboard")).content.decode()
        return page, len(read)

    for language in languages:
        page, queries_made = read_in(language)
        # Read back, not computed: the session, the person, the policies, the data version.
        assert queries_made == 4
        assert ahead[language] in page
        assert f'<html lang="{language}"' in page
    # The page, rendering them afresh, gives the very same bodies.
    caches["figures"].clear()
    for language in languages:
        _page, queries_made = read_in(language)
        assert queries_made > 4, "computed afresh"
        assert caches["figures"].get(keys[language]) == ahead[language], language


@pytest.mark.django_db
def test_changes_made_while_a_warm_up_is_pending_ask_for_no_other(
    warming, eager_tasks, people, moi_item, period, django_capture_on_commit_callbacks
):
    caches["default"].add(PENDING, True, timeout=60)  # one already asked for, not yet run
    with django_capture_on_commit_callbacks(execute=True):
        approve(moi_item, period, people, status="delayed", percent_complete=20)
    assert queries(default_dashboard("all")) > 1  # nothing computed it meanwhile
    caches["default"].delete(PENDING)  # that one ran: the next change asks again
    with django_capture_on_commit_callbacks(execute=True):
        data_version_bump()  # any service's change
    assert queries(default_dashboard("all")) == 1


@pytest.mark.django_db
def test_off_by_default_in_the_tests_and_without_a_broker(
    people, moi_item, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(moi_item, period, people, status="delayed", percent_complete=20)
    assert queries(default_dashboard("all")) > 1


@pytest.mark.integration
def test_a_real_worker_computes_the_figures_after_a_committed_approval(
    celery_worker, committed_plan, settings
):
    settings.FIGURES_WARM_DELAY_SECONDS = 1
    # The worker's pending mark is this process's too: a warm-up that ran before the last
    # change (a slow machine) has cleared it, so that change asks for another.
    settings.CACHES = {**settings.CACHES, "default": WORKER_DEFAULT}
    caches["default"].delete(PENDING)
    item = PlanItem.objects.get(policy__code="NISP-2018", ref="1")
    period = current_period()
    people = {
        "officer": user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi"),
        "reviewer": user_with_role(User.Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi"),
    }
    approve(item, period, people, status="delayed", percent_complete=20)  # committed: no atomic
    today = timezone.localdate()  # the real clock's, as the worker's
    key = figures_key(quarter=Quarter.of(today).label, scope="NISP-2018:::all",
                      day=today.isoformat(), version=data_version_current())  # fmt: skip
    worker_cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": WORKER_FIGURES["KEY_PREFIX"]})
    deadline = time.monotonic() + 60
    while (warmed := worker_cache.get(key)) is None and time.monotonic() < deadline:
        time.sleep(0.5)  # the worker, another process, computes them after the delay
    assert warmed is not None, f"no warmed figures under {key}; see {celery_worker.log_path}"
    assert warmed == compute_committee_figures(
        quarter=Quarter.of(today), policy=Policy.objects.get(code="NISP-2018"), visibility="all"
    )
