"""Policies, themes, agencies, periods and the crosswalk: lists, filters, bad filters."""

import pytest

from interventions.models import ItemLink, Policy, Theme
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(api_as, people):
    return api_as(people["committee"])


def test_policies_are_listed_in_their_order(reader, plan):
    codes = [p["code"] for p in reader.get("/api/v1/policies/").json()["results"]]
    assert codes == list(Policy.objects.order_by("position", "code").values_list("code", flat=True))
    assert set(codes) == {"NISP-2018", "NAP-2014", "NSP-2022"}
    assert reader.get("/api/v1/policies/NAP-2014/").json()["code"] == "NAP-2014"


def test_themes_filter_by_policy(reader, plan):
    body = reader.get("/api/v1/themes/", {"policy": "NISP-2018", "page_size": 500}).json()
    assert body["count"] == Theme.objects.filter(policy__code="NISP-2018").count() > 0
    assert {t["policy"] for t in body["results"]} == {"NISP-2018"}


def test_group_agencies_list_their_members(reader, plan):
    group = reader.get("/api/v1/agencies/ALL-GOVTS/").json()
    assert group["kind"] == "group"
    assert set(group["members"]) == {"FED", "ALL-PROV"}


def test_periods_filter_by_policy_and_state(reader, period):
    ReportingPeriod.objects.create(
        policy=period.policy, label="2026Q3", start="2026-07-01", end="2026-09-30",
        deadline="2026-10-15", state="locked",
    )  # fmt: skip
    body = reader.get("/api/v1/periods/", {"policy": "NISP-2018", "state": "open"}).json()
    assert [(p["label"], p["state"]) for p in body["results"]] == [(period.label, "open")]
    assert body["results"][0] == {
        "id": period.pk, "policy": "NISP-2018", "label": period.label,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "deadline": period.deadline.isoformat(), "state": "open",
    }  # fmt: skip


def test_a_bad_period_filter_is_a_400(reader, plan):
    response = reader.get("/api/v1/periods/", {"state": "ajar", "policy": "NOPE"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state", "policy"}


def test_crosswalk_gives_one_items_links_both_ways(reader, plan):
    body = reader.get("/api/v1/crosswalk/", {"policy": "NISP-2018", "ref": "58"}).json()
    expected = ItemLink.objects.filter(from_item__policy__code="NISP-2018", from_item__ref="58")
    expected = (
        expected.count()
        + ItemLink.objects.filter(to_item__policy__code="NISP-2018", to_item__ref="58").count()
    )
    assert body["count"] == expected > 0
    assert {"policy": "NAP-2014", "ref": "18"} in [
        {"policy": link["from_item"]["policy"], "ref": link["from_item"]["ref"]}
        for link in body["results"]
    ]


def test_crosswalk_ref_needs_its_policy(reader, plan):
    response = reader.get("/api/v1/crosswalk/", {"ref": "1"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ref"}
