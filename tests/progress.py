"""Progress fixtures shared by every app's tests (an open NISP 2018 quarter, the MoI and KP
items, one person per role) and helpers to fill the update form."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from agencies.models import User
from core.quarters import Quarter
from interventions.models import PlanItem
from reporting import update_fields
from reporting.models import ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.factories import user_with_role

Role = User.Role


def current_period() -> ReportingPeriod:
    """NISP 2018's quarter of today (the frozen day in a test; the real clock's in a test with a
    worker, which runs on it), open, with the configured deadline."""
    quarter = Quarter.of(timezone.localdate())
    return ReportingPeriod.objects.create(
        policy_id=PlanItem.objects.get(policy__code="NISP-2018", ref="1").policy_id,
        label=quarter.label,
        start=quarter.start,
        end=quarter.end,
        deadline=quarter.end + datetime.timedelta(days=settings.REPORTING_DEADLINE_DAYS),
    )


@pytest.fixture
def period(plan):
    """The open NISP 2018 quarter: the one the frozen test day falls in."""
    return current_period()


@pytest.fixture
def moi_item(plan):
    """Annex A row 1: the Ministry of Interior alone is responsible."""
    item = moi_item_of_the_plan()
    assert list(item.responsibilities.values_list("agency__code", flat=True)) == ["MOI"]
    return item


@pytest.fixture
def kp_item(plan):
    """The Annex A row the KP Home Department answers for (002 lines 2373-2376, row 24)."""
    return (
        PlanItem.objects.filter(policy__code="NISP-2018", responsibilities__agency__code="HD-KP")
        .exclude(responsibilities__agency__code="MOI")
        .first()
    )


@pytest.fixture
def people(plan):
    return make_people()


def moi_item_of_the_plan() -> PlanItem:
    return PlanItem.objects.get(policy__code="NISP-2018", ref="1")


def make_people() -> dict[str, User]:
    """One person per role: the MoI's officer and reviewer, KP's, the committee's two."""
    return {
        "officer": user_with_role(Role.DESK_OFFICER, "MOI", username="officer.moi"),
        "reviewer": user_with_role(Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi"),
        "outsider": user_with_role(Role.DESK_OFFICER, "HD-KP", username="officer.kp"),
        "outside_reviewer": user_with_role(Role.AGENCY_REVIEWER, "HD-KP", username="reviewer.kp"),
        "committee": user_with_role(Role.COMMITTEE_MEMBER, username="committee"),
        "secretary": user_with_role(Role.COMMITTEE_SECRETARY, username="secretary"),
    }


def update_form(period, **overrides):
    data = {
        "period": period.pk,
        "status": "in_progress",
        "percent_complete": "40",
        "confidence": "green",
        "confidence_rationale": "",
        "narrative": "Two of the four committees met this quarter.",
        "challenges": "",
        "next_steps": "Convene the remaining committees.",
        "budget_released": "",
        "budget_spent": "",
        "evidence_link": "",
    }
    data.update(overrides)
    return data


def data_of(update: ProgressUpdate) -> UpdateData:
    """The update as an officer would have entered it, to run through the services' checks."""
    return UpdateData(
        **update_fields.values_of(update),
        indicator_values={v.indicator_id: v.number for v in update.indicator_values.all()},
    )
