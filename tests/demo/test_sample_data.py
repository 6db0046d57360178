"""Sample progress for the demo: marked, plausible, valid under the services' rules, removable.

The tests read one seeding, made once for the module (tests.shared_rows); what seeding does to
an empty tracker is in test_seed_demo.py.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies.models import User
from demo.sample_data import DEMO_PERIODS, SAMPLE_AUTHOR_USERNAME
from interventions.models import PlanItem
from reporting import services
from reporting.models import Comment, IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.selectors import reportable_periods
from reporting.services import UpdateData
from tests.progress import data_of
from tests.shared_rows import shared_rows, use_shared_files

pytestmark = pytest.mark.django_db

State = ProgressUpdate.State


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo run once for the module: each test reads or changes it in a savepoint."""
    with (
        shared_rows(django_db_blocker, tmp_path_factory, "sample-data") as folder,
        override_settings(DEBUG=True),
    ):
        call_command("seed_demo")
        yield folder


@pytest.fixture
def demo(db, shared, settings):
    settings.DEBUG = True  # seed_demo adds samples only with DEBUG on
    use_shared_files(settings, shared)


def test_seed_demo_creates_sample_progress_all_marked_as_sample(demo):
    updates = ProgressUpdate.objects.all()
    assert updates.count() > 500
    assert not updates.filter(is_sample=False).exists()
    assert not updates.exclude(narrative__startswith="Sample data:").exists()
    assert IndicatorValue.objects.filter(update__is_sample=True).exists()


def test_sample_progress_covers_the_last_four_quarters_with_a_mix_of_states(demo):
    nisp = ProgressUpdate.objects.filter(item__policy__code="NISP-2018")
    periods = list(
        ReportingPeriod.objects.filter(policy__code="NISP-2018", updates__in=nisp)
        .distinct()
        .order_by("start")
    )
    assert len(periods) == DEMO_PERIODS
    *older, current = periods
    assert {u.state for u in nisp.filter(period__in=older)} == {State.APPROVED}
    assert {u.state for u in nisp.filter(period=current)} == {
        State.APPROVED,
        State.SUBMITTED,
        State.DRAFT,
    }
    assert all(p.state == ReportingPeriod.State.CLOSED for p in older)
    statuses = set(nisp.values_list("status", flat=True))
    assert {"completed", "on_track", "at_risk", "delayed"} <= statuses
    reported = nisp.filter(period=current).values("item")
    never = PlanItem.objects.filter(policy__code="NISP-2018").exclude(updates__isnull=False)
    assert never.exists()
    assert PlanItem.objects.filter(policy__code="NISP-2018").exclude(pk__in=reported).count() > (
        never.count()
    )


def test_sample_percent_never_falls_from_one_quarter_to_the_next(demo):
    last_percent = {}
    for update in ProgressUpdate.objects.order_by("item_id", "period__start"):
        assert update.percent_complete >= last_percent.get(update.item_id, 0)
        last_percent[update.item_id] = update.percent_complete


def test_demo_officers_author_and_reviewers_approve_their_agencys_samples(demo):
    moi = ProgressUpdate.objects.filter(agency__code="MOI")
    assert set(moi.values_list("author__username", flat=True)) == {"officer.moi"}
    assert set(
        moi.filter(state=State.APPROVED).values_list("reviewed_by__username", flat=True)
    ) == {"reviewer.moi"}
    others = ProgressUpdate.objects.exclude(agency__code__in=["MOI", "HD-KP"])
    assert set(others.values_list("author__username", flat=True)) == {SAMPLE_AUTHOR_USERNAME}
    sample_author = User.objects.get(username=SAMPLE_AUTHOR_USERNAME)
    assert not sample_author.is_active
    assert not sample_author.has_usable_password()


def test_every_sample_update_passes_the_services_validation(demo):
    updates = ProgressUpdate.objects.select_related("item", "period").prefetch_related(
        "indicator_values", "item__indicators"
    )
    for update in updates:
        services.validate_update(update.item, update.agency_id, update.period, data_of(update))
        update.full_clean()
        for value in update.indicator_values.all():
            value.full_clean()
            assert isinstance(value.number, Decimal)
        if update.status == "completed":
            assert update.evidence_link  # what update_submit demands
        if update.state != State.DRAFT:
            assert update.submitted_at is not None
        if update.state == State.APPROVED:
            assert update.reviewed_by_id
            assert update.reviewed_at >= update.submitted_at


def test_validation_would_catch_a_sample_update_breaking_the_rules(demo):
    update = ProgressUpdate.objects.filter(confidence="red").first()
    data = data_of(update)
    data.confidence_rationale = ""
    with pytest.raises(ValidationError):
        services.validate_update(update.item, update.agency_id, update.period, data)


def test_seed_demo_twice_creates_no_second_sample(demo):
    before = ProgressUpdate.objects.count()
    values = IndicatorValue.objects.count()
    periods = ReportingPeriod.objects.count()
    call_command("seed_demo")
    assert ProgressUpdate.objects.count() == before
    assert IndicatorValue.objects.count() == values
    assert ReportingPeriod.objects.count() == periods


def test_remove_sample_data_deletes_only_samples_and_their_children(demo, settings):
    officer = User.objects.get(username="officer.moi")
    reviewer = User.objects.get(username="reviewer.moi")
    unreported = (
        PlanItem.objects.for_agency(officer.agency)
        .exclude(updates__period__in=reportable_periods())
        .first()
    )
    period = reportable_periods().get(policy=unreported.policy)
    real = services.update_create(
        user=officer,
        item=unreported,
        period=period,
        data=UpdateData(
            status="in_progress",
            percent_complete=10,
            confidence="green",
            narrative="Real.",
            confidence_rationale="The committees met as planned.",
            # The sample's approved percent may be higher: a real figure below it needs a reason.
            change_rationale="The sample figures were not real progress.",
        ),
    )
    sample = ProgressUpdate.objects.filter(
        is_sample=True, state=State.SUBMITTED, agency=officer.agency
    ).first()
    services.update_return(
        user=reviewer, update=sample, comment="Sample needs more detail.", version=sample.version
    )
    assert Comment.objects.filter(update=sample).exists()

    call_command("remove_sample_data")

    assert list(ProgressUpdate.objects.all()) == [real]
    assert not IndicatorValue.objects.filter(update__is_sample=True).exists()
    assert not Comment.objects.exists()
    assert not ProgressUpdate.history.filter(is_sample=True).exists()
    assert ProgressUpdate.history.filter(id=real.pk).exists()


def test_item_page_shows_a_sample_badge_on_sample_updates(demo, client):
    client.force_login(User.objects.get(username="committee"))
    sampled = ProgressUpdate.objects.filter(state=State.APPROVED).first().item
    response = client.get(reverse("reporting:item_detail", args=[sampled.pk]))
    assert response.status_code == 200
    assert b'class="badge sample"' in response.content
    assert b"Sample data" in response.content


def test_item_list_marks_a_current_status_that_comes_from_sample_data(demo, client):
    client.force_login(User.objects.get(username="committee"))
    response = client.get(reverse("reporting:item_list"), {"policy": "NISP-2018"})
    assert response.status_code == 200
    page = response.context["page"]
    sampled = [item for item in page if item["current_status"]]
    assert sampled
    assert all(item["current_is_sample"] for item in sampled)
    assert response.content.count(b'class="badge sample"') == len(sampled)


def test_my_items_and_review_queue_mark_sample_updates(demo, client):
    client.force_login(User.objects.get(username="officer.moi"))
    response = client.get(reverse("reporting:my_items"))
    assert response.status_code == 200
    assert b'class="badge sample"' in response.content
    client.force_login(User.objects.get(username="reviewer.moi"))
    response = client.get(reverse("reporting:review_queue"))
    waiting = list(response.context["updates"])
    assert waiting
    assert response.content.count(b'class="badge sample"') == len(waiting)


def test_compliance_says_its_counts_include_sample_updates(demo, client):
    client.force_login(User.objects.get(username="committee"))
    response = client.get(reverse("reporting:compliance"))
    period = response.context["period"]
    expected = ProgressUpdate.objects.filter(period=period, is_sample=True).count()
    assert expected
    assert f"include {expected} sample updates".encode() in response.content
