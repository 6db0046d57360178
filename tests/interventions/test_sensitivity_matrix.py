"""Who may see a restricted item, on every surface: each role against each page, API call,
download, workbook, dashboard, report and public page.

The rule (PlanItem.objects.visible_to): a restricted item is read by its responsible agencies
(here MOI: the officer and the reviewer), the committee and its secretary, and people granted
it; to everyone else it does not exist: no name, no id, no count beyond "restricted: N", and the
same 404 as an id that was never used.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.services import api_token_create
from committee import labels
from committee.figures import committee_figures
from committee.models import QuarterlyReport
from core.quarters import Quarter
from interventions import services as plan_services
from interventions.models import PlanItem, Sensitivity
from reporting import services, workbook, workbook_import
from reporting.models import EvidenceFile, ProgressUpdate
from reporting.update_fields import UpdateData
from tests.api.conftest import client_with_token
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other_officer", "granted_officer", "officer", "reviewer", "committee",
         "secretary"]  # fmt: skip
# Who reads the restricted item: its agency (MOI), the committee, the secretary, a grant.
SEES = {"granted_officer", "officer", "reviewer", "committee", "secretary"}
MARKER = "Sample narrative: the databank feeds were joined this quarter."
MISSING_ID = 999_999


@pytest.fixture
def world(people, moi_item, period):
    """MOI's row 1, restricted, with an approved update; a KP officer holding a grant."""
    officer, reviewer, secretary = people["officer"], people["reviewer"], people["secretary"]
    data = UpdateData(status="in_progress", percent_complete=30, confidence="green",
                      narrative=MARKER)  # fmt: skip
    update = services.update_create(user=officer, item=moi_item, period=period, data=data)
    services.update_submit(user=officer, update=update, version=1)
    services.update_approve(user=reviewer, update=update, version=2)
    plan_services.item_sensitivity_set(
        user=secretary, items=[moi_item], sensitivity=Sensitivity.RESTRICTED,
        reason="Names the coordination committees' membership.",
    )  # fmt: skip
    granted = user_with_role("desk_officer", "HD-KP", username="granted.kp")
    plan_services.item_grant_add(
        user=secretary, item=moi_item, reader=granted, reason="Joint KP-MOI task force."
    )
    people = {**people, "other_officer": people["outsider"], "granted_officer": granted}
    return {"item": moi_item, "update": update, "people": people, "period": period}


def client_for(role: str, world) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


def api_for(role: str, world):
    """An API client holding a real token of the role's person (none when anonymous)."""
    if role == "anonymous":
        return APIClient()
    _, key = api_token_create(user=world["people"][role], name="matrix")
    return client_with_token(key)


def _named(content: bytes, item: PlanItem) -> bool:
    text = content.decode("utf-8", errors="replace")
    return item.text[:60] in text or f"/items/{item.pk}/" in text or MARKER in text


@pytest.mark.parametrize("role", ROLES)
def test_web_list_search_and_counts(role, world):
    item, client = world["item"], client_for(role, world)
    response = client.get("/items/", {"policy": "NISP-2018"})
    if role == "anonymous":
        assert response.status_code == 302  # to the login page, as for any list
        return
    assert response.status_code == 200
    assert _named(response.content, item) is (role in SEES)
    nisp = PlanItem.objects.filter(policy__code="NISP-2018")
    expected = nisp.count() if role in SEES else nisp.exclude(pk=item.pk).count()
    assert response.context["page"].paginator.count == expected
    found = client.get("/items/", {"q": item.text[:40]})
    assert found.context["page"].paginator.count == (1 if role in SEES else 0)


@pytest.mark.parametrize("role", ROLES)
def test_item_page_is_a_404_like_a_missing_one(role, world):
    item, client = world["item"], client_for(role, world)
    response = client.get(f"/items/{item.pk}/")
    missing = client.get(f"/items/{MISSING_ID}/")
    if role == "anonymous":
        assert response.status_code == missing.status_code == 302
    elif role in SEES:
        assert response.status_code == 200
        assert MARKER in response.content.decode()
    else:
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content.replace(
            str(MISSING_ID).encode(), str(item.pk).encode()
        )
    # The update and a write on the item answer alike: 404 for an outsider, never 403.
    update = client.get(f"/updates/{world['update'].pk}/")
    comment = client.post(f"/items/{item.pk}/comments/", {"text": "Noted."})
    if role not in SEES and role != "anonymous":
        assert update.status_code == comment.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_api_list_detail_and_filters(role, world):
    item, api = world["item"], api_for(role, world)
    listed = api.get("/api/v1/items/", {"policy": "NISP-2018", "page_size": 500})
    detail = api.get(f"/api/v1/items/{item.pk}/")
    missing = api.get(f"/api/v1/items/{MISSING_ID}/")
    history = api.get(f"/api/v1/items/{item.pk}/updates/")
    filtered = api.get("/api/v1/updates/", {"item": item.pk})
    filtered_missing = api.get("/api/v1/updates/", {"item": MISSING_ID})
    if role == "anonymous":
        assert {r.status_code for r in (listed, detail, missing, history)} == {401}
        return
    ids = {row["id"] for row in listed.json()["results"]}
    assert (item.pk in ids) is (role in SEES)
    if role in SEES:
        assert detail.status_code == history.status_code == filtered.status_code == 200
        assert MARKER in str(history.json())
    else:
        assert detail.status_code == missing.status_code == history.status_code == 404
        assert detail.json()["code"] == missing.json()["code"]
        # An unreadable id is refused exactly as an unknown one.
        assert filtered.status_code == filtered_missing.status_code == 400
        assert filtered.json() == filtered_missing.json()


@pytest.mark.parametrize("role", ROLES)
def test_csv_and_xlsx_downloads(role, world):
    item = world["item"]
    client, api = client_for(role, world), api_for(role, world)
    web_csv = client.get("/items/", {"policy": "NISP-2018", "format": "csv"})
    api_xlsx = api.get("/api/v1/items/xlsx/", {"policy": "NISP-2018"})
    if role == "anonymous":
        assert web_csv.status_code == 302
        assert api_xlsx.status_code == 401
        return
    assert (item.text[:60] in web_csv.content.decode("utf-8-sig")) is (role in SEES)
    sheet = openpyxl.load_workbook(io.BytesIO(api_xlsx.content), read_only=True).active
    texts = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
    assert (item.text in texts) is (role in SEES)


def test_workbook_lists_the_item_for_its_agency_and_an_upload_of_it_is_refused_elsewhere(world):
    period, people = world["period"], world["people"]
    # A restricted MOI item still to report on (world's item is reported already).
    item = (
        PlanItem.objects.filter(policy__code="NISP-2018", responsibilities__agency__code="MOI")
        .exclude(pk=world["item"].pk)
        .order_by("position")
        .first()
    )
    plan_services.item_sensitivity_set(
        user=people["secretary"], items=[item], sensitivity="restricted", reason="Test."
    )
    moi, kp = people["officer"].agency, people["other_officer"].agency
    moi_book = workbook.build(agency=moi, period=period)
    kp_book = workbook.build(agency=kp, period=period)
    assert item.text[:40] in _cells(moi_book)
    assert item.text[:40] not in _cells(kp_book)
    # KP's own workbook with the restricted item's id typed into a row: refused as "not your
    # item", naming only the id the upload carried, exactly as an id that does not exist.
    refusals = []
    for item_id in (item.pk, MISSING_ID):
        book = _with_first_id(kp_book, item_id)
        with pytest.raises(workbook_import.WorkbookRefused) as refused:
            workbook_import.read(io.BytesIO(book), size=len(book), agency=kp)
        refusals.append(str(refused.value).replace(f"(item {item_id})", "(item <id>)"))
    assert refusals[0] == refusals[1]
    assert "not HD-KP's items" in refusals[0]
    assert item.text[:20] not in refusals[0]


def _with_first_id(book: bytes, item_id: int) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(book))
    sheet = wb[workbook.UPDATES]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index(workbook.ITEM_ID) + 1, value=item_id)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells(book: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(book), read_only=True)
    return " ".join(
        str(cell) for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if cell is not None
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_counts_it_only_as_restricted(role, world):
    item, client = world["item"], client_for(role, world)
    response = client.get("/dashboard/", {"policy": "NISP-2018"})
    if role == "anonymous":
        assert response.status_code == 302
        return
    body = response.content.decode()
    everything = role in ("committee", "secretary")
    # Only those who read every item see it counted in the figures; others read "restricted: 1"
    # (its own agency too: the dashboard is cached per class of reader, never per person).
    assert ('data-restricted-left-out="1"' in body) is not everything
    if not everything:
        assert item.text[:60] not in body
        assert f"/items/{item.pk}/" not in body
        assert MARKER not in body


@pytest.mark.parametrize("role", ROLES)
def test_report_carries_it_in_the_restricted_annex_for_the_committee_only(role, world):
    item = world["item"]
    quarter = Quarter.of(timezone.localdate())
    figures = committee_figures(quarter=quarter, policy=item.policy)
    report = QuarterlyReport.objects.create(
        quarter=quarter.label, scope="NISP-2018", version=1, requested_at=timezone.now(),
        state="done", snapshot=labels.frozen(figures),
    )  # fmt: skip
    response = client_for(role, world).get(f"/reports/{report.pk}/")
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ("committee", "secretary"):
        body = response.content.decode()
        annex = body.split('id="restricted-annex"')[1]
        assert item.text[:60] in annex
        assert item.text[:60] not in body.split('id="annex"')[1].split('id="restricted-annex"')[0]
    else:
        assert response.status_code == 403  # the committee's papers, for every agency alike
    official = committee_figures(quarter=quarter, policy=item.policy, visibility="official")
    assert official["restricted"]["left_out"] == 1
    assert item.pk not in {row["id"] for row in official["annex"]}
    assert item.text not in str(official)


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_never_show_it(role, world):
    item, client = world["item"], client_for(role, world)
    for url in ("/public/", "/public/policies/NISP-2018/", "/public/crosswalk/",
                "/public/open-data/items.csv", "/public/open-data/items.json"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _named(response.content, item), url
    page, missing = (
        client.get(f"/public/items/{item.pk}/"),
        client.get(f"/public/items/{MISSING_ID}/"),
    )
    assert page.status_code == missing.status_code == 404


def test_a_public_item_shows_its_approved_narrative_without_names_or_comments(world, people):
    item, secretary = world["item"], people["secretary"]
    plan_services.item_sensitivity_set(
        user=secretary, items=[item], sensitivity=Sensitivity.PUBLIC, reason="Published plan."
    )
    ProgressUpdate.objects.filter(pk=world["update"].pk).update(review_comment="Check annex 2.")
    page = Client().get(f"/public/items/{item.pk}/").content.decode()
    assert MARKER in page
    assert item.text[:60] in page
    assert "Check annex 2." not in page
    for person in (people["officer"], people["reviewer"]):
        assert person.username not in page
        assert not person.get_full_name() or person.get_full_name() not in page
    # A stricter update keeps its words off the public page (its status still counts).
    ProgressUpdate.objects.filter(pk=world["update"].pk).update(sensitivity="official")
    plan_services.item_sensitivity_set(
        user=secretary, items=[item], sensitivity=Sensitivity.OFFICIAL, reason="Back."
    )
    plan_services.item_sensitivity_set(
        user=secretary, items=[item], sensitivity=Sensitivity.PUBLIC, reason="Again."
    )
    assert MARKER not in Client().get(f"/public/items/{item.pk}/").content.decode()


def test_only_the_secretary_sets_sensitivity_with_a_reason_on_record(world, people):
    item = world["item"]
    with pytest.raises(PermissionDenied):
        plan_services.item_sensitivity_set(
            user=people["committee"], items=[item], sensitivity="public", reason="Why not."
        )
    with pytest.raises(ValidationError) as missing_reason:
        plan_services.item_sensitivity_set(
            user=people["secretary"], items=[item], sensitivity="public", reason="  "
        )
    assert "reason" in missing_reason.value.message_dict
    item.refresh_from_db()
    assert item.sensitivity == "restricted"
    record = item.history.first()
    assert record.history_user == people["secretary"]
    assert "Names the coordination committees' membership." in record.history_change_reason


def test_the_sensitivity_page_is_the_secretarys(world, people):
    item = world["item"]
    secretary, committee = Client(), Client()
    secretary.force_login(people["secretary"])
    committee.force_login(people["committee"])
    assert committee.get(f"/items/{item.pk}/sensitivity/").status_code == 403
    refused = secretary.post(
        f"/items/{item.pk}/sensitivity/",
        {"form": "sensitivity", "sensitivity": "official", "reason": ""},
    )
    assert refused.status_code == 400
    item.refresh_from_db()
    assert item.sensitivity == "restricted"
    done = secretary.post(
        f"/items/{item.pk}/sensitivity/",
        {"form": "sensitivity", "sensitivity": "official", "reason": "Declassified in ACIS 4."},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.sensitivity == "official"
    page = secretary.get(f"/items/{item.pk}/sensitivity/").content.decode()
    assert "Declassified in ACIS 4." in page


def test_a_restricted_update_and_file_on_an_official_item_stay_inside(world, people):
    """An update marked restricted is read only by those who read the item's restricted
    content; a file shows on the public pages only when marked public; never looser."""
    item, update, secretary = world["item"], world["update"], people["secretary"]
    plan_services.item_sensitivity_set(
        user=secretary, items=[item], sensitivity="public", reason="Published plan."
    )
    # Filed with the update before its approval (evidence changes only on a draft).
    evidence = EvidenceFile.objects.create(
        update=update, file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
        original_name="minutes.pdf", content_type="application/pdf", size=16,
        uploaded_by=people["officer"],
    )  # fmt: skip
    public_page = f"/public/items/{item.pk}/"
    file_url = f"/public/updates/{update.pk}/evidence/{evidence.pk}/"
    assert Client().get(file_url).status_code == 404  # not marked public
    services.record_sensitivity_set(
        user=secretary, record=evidence, sensitivity="public", reason="The minutes are public."
    )
    assert Client().get(file_url).status_code == 200
    assert "minutes.pdf" in Client().get(public_page).content.decode()

    services.record_sensitivity_set(
        user=secretary, record=update, sensitivity="restricted", reason="Names a source."
    )
    assert MARKER not in Client().get(public_page).content.decode()
    assert Client().get(file_url).status_code == 404
    services.comment_add(
        user=people["committee"], item=item, update=update, text="Ask the JID for its figures."
    )
    outsider, officer = client_for("other_officer", world), client_for("officer", world)
    assert outsider.get(f"/updates/{update.pk}/").status_code == 404
    outside_page = outsider.get(f"/items/{item.pk}/").content.decode()
    assert MARKER not in outside_page
    assert "Ask the JID" not in outside_page  # a remark on it is as hidden as the update
    inside_page = officer.get(f"/items/{item.pk}/").content.decode()
    assert MARKER in inside_page
    assert "Ask the JID" in inside_page

    with pytest.raises(ValidationError):  # looser than its update: refused, nothing changes
        services.record_sensitivity_set(
            user=secretary, record=evidence, sensitivity="official", reason="Looser."
        )
    with pytest.raises(PermissionDenied):
        services.record_sensitivity_set(
            user=people["reviewer"], record=update, sensitivity="", reason="Mine."
        )
    update.refresh_from_db()
    assert update.sensitivity == "restricted"
    assert "Names a source." in update.history.first().history_change_reason
