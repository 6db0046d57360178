"""What the issue calls done: a client with a token pages through every item, filters by
agency and updated_since, posts an update, and is told (409) when its copy is stale."""

import pytest
from django.utils import timezone

from agencies.services import api_token_create
from interventions.models import PlanItem
from tests.api.conftest import client_with_token

pytestmark = pytest.mark.django_db


def test_a_token_client_syncs_filters_and_reports(people, moi_item, period):
    _, key = api_token_create(user=people["officer"], name="MoI reporting tool")
    client = client_with_token(key)

    seen, url = [], "/api/v1/items/?page_size=40"
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(PlanItem.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == page["count"]

    mine = client.get("/api/v1/items/", {"agency": "MOI", "page_size": 500}).json()
    assert moi_item.pk in {item["id"] for item in mine["results"]}
    assert mine["count"] == PlanItem.objects.filter(responsibilities__agency__code="MOI").count()

    synced_at = timezone.now()
    assert (
        client.get("/api/v1/items/", {"updated_since": synced_at.isoformat()}).json()["count"] == 0
    )

    created = client.post(
        f"/api/v1/items/{moi_item.pk}/updates/",
        {"period": period.pk, "status": "on_track", "percent_complete": 30,
         "confidence": "green", "narrative": "Committees notified."},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    update = created.json()
    submitted = client.post(
        f"/api/v1/updates/{update['id']}/submit/", {"version": update["version"]}, format="json"
    )
    assert submitted.status_code == 200
    changed = client.get("/api/v1/items/", {"updated_since": synced_at.isoformat()}).json()
    assert [item["id"] for item in changed["results"]] == [moi_item.pk]

    stale = client.patch(
        f"/api/v1/updates/{update['id']}/",
        {"version": update["version"], "narrative": "Edited from an old copy."},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
