"""Query parameters are read strictly and as documented: multi-value parameters repeat, refs
sort naturally, statuses by severity, and anything the server does not understand is a 400
rather than silently ignored."""

import pytest
from django.db import connection

from interventions.models import PlanItem
from tests.api.helpers import approve

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"


@pytest.fixture
def reader(api_as, people):
    return api_as(people["committee"])


def refs(body):
    return [item["ref"] for item in body["results"]]


def test_repeated_status_values_all_apply(reader, people, moi_item, period):
    approve(moi_item, period, people, status="delayed")
    body = reader.get(f"{ITEMS}?status=delayed&status=none&page_size=500").json()
    assert body["count"] == PlanItem.objects.count()
    only_delayed = reader.get(f"{ITEMS}?status=delayed").json()
    assert [item["id"] for item in only_delayed["results"]] == [moi_item.pk]


def test_repeated_ordering_keys_all_apply(reader, plan):
    body = reader.get(f"{ITEMS}?ordering=-policy&ordering=ref&page_size=500").json()
    policies = [item["policy"] for item in body["results"]]
    assert policies == sorted(policies, reverse=True)
    nsp = [i["ref"] for i in body["results"] if i["policy"] == "NSP-2022"]
    assert nsp == sorted(nsp)


def test_comma_separated_ordering_is_refused_for_the_documented_repetition(reader, plan):
    response = reader.get(f"{ITEMS}?ordering=policy,ref")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ordering"}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Natural order is PostgreSQL's ICU collation; SQLite (make run) keeps text order.",
)
def test_refs_sort_naturally(reader, plan):
    body = reader.get(ITEMS, {"policy": "NISP-2018", "ordering": "ref", "page_size": 500}).json()
    numbered = [ref for ref in refs(body) if ref[0].isdigit()]
    assert numbered.index("2") < numbered.index("10") < numbered.index("100")
    assert numbered.index("9") < numbered.index("9a") < numbered.index("10")
    descending = refs(
        reader.get(ITEMS, {"policy": "NISP-2018", "ordering": "-ref", "page_size": 500}).json()
    )
    assert descending == list(reversed(refs(body)))


def test_status_sorts_by_severity_with_unreported_items_last(reader, people, plan, period):
    items = list(
        PlanItem.objects.filter(
            policy__code="NISP-2018", responsibilities__agency__code="MOI"
        ).order_by("position")[:3]
    )
    for item, status in zip(items, ["on_track", "delayed", "discontinued"], strict=True):
        approve(item, period, people, status=status)
    body = reader.get(ITEMS, {"ordering": "status", "page_size": 500}).json()
    statuses = [item["current_status"] for item in body["results"]]
    assert statuses[:3] == ["delayed", "on_track", "discontinued"]
    assert set(statuses[3:]) == {None}
    worst_last = reader.get(ITEMS, {"ordering": "-status", "page_size": 500}).json()
    assert [i["current_status"] for i in worst_last["results"]][:3] == [
        "discontinued",
        "on_track",
        "delayed",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("overdue=maybe", "overdue"), ("no_update=yes", "no_update"), ("page_size=0", "page_size"),
     ("page_size=501", "page_size"), ("page_size=ten", "page_size"), ("page=abc", "page"),
     ("agency=MOI&agency=NACTA", "agency"), ("status=fine", "status"),
     ("policy=NISP-2018&policy=NAP-2014", "policy")],
)  # fmt: skip
def test_values_the_server_does_not_understand_are_400s(reader, plan, query, field):
    response = reader.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, query
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {field}


def test_page_size_bounds_hold_on_every_list(reader, plan):
    for url in ("/api/v1/updates/", "/api/v1/agencies/", "/api/v1/periods/", "/api/v1/themes/"):
        assert reader.get(url, {"page_size": 0}).status_code == 400, url
        assert reader.get(url, {"page_size": 500}).status_code == 200, url


def test_booleans_are_true_or_false(reader, plan):
    assert reader.get(ITEMS, {"overdue": "true"}).status_code == 200
    assert reader.get(ITEMS, {"overdue": "false"}).status_code == 200
