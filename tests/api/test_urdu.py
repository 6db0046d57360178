"""A service's refusal reaches an Urdu reader in Urdu through the API, its code unchanged: in
the token's person's saved language, else the request's Accept-Language (the same refusals on
the page: tests/reporting/test_urdu_errors.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reporting import services, workbook
from reporting.models import ProgressUpdate
from tests.reporting.test_urdu_errors import (
    LOCKED,
    RED_NEEDS_A_REASON,
    STALE,
    begun,
    lock,
    saved_by_someone_else,
)
from tests.reporting.workbook_helpers import as_bytes, fill, open_book
from tests.urdu import speaks, urdu

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(people, moi_item, period) -> ProgressUpdate:
    return services.update_create(
        user=people["officer"], item=moi_item, period=period, data=begun()
    )


def body(period, **overrides) -> dict:
    return {"period": period.pk, "status": "in_progress", "percent_complete": 40,
            "confidence": "green", "narrative": "Begun.", **overrides}  # fmt: skip


def test_a_stale_patch_is_refused_in_the_tokens_persons_language(api_as, people, draft):
    """A token carries its person: their saved language applies with no Accept-Language."""
    api = api_as(speaks(people["officer"], "ur"))
    saved_by_someone_else(people, draft)
    response = api.patch(f"/api/v1/updates/{draft.pk}/", {"version": 1, "percent_complete": 20},
                         format="json")  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["detail"] == urdu(STALE, yours=1, now=2)
    assert response["Content-Language"] == "ur"


def test_a_locked_period_is_refused_in_the_language_the_client_asks_for(
    api_as, people, moi_item, period
):
    api = api_as(people["officer"])  # no saved language: the request's Accept-Language
    lock(period)
    url = f"/api/v1/items/{moi_item.pk}/updates/"
    response = api.post(url, body(period), format="json", HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 409
    assert response.json()["code"] == "period_locked"
    assert response.json()["detail"] == urdu(LOCKED, period=period.label)
    # Without the header the same refusal is English, as before.
    english = api.post(url, body(period), format="json")
    assert english.json()["detail"].startswith(f"{period.label} is locked: the committee")


def test_field_errors_keep_their_codes_and_come_in_urdu(api_as, people, moi_item, period):
    api = api_as(speaks(people["officer"], "ur"))
    response = api.post(f"/api/v1/items/{moi_item.pk}/updates/",
                        body(period, confidence="red"), format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"] == urdu("Some fields are not valid.")
    assert response.json()["errors"]["confidence_rationale"] == [
        {"code": "rationale_required", "message": urdu(RED_NEEDS_A_REASON)}
    ]


def test_a_workbook_row_error_comes_back_in_urdu_through_the_api(api_as, people, moi_item, period):
    api = api_as(speaks(people["officer"], "ur"))
    book = open_book(api.get(f"/api/v1/imports/workbook/?period={period.pk}").content)
    fill(book, moi_item.pk, status="In progress", percent_complete=40, confidence="Red",
         narrative="Stuck.")  # fmt: skip
    created = api.post("/api/v1/imports/", {"file": SimpleUploadedFile("moi.xlsx", as_bytes(book))},
                       format="multipart")  # fmt: skip
    assert created.status_code == 201, created.content
    [row] = [r for r in created.json()["preview"] if r["item_id"] == moi_item.pk]
    with translation.override("ur"):
        column = workbook.field_header("confidence_rationale")
    assert row["action"] == "new draft"  # the API's words, not the reader's
    assert row["errors"] == [{"sheet": urdu("Updates"), "row": row["row"], "column": column,
                              "message": urdu(RED_NEEDS_A_REASON)}]  # fmt: skip
