"""The item list and detail answered from the response cache (core.api.response_cache): a
repeated read costs the token and the data version, and no reader ever gets a stale page or a
page built for a reader who sees more."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Agency
from agencies.services import acts_for_grant, acts_for_revoke
from interventions.services import item_grant_add, item_sensitivity_set
from tests.api.helpers import approve
from tests.caches import make_unreachable

pytestmark = pytest.mark.django_db

LIST = "/api/v1/items/?policy=NISP-2018&page_size=500"


@pytest.fixture
def committee(api_as, people):
    client = api_as(people["committee"])
    client.get("/api/v1/items/?page_size=1")  # the token's first use records last_used_at once
    return client


def _ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def _restrict(item, people):
    item_sensitivity_set(
        user=people["secretary"], items=[item], sensitivity="restricted", reason="Test: restrict"
    )


def test_a_repeated_read_costs_the_token_and_the_data_version(
    committee, moi_item, django_assert_num_queries
):
    for url in (LIST, f"/api/v1/items/{moi_item.pk}/"):
        first = committee.get(url)
        with django_assert_num_queries(2):  # the token, the data version
            again = committee.get(url)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        assert again["ETag"] == first["ETag"]
    # Another query is another page: built afresh (8 queries), not the cached one.
    with django_assert_num_queries(8):
        other = committee.get(LIST.replace("page_size=500", "page_size=5"))
    assert len(other.json()["results"]) == 5


def test_an_approval_is_seen_at_once(committee, people, moi_item, period):
    url = f"/api/v1/items/{moi_item.pk}/"
    assert committee.get(url).json()["current_status"] is None
    listed = {row["id"]: row for row in committee.get(LIST).json()["results"]}
    assert listed[moi_item.pk]["current_status"] is None
    approve(moi_item, period, people, status="on_track", percent_complete=55)
    assert committee.get(url).json()["current_status"] == "on_track"
    listed = {row["id"]: row for row in committee.get(LIST).json()["results"]}
    assert listed[moi_item.pk]["percent_complete"] == 55


def test_a_page_built_for_the_committee_never_reaches_an_outside_officer(
    committee, api_as, people, moi_item
):
    _restrict(moi_item, people)
    outsider = api_as(people["outsider"])
    detail = f"/api/v1/items/{moi_item.pk}/"
    assert moi_item.pk in _ids(committee.get(LIST))
    assert committee.get(detail).status_code == 200
    # The same URLs, just cached for the committee: the officer of another agency gets neither.
    assert moi_item.pk not in _ids(outsider.get(LIST))
    assert outsider.get(detail).status_code == 404
    # And the officer's own cached page does not serve the agency that answers for the item.
    officer = api_as(people["officer"])
    assert moi_item.pk in _ids(officer.get(LIST))
    assert officer.get(detail).status_code == 200


def test_acts_for_and_item_grants_show_the_restricted_item_at_once(api_as, people, moi_item):
    _restrict(moi_item, people)
    outsider = api_as(people["outsider"])
    detail = f"/api/v1/items/{moi_item.pk}/"
    assert outsider.get(detail).status_code == 404
    assert moi_item.pk not in _ids(outsider.get(LIST))
    moi = Agency.objects.get(code="MOI")
    acts_for_grant(by=people["secretary"], user=people["outsider"], agency=moi, reason="Cover")
    assert outsider.get(detail).status_code == 200
    assert moi_item.pk in _ids(outsider.get(LIST))
    acts_for_revoke(by=people["secretary"], user=people["outsider"], agency=moi, reason="Back")
    assert outsider.get(detail).status_code == 404
    assert moi_item.pk not in _ids(outsider.get(LIST))
    item_grant_add(user=people["secretary"], item=moi_item, reader=people["outsider"],
                   reason="Reads it for the committee")  # fmt: skip
    assert outsider.get(detail).status_code == 200
    assert moi_item.pk in _ids(outsider.get(LIST))


def test_the_next_day_is_built_afresh(committee, moi_item, django_assert_num_queries):
    url = f"/api/v1/items/{moi_item.pk}/"
    committee.get(url)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    # The detail's seven, and the token's use recorded again on the new day.
    with time_machine.travel(tomorrow, tick=False), django_assert_num_queries(8):
        assert committee.get(url).status_code == 200


def test_an_unreachable_cache_still_answers(committee, settings, moi_item):
    make_unreachable(settings, "responses")
    url = f"/api/v1/items/{moi_item.pk}/"
    first, again = committee.get(url), committee.get(url)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["id"] == again.json()["id"] == moi_item.pk
