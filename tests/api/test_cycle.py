"""The reporting cycle through the API: period actions, extensions, evidence in and out."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import services
from reporting.models import EvidenceFile, PeriodEvent

pytestmark = pytest.mark.django_db
NEW = services.UpdateData(
    status="in_progress", percent_complete=30, confidence="green", narrative="Begun."
)


def test_the_secretary_closes_and_a_second_close_is_a_clear_conflict(people, period, api_as):
    client = api_as(people["secretary"])
    url = f"/api/v1/periods/{period.pk}/close/"
    first = client.post(url, {"expected_state": "open"}, format="json")
    assert (first.status_code, first.json()["state"]) == (200, "closed")
    second = client.post(url, {"expected_state": "open"}, format="json")
    assert second.status_code == 409
    assert "changed while you were looking at it" in second.json()["detail"]
    assert PeriodEvent.objects.filter(period=period).count() == 1


def test_reopening_without_a_reason_is_refused_and_changes_nothing(people, period, api_as):
    client = api_as(people["secretary"])
    client.post(f"/api/v1/periods/{period.pk}/lock/", {}, format="json")
    response = client.post(f"/api/v1/periods/{period.pk}/reopen/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]["reason"]] == [
        "Say why the period is reopened: the reason is kept on its record."
    ]
    period.refresh_from_db()
    assert period.state == "locked"
    reopened = client.post(
        f"/api/v1/periods/{period.pk}/reopen/", {"reason": "Correct 9c."}, format="json"
    )
    assert reopened.json()["state"] == "open"


def test_an_extension_before_the_deadline_is_refused_in_words(people, period, api_as):
    client = api_as(people["secretary"])
    response = client.post(
        f"/api/v1/periods/{period.pk}/extensions/",
        {"agency": "MOI", "until": period.deadline - datetime.timedelta(days=5), "reason": "Flood"},
        format="json",
    )
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]["until"]] == [
        f"The extension must end after the deadline ({period.deadline:%d %B %Y})."
    ]
    assert not period.extensions.exists()


def test_evidence_goes_in_with_the_webs_limits_and_comes_out_as_an_attachment(
    people, moi_item, period, api_as, settings
):
    update = services.update_create(user=people["officer"], item=moi_item, period=period, data=NEW)
    client = api_as(people["officer"])
    url = f"/api/v1/updates/{update.pk}/evidence/"
    settings.EVIDENCE_MAX_BYTES = 10
    too_big = client.post(
        url, {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4 more than ten")}, format="multipart"
    )
    assert too_big.status_code == 400
    assert too_big.json()["errors"]["file"][0]["code"] == "file_too_large"
    assert "the limit is 10 bytes" in too_big.json()["errors"]["file"][0]["message"]
    settings.EVIDENCE_MAX_BYTES = 1000
    script = client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")}, format="multipart")
    assert script.status_code == 400
    # Judged by the bytes (reporting.uploads), as on the web: a renamed program, a web page.
    renamed = client.post(
        url, {"file": SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00" * 8)}, format="multipart"
    )
    assert renamed.status_code == 400
    assert renamed.json()["errors"]["file"][0]["code"] == "content_does_not_match_name"
    assert "not the .pdf its name claims" in renamed.json()["errors"]["file"][0]["message"]
    page = client.post(
        url, {"file": SimpleUploadedFile("notes.txt", b"<script>1</script>")}, format="multipart"
    )
    assert page.status_code == 400
    assert page.json()["errors"]["file"][0]["code"] == "not_plain_text"
    assert "is not plain text" in page.json()["errors"]["file"][0]["message"]
    assert not EvidenceFile.objects.exists()

    created = client.post(
        url, {"file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 ok")}, format="multipart"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (
        "minutes.pdf", "application/pdf", 11,
    )  # fmt: skip
    download = client.get(f"{url}{body['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ok"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    # A draft's evidence is its agency's: the committee is told it does not exist.
    assert api_as(people["committee"]).get(f"{url}{body['id']}/").status_code == 404
