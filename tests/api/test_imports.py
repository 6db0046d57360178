"""Agency workbooks through the API: the same round trip as the web pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import ProgressUpdate
from tests.reporting.workbook_helpers import A_DRAFT, as_bytes, fill, open_book

pytestmark = pytest.mark.django_db


def test_the_api_round_trip_downloads_uploads_previews_and_applies(
    api_as, people, moi_item, period
):
    api = api_as(people["officer"])
    response = api.get(f"/api/v1/imports/workbook/?period={period.pk}")
    assert response.status_code == 200
    book = open_book(response.content)
    fill(book, moi_item.pk, **A_DRAFT)
    created = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("moi.xlsx", as_bytes(book))},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "preview"
    assert not ProgressUpdate.objects.exists()
    applied = api.post(f"/api/v1/imports/{body['id']}/apply/", {}, format="json")
    assert applied.status_code == 200, applied.content
    assert applied.json()["state"] == "applied"
    assert (
        ProgressUpdate.objects.get(item=moi_item, period=period).narrative == A_DRAFT["narrative"]
    )
    again = api.post(f"/api/v1/imports/{body['id']}/apply/", {}, format="json")
    assert again.status_code == 409
