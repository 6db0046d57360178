"""The quarterly report's editions through HTTP: the committee's keeps the restricted annex;
the official one leaves restricted items out of every file and says how many."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import User
from agencies.services import api_token_create
from committee.models import QuarterlyReport
from interventions import services as plan_services
from interventions.models import PlanItem, Sensitivity
from tests.api.conftest import client_with_token
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
Role = User.Role
QUARTER = "2025Q3"  # named: a past quarter whatever the frozen clock says


@pytest.fixture
def secretary(plan):
    return user_with_role(Role.COMMITTEE_SECRETARY, username="secretary")


@pytest.fixture
def restricted(secretary):
    items = list(PlanItem.objects.filter(policy__code="NISP-2018").order_by("pk")[:2])
    plan_services.item_sensitivity_set(
        user=secretary, items=items, sensitivity=Sensitivity.RESTRICTED,
        reason="Names the coordination committees' membership.",
    )  # fmt: skip
    return items


def _request_on_web(client, secretary, edition: str) -> QuarterlyReport:
    client.force_login(secretary)
    data = {"quarter": QUARTER, "scope": "NISP-2018", "edition": edition}
    response = client.post(reverse("committee:report_list"), data)
    assert response.status_code == 302
    return QuarterlyReport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def _request_on_api(secretary, edition: str) -> QuarterlyReport:
    _, key = api_token_create(user=secretary, name="editions")
    response = client_with_token(key).post(
        "/api/v1/reports/",
        {"quarter": QUARTER, "scope": "NISP-2018", "edition": edition},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["edition"] == edition
    return QuarterlyReport.objects.get(pk=response.json()["id"])


def _files(client, report: QuarterlyReport) -> dict[str, str]:
    texts = {}
    for fmt in ("pdf", "xlsx", "csv"):
        response = client.get(reverse("committee:report_download", args=[report.pk, fmt]))
        assert response.status_code == 200
        assert f"-{report.edition}-v{report.version}" in response["Content-Disposition"]
        content = b"".join(response.streaming_content)
        if fmt == "pdf":
            reader = PdfReader(io.BytesIO(content))
            text = " ".join(page.extract_text() for page in reader.pages)
            texts[fmt] = " ".join(text.split()) + " " + str(reader.metadata.title)
        elif fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(content))
            texts[fmt] = " ".join(
                str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                for cell in row if cell is not None
            )  # fmt: skip
            texts["sheets"] = " | ".join(book.sheetnames)
        else:
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            texts[fmt] = " ".join(" ".join(row) for row in rows)
    return texts


def _names(text: str, item: PlanItem) -> bool:
    return " ".join(item.text.split())[:40] in " ".join(text.split())


@pytest.mark.parametrize("via", ["web", "api"])
def test_the_official_edition_leaves_restricted_items_out_of_every_file_and_counts_them(
    via, client, secretary, restricted, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        if via == "web":
            report = _request_on_web(client, secretary, "official")
        else:
            report = _request_on_api(secretary, "official")
    report.refresh_from_db()
    assert (report.state, report.edition, report.snapshot["edition"]) == (
        "done", "official", "official",
    )  # fmt: skip
    client.force_login(secretary)
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    texts = _files(client, report)
    for where, text in [("page", page), *((fmt, texts[fmt]) for fmt in ("pdf", "xlsx", "csv"))]:
        assert "2 restricted items left out" in text, where
        for item in restricted:
            assert not _names(text, item), (where, item.ref)
    assert 'data-left-out="part-1"' in page
    assert 'data-left-out="annex"' in page
    assert 'id="restricted-annex"' not in page
    assert "Official edition" in page
    assert "Official edition" in texts["pdf"]
    assert "Restricted annex" not in texts["sheets"]


@pytest.mark.parametrize("via", ["web", "api"])
def test_the_committee_edition_keeps_the_restricted_annex_in_its_own_series(
    via, client, secretary, restricted, eager_tasks, django_capture_on_commit_callbacks
):
    # Requested, not built (its task is never run): the numbering is given at the request.
    official = _request_on_api(secretary, "official")
    with django_capture_on_commit_callbacks(execute=True):
        if via == "web":
            report = _request_on_web(client, secretary, "committee")
        else:
            report = _request_on_api(secretary, "committee")
    report.refresh_from_db()
    # Each edition numbers its own versions.
    assert (official.version, report.version, report.edition) == (1, 1, "committee")
    client.force_login(secretary)
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    annex = page.split('id="restricted-annex"')[1]
    texts = _files(client, report)
    for item in restricted:
        assert _names(annex, item)
        assert _names(texts["pdf"], item)
        assert _names(texts["xlsx"], item)
    assert "Restricted annex" in texts["sheets"]
    assert "restricted items left out" not in page + texts["csv"] + texts["xlsx"]


def test_an_unknown_edition_is_refused_and_creates_nothing(client, secretary, restricted):
    _, key = api_token_create(user=secretary, name="editions")
    response = client_with_token(key).post(
        "/api/v1/reports/",
        {"quarter": QUARTER, "scope": "NISP-2018", "edition": "public"},
        format="json",
    )
    assert response.status_code == 400
    assert "edition" in response.json()["errors"]
    client.force_login(secretary)
    data = {"quarter": QUARTER, "scope": "NISP-2018", "edition": "public"}
    response = client.post(reverse("committee:report_list"), data)
    assert response.status_code == 200
    assert not QuarterlyReport.objects.exists()
