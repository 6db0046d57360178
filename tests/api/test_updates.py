"""Progress updates through the API: the web form's rules, through the same services."""

import pytest

from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod
from tests.api.helpers import approve

pytestmark = pytest.mark.django_db


def body(period, **overrides):
    return {
        "period": period.pk,
        "status": "in_progress",
        "percent_complete": 40,
        "confidence": "green",
        "narrative": "Two of the four committees met this quarter.",
        "next_steps": "Convene the remaining committees.",
        **overrides,
    }


def create_url(item):
    return f"/api/v1/items/{item.pk}/updates/"


@pytest.fixture
def officer(api_as, people):
    return api_as(people["officer"])


@pytest.fixture
def draft(officer, moi_item, period):
    response = officer.post(create_url(moi_item), body(period), format="json")
    assert response.status_code == 201, response.json()
    return ProgressUpdate.objects.get(pk=response.json()["id"])


def test_officer_posts_a_draft_with_an_indicator_value(officer, people, moi_item, period):
    indicator = moi_item.indicators.get()
    response = officer.post(
        create_url(moi_item),
        body(period, indicator_values=[{"indicator": indicator.pk, "value": "2 of 4"}]),
        format="json",
    )
    assert response.status_code == 201
    shown = response.json()
    assert (shown["state"], shown["version"], shown["agency"]) == ("draft", 1, "MOI")
    update = ProgressUpdate.objects.get(pk=shown["id"])
    assert update.author == people["officer"]
    assert IndicatorValue.objects.get(update=update).value == "2 of 4"
    assert shown["indicator_values"] == [
        {"indicator": indicator.pk, "measure": "text", "value": "2 of 4"}
    ]


def test_bad_input_is_400_with_field_errors_and_saves_nothing(officer, moi_item, period):
    response = officer.post(
        create_url(moi_item),
        body(period, percent_complete=150, budget_released=-5, narrative="", status="fine"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {
        "percent_complete", "budget_released", "narrative", "status"
    }  # fmt: skip
    assert not ProgressUpdate.objects.exists()


def test_service_rules_come_back_as_field_errors(officer, moi_item, period):
    response = officer.post(
        create_url(moi_item),
        body(period, confidence="red", budget_released=100, budget_spent=250),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"confidence_rationale", "budget_spent"}
    assert not ProgressUpdate.objects.exists()


def test_a_number_indicator_refuses_text(officer, people, period, plan):
    from interventions.models import Indicator

    indicator = Indicator.objects.filter(
        measure="number", item__responsibilities__agency__code="MOI", item__policy__code="NISP-2018"
    ).first()
    response = officer.post(
        create_url(indicator.item),
        body(period, indicator_values=[{"indicator": indicator.pk, "value": "N/A"}]),
        format="json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]["indicator_values"]
    assert error["code"] == "number_required"
    assert "takes a number" in error["message"]
    ok = officer.post(
        create_url(indicator.item),
        body(period, indicator_values=[{"indicator": indicator.pk, "value": 12.5}]),
        format="json",
    )
    assert ok.status_code == 201
    assert ok.json()["indicator_values"] == [
        {"indicator": indicator.pk, "measure": "number", "value": 12.5}
    ]


def test_outsider_officer_is_refused_with_403(api_as, people, moi_item, period):
    response = api_as(people["outsider"]).post(create_url(moi_item), body(period), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ProgressUpdate.objects.exists()


def test_a_locked_period_is_a_409(officer, moi_item, period):
    ReportingPeriod.objects.filter(pk=period.pk).update(state="locked")
    response = officer.post(create_url(moi_item), body(period), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "period_locked"
    assert "locked" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


def test_an_unknown_item_is_a_404(officer, period):
    assert (
        officer.post("/api/v1/items/999999/updates/", body(period), format="json").status_code
        == 404
    )
    assert officer.get("/api/v1/items/999999/updates/").status_code == 404


def test_patch_changes_only_the_fields_sent_and_bumps_the_version(officer, draft):
    response = officer.patch(
        f"/api/v1/updates/{draft.pk}/", {"version": 1, "percent_complete": 60}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["percent_complete"], response.json()["version"]) == (60, 2)
    draft.refresh_from_db()
    assert draft.narrative == "Two of the four committees met this quarter."
    assert draft.next_steps == "Convene the remaining committees."


def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(officer, draft):
    officer.patch(f"/api/v1/updates/{draft.pk}/", {"version": 1, "narrative": "A"}, format="json")
    response = officer.patch(
        f"/api/v1/updates/{draft.pk}/", {"version": 1, "narrative": "B"}, format="json"
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert (draft.narrative, draft.version) == ("A", 2)


def test_patch_needs_the_version(officer, draft):
    response = officer.patch(f"/api/v1/updates/{draft.pk}/", {"narrative": "B"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"version"}


def test_submit_then_approve_makes_it_the_items_status(api_as, people, officer, draft, moi_item):
    submitted = officer.post(f"/api/v1/updates/{draft.pk}/submit/", {"version": 1}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    reviewer = api_as(people["reviewer"])
    approved = reviewer.post(f"/api/v1/updates/{draft.pk}/approve/", {"version": 2}, format="json")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    item = reviewer.get(f"/api/v1/items/{moi_item.pk}/").json()
    assert item["current_status"] == "in_progress"


def test_a_submitted_update_cannot_be_patched(officer, draft):
    officer.post(f"/api/v1/updates/{draft.pk}/submit/", {"version": 1}, format="json")
    response = officer.patch(
        f"/api/v1/updates/{draft.pk}/", {"version": 2, "narrative": "B"}, format="json"
    )
    assert response.status_code == 409


def test_returning_needs_a_comment(api_as, people, officer, draft):
    officer.post(f"/api/v1/updates/{draft.pk}/submit/", {"version": 1}, format="json")
    reviewer = api_as(people["reviewer"])
    refused = reviewer.post(f"/api/v1/updates/{draft.pk}/return/", {"version": 2}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "comment": [
            {"code": "comment_required", "message": "Say what needs to change before returning it."}
        ]
    }
    returned = reviewer.post(
        f"/api/v1/updates/{draft.pk}/return/",
        {"comment": "Attach the minutes.", "version": 2},
        format="json",
    )
    assert returned.status_code == 200
    assert (returned.json()["state"], returned.json()["review_comment"]) == (
        "returned",
        "Attach the minutes.",
    )


def test_history_shows_drafts_only_inside_their_agency(api_as, people, draft, moi_item, period):
    url = create_url(moi_item)
    assert [u["id"] for u in api_as(people["reviewer"]).get(url).json()["results"]] == [draft.pk]
    assert api_as(people["committee"]).get(url).json()["results"] == []
    assert api_as(people["outsider"]).get(f"/api/v1/updates/{draft.pk}/").status_code == 404


def test_history_lists_approved_updates_for_everyone(api_as, people, moi_item, period):
    update = approve(moi_item, period, people)
    history = api_as(people["outsider"]).get(create_url(moi_item)).json()
    assert [(u["id"], u["state"], u["period_label"]) for u in history["results"]] == [
        (update.pk, "approved", period.label)
    ]
