"""The public view: answers from cache in a fixed, small number of queries, and refuses a
flooding address with 429 while others read on."""

import re

import pytest
from django.test import Client

from core.data_version import data_version_bump
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem
from reporting.models import ProgressUpdate
from tests.conftest import TEST_TODAY
from tests.factories import ProgressUpdateFactory, quarter_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(people):
    items = list(PlanItem.objects.filter(policy__code="NISP-2018"))
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=items, sensitivity="public", reason="Published plan."
    )
    return items


@pytest.mark.parametrize(
    "url", ["/public/", "/public/policies/NISP-2018/", "/public/crosswalk/", "item"]
)
def test_a_cached_public_page_costs_one_query(url, published, django_assert_num_queries):
    url = f"/public/items/{published[0].pk}/" if url == "item" else url
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the data version: the body comes from the cache
        again = client.get(url)
    # The same page but for the language switcher's CSRF token, masked anew each time.
    assert _without_token(again.content) == _without_token(first.content)


def _without_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_change_of_data_shows_at_once(published, people):
    client = Client()
    before = client.get("/public/policies/NISP-2018/").content.decode()
    assert published[0].text[:50] in before
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=[published[0]], sensitivity="official", reason="Back."
    )
    after = client.get("/public/policies/NISP-2018/").content.decode()
    assert published[0].text[:50] not in after


def test_open_data_is_the_pages_content_and_formula_safe(published):
    csv = Client().get("/public/open-data/items.csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert published[0].text[:50] in text
    data = Client().get("/public/open-data/items.json").json()
    assert {item["ref"] for item in data["items"]} == {item.ref for item in published}
    assert data["note"] == "Figures as approved by the agencies."


def test_a_flooding_address_gets_429_and_another_reads_on(published, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "3/minute",
        },
    }
    from django.core.cache import cache

    cache.clear()
    flood = Client(REMOTE_ADDR="203.0.113.9")
    codes = [flood.get("/public/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(flood.get("/public/")["Retry-After"]) >= 1
    assert Client(REMOTE_ADDR="203.0.113.10").get("/public/").status_code == 200


def test_open_data_gives_the_latest_approved_narrative_the_public_may_read(published):
    item = published[0]
    last = Quarter.of(TEST_TODAY).previous()
    older = quarter_period("NISP-2018", last.previous().label)
    ProgressUpdateFactory(item=item, period=older, narrative="Published: an earlier quarter.")
    newer = ProgressUpdateFactory(
        item=item, period=quarter_period("NISP-2018", last.label), narrative="The later one."
    )
    rows = {row["ref"]: row for row in Client().get("/public/open-data/items.json").json()["items"]}
    assert rows[item.ref]["latest_narrative"] == "The later one."
    # An update narrowed below public is not the public's latest: the one before it is.
    ProgressUpdate.objects.filter(pk=newer.pk).update(sensitivity="official")
    data_version_bump()
    rows = {row["ref"]: row for row in Client().get("/public/open-data/items.json").json()["items"]}
    assert rows[item.ref]["latest_narrative"] == "Published: an earlier quarter."
