"""What a mirror or a review queue needs: one updates list with filters, `updated_at` on items
and updates that `updated_since` agrees with, conditional GETs, Location on 201s, a no-op
PATCH that changes nothing, and `version` on every change of state."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date

from core.data_version import data_version_bump
from interventions.models import PlanItem
from reporting import services
from reporting.models import ProgressUpdate
from tests.api.helpers import approve

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
NEW = {"status": "in_progress", "percent_complete": 10, "confidence": "green",
       "narrative": "Started."}  # fmt: skip


def draft_for(people, item, period):
    return services.update_create(
        user=people["officer"], item=item, period=period, data=services.UpdateData(**NEW)
    )


def submitted_for(people, item, period):
    update = draft_for(people, item, period)
    return services.update_submit(user=people["officer"], update=update, version=update.version)


def other_moi_item(moi_item):
    return (
        PlanItem.objects.filter(policy__code="NISP-2018", responsibilities__agency__code="MOI")
        .exclude(pk=moi_item.pk)
        .first()
    )


def ids(body):
    return [row["id"] for row in body["results"]]


def test_the_updates_list_filters_a_review_queue(api_as, people, moi_item, kp_item, period):
    draft = draft_for(people, moi_item, period)
    approved = approve(kp_item, period, {**people, "officer": people["outsider"],
                                             "reviewer": people["outside_reviewer"]})  # fmt: skip
    submitted = submitted_for(people, other_moi_item(moi_item), period)
    reviewer = api_as(people["reviewer"])
    queue = reviewer.get("/api/v1/updates/", {"agency": "MOI", "state": "submitted"}).json()
    assert ids(queue) == [submitted.pk]
    both = reviewer.get("/api/v1/updates/?state=submitted&state=approved").json()
    assert set(ids(both)) == {submitted.pk, approved.pk}
    by_period = reviewer.get("/api/v1/updates/", {"period": period.pk, "policy": "NISP-2018"})
    assert set(ids(by_period.json())) == {draft.pk, submitted.pk, approved.pk}
    assert ids(reviewer.get("/api/v1/updates/", {"item": moi_item.pk}).json()) == [draft.pk]


def test_the_updates_list_shows_drafts_only_inside_their_agency(api_as, people, moi_item, period):
    draft = draft_for(people, moi_item, period)
    assert ids(api_as(people["officer"]).get("/api/v1/updates/").json()) == [draft.pk]
    assert ids(api_as(people["outsider"]).get("/api/v1/updates/").json()) == []
    assert ids(api_as(people["committee"]).get("/api/v1/updates/").json()) == []


def test_updated_since_on_updates_gives_what_changed(api_as, people, moi_item, period):
    now = timezone.now()
    with time_machine.travel(now + HOUR, tick=False):
        update = submitted_for(people, moi_item, period)
    client = api_as(people["reviewer"])
    since = (now + 2 * HOUR).isoformat()
    assert ids(client.get("/api/v1/updates/", {"updated_since": since}).json()) == []
    with time_machine.travel(now + 3 * HOUR, tick=False):
        services.update_approve(user=people["reviewer"], update=update, version=update.version)
    changed = client.get("/api/v1/updates/", {"updated_since": since}).json()
    assert ids(changed) == [update.pk]
    assert changed["results"][0]["updated_at"] == timezone.localtime(now + 3 * HOUR).isoformat()


def test_an_items_updated_at_is_when_it_last_changed_as_the_api_shows_it(
    api_as, people, moi_item, period
):
    client = api_as(people["committee"])
    before = client.get(f"/api/v1/items/{moi_item.pk}/").json()["updated_at"]
    # The item's own edit, or a later one of its indicators or responsibilities (loaded after).
    assert datetime.datetime.fromisoformat(before) >= moi_item.updated_at
    draft_for(people, moi_item, period)  # a draft is seen inside its agency only
    assert client.get(f"/api/v1/items/{moi_item.pk}/").json()["updated_at"] == before
    submitted_at = timezone.now() + HOUR
    with time_machine.travel(submitted_at, tick=False):
        update = ProgressUpdate.objects.get(item=moi_item)
        services.update_submit(user=people["officer"], update=update, version=update.version)
    item = client.get(f"/api/v1/items/{moi_item.pk}/").json()
    assert item["updated_at"] == timezone.localtime(submitted_at).isoformat()
    synced = client.get("/api/v1/items/", {"updated_since": item["updated_at"]}).json()
    assert ids(synced) == [moi_item.pk]


@pytest.mark.parametrize("kind", ["list", "detail"])
def test_reads_carry_an_etag_and_answer_304_while_unchanged(api_as, people, moi_item, kind):
    client = api_as(people["committee"])
    url = "/api/v1/items/?policy=NISP-2018" if kind == "list" else f"/api/v1/items/{moi_item.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content) == (304, b"")
    moi_item.text = f"{moi_item.text} (amended)"
    moi_item.save()
    data_version_bump()  # as every writer does: the admin's save (core.admin), the loader
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_an_update_sends_last_modified_and_honours_if_modified_since(
    api_as, people, moi_item, period
):
    update = draft_for(people, moi_item, period)
    client = api_as(people["officer"])
    response = client.get(f"/api/v1/updates/{update.pk}/")
    assert response["Last-Modified"] == http_date(update.updated_at.timestamp())
    later = http_date(update.updated_at.timestamp() + 60)
    unchanged = client.get(f"/api/v1/updates/{update.pk}/", HTTP_IF_MODIFIED_SINCE=later)
    assert unchanged.status_code == 304


def test_created_records_have_a_location(api_as, people, moi_item, period):
    created = api_as(people["officer"]).post(
        f"/api/v1/items/{moi_item.pk}/updates/", {"period": period.pk, **NEW}, format="json"
    )
    assert created["Location"] == f"http://testserver/api/v1/updates/{created.json()['id']}/"
    report = api_as(people["secretary"]).post(
        "/api/v1/reports/", {"quarter": "2025Q3", "scope": "NISP-2018"}, format="json"
    )
    assert report.status_code == 201
    assert report["Location"] == f"http://testserver/api/v1/reports/{report.json()['id']}/"


def test_a_patch_that_changes_nothing_keeps_the_version(api_as, people, moi_item, period):
    indicator = moi_item.indicators.get()
    officer = api_as(people["officer"])
    created = officer.post(
        f"/api/v1/items/{moi_item.pk}/updates/",
        {"period": period.pk, **NEW, "budget_released": 100,
         "indicator_values": [{"indicator": indicator.pk, "value": "1 of 4"}]},
        format="json",
    ).json()  # fmt: skip
    url = f"/api/v1/updates/{created['id']}/"
    same = {"version": 1, "narrative": "Started.", "budget_released": "100.00",
            "indicator_values": [{"indicator": indicator.pk, "value": "1 of 4"}]}  # fmt: skip
    response = officer.patch(url, same, format="json")
    assert (response.status_code, response.json()["version"]) == (200, 1)
    assert ProgressUpdate.history.filter(id=created["id"]).count() == 1
    # ...so a colleague holding version 1 is not refused.
    edit = officer.patch(url, {"version": 1, "narrative": "Two committees met."}, format="json")
    assert edit.json()["version"] == 2


@pytest.mark.parametrize("action", ["approve", "return"])
def test_every_change_of_state_needs_the_version(api_as, people, moi_item, period, action):
    update = submitted_for(people, moi_item, period)
    reviewer = api_as(people["reviewer"])
    url = f"/api/v1/updates/{update.pk}/{action}/"
    missing = reviewer.post(url, {"comment": "Attach the minutes."}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"]["version"][0]["code"] == "required"
    stale = reviewer.post(url, {"comment": "Attach the minutes.", "version": 1}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    update.refresh_from_db()
    assert update.state == "submitted"


def test_the_updates_list_costs_the_same_few_queries_for_many_updates(
    api_as, people, plan, period, django_assert_max_num_queries
):
    items = PlanItem.objects.filter(
        policy__code="NISP-2018", responsibilities__agency__code="MOI"
    ).order_by("position")[:12]
    for item in items:
        submitted_for(people, item, period)
    client = api_as(people["reviewer"])
    # token, its last use, count, page ids, rows, indicator values (and their indicators).
    with django_assert_max_num_queries(9):
        body = client.get("/api/v1/updates/", {"state": "submitted", "page_size": 100}).json()
    assert body["count"] == 12
