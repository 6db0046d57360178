"""seed_demo's sample due dates and targets: approved through the services, marked sample,
and leaving the dashboard's overdue and needs-attention counts a minority, each explained."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from committee.figures import committee_figures
from core.quarters import Quarter
from demo.sample_plan import SAMPLE_AUTHORITY, sample_plan_remove
from interventions.models import BaselineRevision, ChangeRequest

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def seeded(plan, settings):
    settings.DEBUG = True
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo")
        yield committee_figures(quarter=Quarter.of(FROZEN.date()))


def test_sample_revisions_are_approved_requests_marked_sample(seeded):
    revisions = BaselineRevision.objects.all()
    assert revisions.exists()
    assert all(r.is_sample and r.authority == SAMPLE_AUTHORITY for r in revisions)
    assert all(r.reason.startswith("Sample data:") for r in revisions)
    assert set(ChangeRequest.objects.values_list("state", "is_sample")) == {("approved", True)}
    assert seeded["plan"]["contains_sample"]


def test_overdue_and_attention_are_a_minority_and_each_is_explained(seeded):
    items = seeded["totals"]["items"]
    assert 0 < seeded["totals"]["overdue"] < items / 4
    assert 0 < len(seeded["attention"]) < items / 2
    for entry in seeded["overdue"]:
        assert entry["due_date"] < FROZEN.date().isoformat()
        assert entry["due_from"].startswith("revision")
        assert entry["is_sample"]
    for entry in seeded["attention"]:
        assert entry["reasons"]
        for reason in entry["reasons"]:
            if reason["code"] == "overdue":
                assert reason["due_date"].startswith("20")
    assert seeded["totals"]["no_due_date"] > seeded["totals"]["overdue"]


def test_seeding_twice_adds_no_revision_and_removal_takes_only_samples(seeded, settings):
    count = BaselineRevision.objects.count()
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo")
    assert BaselineRevision.objects.count() == count
    assert sample_plan_remove() == count
    assert not ChangeRequest.objects.exists()
