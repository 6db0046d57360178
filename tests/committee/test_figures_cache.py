"""The committee figures are cached by data version: after every kind of change that can move
a figure, the cached figures are exactly the ones computed afresh."""

import datetime

import pytest
from django.utils import timezone, translation

from agencies.models import Agency
from committee.figures import committee_figures, compute_committee_figures
from core.data_version import data_version_bump, data_version_current
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem
from reporting import periods
from reporting import services as progress
from reporting.models import ProgressUpdate
from tests.caches import make_unreachable
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db

NEW = progress.UpdateData(
    status="delayed",
    percent_complete=30,
    confidence="red",
    confidence_rationale="The release of funds slipped a quarter.",
    narrative="Funds were late.",
)


@pytest.fixture
def quarter(period):
    return Quarter.of(timezone.localdate())


def assert_cache_matches(quarter, before=None):
    """The cached figures (all policies and NISP) equal fresh ones; returns the cached."""
    cached = committee_figures(quarter=quarter)
    assert cached == compute_committee_figures(quarter=quarter)
    nisp = PlanItem.objects.get(policy__code="NISP-2018", ref="1").policy
    assert committee_figures(quarter=quarter, policy=nisp) == compute_committee_figures(
        quarter=quarter, policy=nisp
    )
    if before is not None:
        assert cached != before, "the change moved no figure, so it proves nothing"
    return cached


def test_cached_figures_equal_fresh_ones_after_every_kind_of_change(
    people, moi_item, period, quarter
):
    figures = assert_cache_matches(quarter)

    update = progress.update_create(user=people["officer"], item=moi_item, period=period, data=NEW)
    update = progress.update_submit(user=people["officer"], update=update, version=update.version)
    figures = assert_cache_matches(quarter, before=figures)  # reported now

    update = progress.update_return(
        user=people["reviewer"], update=update, comment="Add minutes.", version=update.version
    )
    figures = assert_cache_matches(quarter, before=figures)

    update = progress.update_submit(user=people["officer"], update=update, version=update.version)
    figures = assert_cache_matches(quarter, before=figures)
    progress.update_approve(user=people["reviewer"], update=update, version=update.version)
    figures = assert_cache_matches(quarter, before=figures)  # delayed now

    request = plan_services.change_request_propose(
        user=people["reviewer"],
        item=moi_item,
        values={"due_date": timezone.localdate() - datetime.timedelta(days=1)},
        reason="Committee decision",
    )
    plan_services.change_request_approve(
        user=people["secretary"], request=request, authority="Advisory Committee, decision 4"
    )
    figures = assert_cache_matches(quarter, before=figures)  # overdue now

    no_lead = PlanItem.objects.filter(policy__code="NSP-2022").exclude(
        responsibilities__role="lead"
    )
    plan_services.item_owner_assign(
        user=people["secretary"],
        item=no_lead.first(),
        agency=Agency.objects.get(code="NSD"),
        authority="NSC meeting of 2026-03-02, minute 4",
    )
    figures = assert_cache_matches(quarter, before=figures)  # one owner gap fewer

    version = data_version_current()
    periods.period_lock(period=period, user=people["secretary"], reason="Reported on")
    assert data_version_current() != version
    assert_cache_matches(quarter)


def test_a_write_past_the_services_is_not_seen_until_the_version_moves(moi_item, period, quarter):
    # Why every service bumps the version: the cache alone would keep the old figures.
    ProgressUpdateFactory(item=moi_item, period=period, status="in_progress")
    before = committee_figures(quarter=quarter)
    ProgressUpdate.objects.filter(item=moi_item).update(status="completed", percent_complete=100)
    assert committee_figures(quarter=quarter) == before
    assert compute_committee_figures(quarter=quarter) != before
    data_version_bump()
    assert committee_figures(quarter=quarter) != before


def test_the_figures_are_computed_afresh_when_the_cache_is_unreachable(settings, moi_item, quarter):
    make_unreachable(settings, "figures")
    assert committee_figures(quarter=quarter) == compute_committee_figures(quarter=quarter)


def test_figures_after_a_sensitivity_change_equal_fresh_ones_for_every_class_of_reader(
    people, moi_item, quarter
):
    """Each class of reader has its own entry; a restriction moves the official and public
    figures at once (the data version), and the committee's never answer another class."""
    nisp = moi_item.policy

    def each_class():
        figures = {}
        for visibility in ("all", "official", "public"):
            cached = committee_figures(quarter=quarter, policy=nisp, visibility=visibility)
            fresh = compute_committee_figures(quarter=quarter, policy=nisp, visibility=visibility)
            assert cached == fresh, visibility
            figures[visibility] = cached
        return figures

    before = each_class()
    assert before["official"]["restricted"]["left_out"] == 0
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=[moi_item], sensitivity="restricted", reason="JID."
    )
    after = each_class()
    assert after["official"] != before["official"]
    assert after["official"]["restricted"]["left_out"] == 1
    assert after["official"]["totals"]["items"] == before["official"]["totals"]["items"] - 1
    assert after["all"]["totals"]["items"] == before["all"]["totals"]["items"]
    assert [row["id"] for row in after["all"]["restricted"]["annex"]] == [moi_item.pk]
    assert moi_item.text not in str(after["official"])

    plan_services.item_sensitivity_set(
        user=people["secretary"], items=list(nisp.items.all()), sensitivity="public", reason="All."
    )
    published = each_class()
    assert published["public"]["totals"]["items"] == published["all"]["totals"]["items"]
    assert published["public"]["restricted"]["left_out"] == 0


def test_an_edit_in_the_admin_moves_the_cached_figures(client, people, quarter):
    """The admin writes the plan directly (core.admin.BumpsDataVersion): a lead added to an
    item with none there is one owner gap fewer in the cached figures at once."""
    from django.urls import reverse

    from agencies.models import User
    from tests.agencies.test_acts_for_admin import FormValues

    before = assert_cache_matches(quarter)
    item = (
        PlanItem.objects.filter(policy__code="NSP-2022")
        .exclude(responsibilities__role="lead")
        .first()
    )
    admin = User.objects.create_superuser("root", "root@interior.gov.pk", "a long passphrase 1")
    client.force_login(admin)
    url = reverse("admin:interventions_planitem_change", args=[item.pk])
    form = FormValues()
    form.feed(client.get(url).content.decode())
    values = {k: v for k, v in form.values.items() if "__prefix__" not in k}
    for button in ("_addanother", "_continue", "_saveasnew"):
        values.pop(button, None)
    prefix = "responsibilities"
    total = int(values[f"{prefix}-TOTAL_FORMS"][0])
    values[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    values[f"{prefix}-{total}-agency"] = [str(Agency.objects.get(code="NSD").pk)]
    values[f"{prefix}-{total}-role"] = ["lead"]
    values[f"{prefix}-{total}-as_written"] = ["NSD"]
    values[f"{prefix}-{total}-position"] = ["9"]
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert item.responsibilities.filter(role="lead").exists()
    assert_cache_matches(quarter, before=before)


def test_readers_in_either_language_share_one_computation(
    moi_item, quarter, django_assert_num_queries
):
    with translation.override("en"):
        english = committee_figures(quarter=quarter)
    with translation.override("ur"), django_assert_num_queries(1):  # the data version alone
        urdu = committee_figures(quarter=quarter)
    assert urdu == english
