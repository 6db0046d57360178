"""Progress fixtures shared by every app's tests (an open NISP 2018 quarter, the MoI and Punjab
items, one person per role) and helpers to fill the update form."""

import datetime

import pytest

from agencies.models import User
from interventions.models import PlanItem
from reporting import update_fields
from reporting.models import ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.factories import user_with_role

Role = User.Role


@pytest.fixture
def period(plan):
    """The open NISP 2018 quarter."""
    return ReportingPeriod.objects.create(
        policy_id=PlanItem.objects.get(policy__code="NISP-2018", ref="1").policy_id,
        label="2026Q4",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 12, 31),
        deadline=datetime.date(2027, 1, 15),
    )


@pytest.fixture
def moi_item(plan):
    """Annex A row 1: the Ministry of Interior alone is responsible."""
    item = PlanItem.objects.get(policy__code="NISP-2018", ref="1")
    assert list(item.responsibilities.values_list("agency__code", flat=True)) == ["MOI"]
    return item


@pytest.fixture
def punjab_item(plan):
    """An Annex A row the Punjab Home Department answers for through 'All Home Departments'."""
    return (
        PlanItem.objects.filter(
            policy__code="NISP-2018",
            responsibilities__agency__code="HD-PUNJAB",
            responsibilities__via_group__code="ALL-HD",
        )
        .exclude(responsibilities__agency__code="MOI")
        .first()
    )


@pytest.fixture
def people(plan):
    return {
        "officer": user_with_role(Role.DESK_OFFICER, "MOI", username="officer.moi"),
        "reviewer": user_with_role(Role.AGENCY_REVIEWER, "MOI", username="reviewer.moi"),
        "outsider": user_with_role(Role.DESK_OFFICER, "HD-PUNJAB", username="officer.punjab"),
        "outside_reviewer": user_with_role(
            Role.AGENCY_REVIEWER, "HD-PUNJAB", username="reviewer.punjab"
        ),
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
