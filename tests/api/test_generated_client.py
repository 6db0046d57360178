"""The contract, proven the way an integrator meets it: a client generated from /api/schema/
with openapi-python-client (offline, during the test run) drives the whole flow of issue 21
with generated code only — paging filtered items, incremental sync with updated_since and
ETags, reading updates, creating, patching, a stale 409 handled by its code, submitting,
approving, and downloading a report's PDF as bytes.

The generator's configuration is the one README's API section gives integrators.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rest_framework.test import APIClient

from agencies.services import api_token_create
from committee.reports import generation
from committee.reports import services as report_services
from core.quarters import Quarter
from interventions.models import PlanItem
from reporting.models import ProgressUpdate
from tests.api.wsgi import in_process_app
from tests.committee.reports import seed_quarter

pytestmark = pytest.mark.django_db

GENERATOR_CONFIG = Path(__file__).parent / "openapi-python-client.yaml"
PACKAGE = "nisp_client"


@pytest.fixture(scope="module")
def api(tmp_path_factory, django_db_setup, django_db_blocker):
    """The generated package, imported (nisp_client.api.v1.*, nisp_client.models)."""
    with django_db_blocker.unblock():
        schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    workdir = tmp_path_factory.mktemp("generated")
    (workdir / "schema.json").write_text(json.dumps(schema))
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [str(generator), "generate", "--path", str(workdir / "schema.json"), "--meta", "none",
         "--output-path", str(workdir / PACKAGE), "--config", str(GENERATOR_CONFIG)],
        check=True, capture_output=True, cwd=workdir, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(workdir))
    try:
        package = importlib.import_module(PACKAGE)
        yield package
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def connect(api, user):
    """A generated AuthenticatedClient for the user's new token, talking to this Django
    in-process (same database transaction as the test)."""
    _, key = api_token_create(user=user, name="generated client")
    return api.AuthenticatedClient(
        base_url="http://testserver",
        token=key,
        prefix="Token",
        httpx_args={"transport": httpx.WSGITransport(app=in_process_app)},
        raise_on_unexpected_status=True,
    )


def endpoint(name: str):
    return importlib.import_module(f"{PACKAGE}.api.v1.{name}")


def test_a_generated_client_syncs_reports_and_reviews(api, people, moi_item, period):
    from nisp_client import models

    officer, reviewer = connect(api, people["officer"]), connect(api, people["reviewer"])
    items_list = endpoint("v1_items_list")

    # Page through every MOI item, filtered on two statuses at once (repeated parameter).
    statuses = [models.V1ItemsListStatusItem.NONE, models.V1ItemsListStatusItem.DELAYED]
    seen, page, synced_at = [], 1, None
    while page:
        response = items_list.sync_detailed(
            client=officer, agency="MOI", status=statuses, page=page, page_size=20
        )
        body = response.parsed
        assert isinstance(body, models.PaginatedPlanItemList)
        seen += [item.id for item in body.results]
        stamps = [item.updated_at for item in body.results]
        synced_at = max([synced_at, *stamps] if synced_at else stamps)
        page = page + 1 if body.next_ else None
    expected = PlanItem.objects.filter(responsibilities__agency__code="MOI").distinct()
    assert sorted(seen) == sorted(expected.values_list("pk", flat=True))

    # Conditional GET: the same read with the ETag is a 304 with no body.
    first = items_list.sync_detailed(client=officer, agency="MOI", page_size=500)
    etag = first.headers["ETag"]
    again = items_list.sync_detailed(
        client=officer, agency="MOI", page_size=500, if_none_match=etag
    )
    assert (again.status_code, again.content) == (304, b"")

    # Report: create a draft, read it back, patch it.
    created = endpoint("v1_items_updates_create").sync_detailed(
        item_id=moi_item.pk,
        client=officer,
        body=models.UpdateCreateRequest(
            period=period.pk,
            status=models.UpdateStatusEnum.ON_TRACK,
            percent_complete=30,
            confidence=models.ConfidenceEnum.GREEN,
            narrative="Committees notified.",
            budget_released=1500.25,
            indicator_values=[
                models.IndicatorValueInputRequest(
                    indicator=moi_item.indicators.get().pk, value="1 of 4"
                )
            ],
        ),
    )
    assert created.status_code == 201
    update = created.parsed
    assert created.headers["Location"] == f"http://testserver/api/v1/updates/{update.id}/"
    assert (update.version, update.budget_released) == (1, 1500.25)
    assert update.indicator_values[0].measure == models.MeasureEnum.TEXT

    patch = endpoint("v1_updates_partial_update")
    edited = patch.sync(
        id=update.id,
        client=officer,
        body=models.UpdateEditRequest(version=1, narrative="Committees notified in writing."),
    )
    assert isinstance(edited, models.Update)
    assert edited.version == 2

    # A copy read before that edit is stale: the client tells by the error's code.
    stale = patch.sync_detailed(
        id=update.id, client=officer, body=models.UpdateEditRequest(version=1, narrative="Old")
    )
    assert stale.status_code == 409
    assert isinstance(stale.parsed, models.Error)
    assert stale.parsed.code == "stale_version"

    submitted = endpoint("v1_updates_submit_create").sync(
        id=update.id, client=officer, body=models.SubmitRequest(version=edited.version)
    )
    assert (submitted.state, submitted.version) == (models.UpdateStateEnum.SUBMITTED, 3)

    # The reviewer's queue is one request, not one per item.
    queue = endpoint("v1_updates_list").sync(
        client=reviewer, agency="MOI", state=[models.V1UpdatesListStateItem.SUBMITTED]
    )
    assert [u.id for u in queue.results] == [update.id]
    read = endpoint("v1_updates_retrieve").sync(id=update.id, client=reviewer)
    assert read.narrative == "Committees notified in writing."

    approved = endpoint("v1_updates_approve_create").sync(
        id=update.id, client=reviewer, body=models.ReviewRequest(version=submitted.version)
    )
    assert approved.state == models.UpdateStateEnum.APPROVED

    # Incremental sync: what changed since the last sync, items and updates alike; the list
    # read before has changed, so its old ETag no longer gives a 304.
    changed = items_list.sync(client=officer, updated_since=synced_at, page_size=500)
    assert moi_item.pk in {item.id for item in changed.results}
    mine = next(item for item in changed.results if item.id == moi_item.pk)
    assert mine.current_status == models.UpdateStatusEnum.ON_TRACK
    assert mine.updated_at >= synced_at
    refreshed = items_list.sync_detailed(
        client=officer, agency="MOI", page_size=500, if_none_match=etag
    )
    assert refreshed.status_code == 200
    updates = endpoint("v1_updates_list").sync(client=officer, updated_since=synced_at)
    assert [u.id for u in updates.results] == [update.id]
    assert ProgressUpdate.objects.get(pk=update.id).state == "approved"

    # The committee's quarterly report, downloaded as the PDF's own bytes.
    seed_quarter()
    report = report_services.report_request(
        user=people["secretary"], quarter=Quarter.parse("2025Q3"), policy=None
    )
    generation.report_generate(report.pk)
    committee = connect(api, people["committee"])
    pdf = endpoint("v1_reports_files_pdf_retrieve").sync(id=report.pk, client=committee)
    assert isinstance(pdf, api.types.File)
    assert pdf.payload.read().startswith(b"%PDF")
