"""Change requests and revisions in the API, checked against the OpenAPI document."""

import datetime

import pytest
import time_machine
from openapi_core import OpenAPI

from interventions.models import BaselineRevision, ChangeRequest
from tests.api.test_schema import check

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2027, 2, 10, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def openapi(api_as, people):
    response = api_as(people["committee"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    for path in (
        "/api/v1/items/{item_id}/revisions/",
        "/api/v1/change-requests/",
        "/api/v1/change-requests/{id}/approve/",
        "/api/v1/change-requests/{id}/reject/",
    ):
        assert path in schema["paths"]
    return OpenAPI.from_dict(schema)


def test_a_reviewer_proposes_the_secretary_approves_and_the_revision_is_listed(
    openapi, api_as, people, moi_item
):
    proposed = api_as(people["reviewer"]).post(
        "/api/v1/change-requests/",
        {"item": moi_item.pk, "due_date": "2027-12-31", "reason": "Agreed timeline"},
        format="json",
    )
    assert proposed.status_code == 201
    check(openapi, proposed)
    assert (proposed.json()["state"], proposed.json()["changes"]) == ("pending", ["due_date"])
    url = f"/api/v1/change-requests/{proposed.json()['id']}/"
    approved = api_as(people["secretary"]).post(
        f"{url}approve/", {"authority": "ACIS 2027Q1, decision 4"}, format="json"
    )
    check(openapi, approved)
    assert approved.json()["state"] == "approved"
    revisions = api_as(people["committee"]).get(f"/api/v1/items/{moi_item.pk}/revisions/")
    check(openapi, revisions)
    [revision] = revisions.json()["results"]
    assert (revision["number"], revision["due_date"], revision["in_force_from"]) == (
        1, "2027-12-31", "2027-02-10",
    )  # fmt: skip
    assert revision["change_request"] == proposed.json()["id"] == approved.json()["id"]
    assert approved.json()["revision"] == revision["id"]


def test_the_secretary_rejects_with_a_note_and_a_second_decision_conflicts(
    openapi, api_as, people, moi_item
):
    secretary = api_as(people["secretary"])
    proposed = secretary.post(
        "/api/v1/change-requests/",
        {"item": moi_item.pk, "allocation": 5000000, "reason": "Budget agreed"},
        format="json",
    ).json()
    url = f"/api/v1/change-requests/{proposed['id']}/"
    missing = secretary.post(f"{url}reject/", {}, format="json")
    assert missing.status_code == 400
    check(openapi, missing)
    rejected = secretary.post(f"{url}reject/", {"note": "Not yet funded"}, format="json")
    check(openapi, rejected)
    assert rejected.json()["state"] == "rejected"
    again = secretary.post(f"{url}approve/", {"authority": "x"}, format="json")
    assert again.status_code == 409
    assert not BaselineRevision.objects.exists()


def test_bad_input_is_a_400_naming_the_field_and_records_nothing(api_as, people, moi_item):
    response = api_as(people["reviewer"]).post(
        "/api/v1/change-requests/",
        {"item": moi_item.pk, "due_date": "next year", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "due_date" in response.json()["errors"]
    assert not ChangeRequest.objects.exists()


def test_outsiders_cannot_propose_decide_or_see_another_agencys_requests(api_as, people, moi_item):
    outsider = api_as(people["outside_reviewer"])
    refused = outsider.post(
        "/api/v1/change-requests/",
        {"item": moi_item.pk, "due_date": "2027-12-31", "reason": "x"},
        format="json",
    )
    assert refused.status_code == 403
    mine = (
        api_as(people["reviewer"])
        .post(
            "/api/v1/change-requests/",
            {"item": moi_item.pk, "due_date": "2027-12-31", "reason": "x"},
            format="json",
        )
        .json()
    )
    url = f"/api/v1/change-requests/{mine['id']}/"
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}approve/", {"authority": "x"}, format="json").status_code == 404
    reviewer_decides = api_as(people["reviewer"]).post(
        f"{url}approve/", {"authority": "x"}, format="json"
    )
    assert reviewer_decides.status_code == 403
    read_only = api_as(people["secretary"], read_only=True)
    assert read_only.post(f"{url}approve/", {"authority": "x"}, format="json").status_code == 403
    assert ChangeRequest.objects.get(pk=mine["id"]).state == "pending"
    assert api_as(people["committee"]).get("/api/v1/items/999999/revisions/").status_code == 404
