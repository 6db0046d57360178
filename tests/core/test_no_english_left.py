"""The untranslated-string test: in Urdu, no page shows English words of its own.

Each role signs in with Urdu chosen and opens every main page, with real data in it (an update
submitted and an earlier one approved, a change to the plan proposed, a token, a lockout, an
e-mail sent, the agency workbook downloaded in Urdu and uploaded twice: once checked with row
errors, once applied). What a reader sees is checked word by word; only the policy texts and
official names (marked lang="en"), what people typed (dir="auto") and the allow-list below may
be Latin.
"""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from agencies.services import api_token_create
from core.quarters import Quarter
from interventions import services as plan_services
from reporting import workbook
from reporting.models import ImportRecord, Notification, ProgressUpdate, ReportingPeriod
from tests.core.visible_text import english_words
from tests.factories import ProgressUpdateFactory, quarter_period
from tests.progress import current_period, make_people, moi_item_of_the_plan, update_form
from tests.reporting.workbook_helpers import as_bytes, fill, open_book, sheet_of
from tests.shared_rows import shared_people, shared_rows, use_shared_files  # noqa: F401
from tests.urdu import urdu

pytestmark = pytest.mark.django_db

# Latin words an Urdu page may show outside marked elements, each for a reason:
ALLOWED = frozenset(
    {
        # The policies' and bodies' own acronyms, written so in Urdu official papers too.
        "NISP",
        "NAP",
        "NSP",
        "MOI",
        "MoI",
        "NACTA",
        "ACIS",
        # File formats and the programming interface, named as the software names them.
        "CSV",
        "XLSX",
        "PDF",
        "API",
        "REST",
        # The currency's code, as budgets are written in Pakistan.
        "PKR",
    }
)
# An official English term kept in brackets after its Urdu, e.g. "اعتمادِ تکمیل (delivery
# confidence)": the gloss the officers know from the English papers.
BRACKETED_GLOSS = re.compile(
    r"([\u0600-\u06FF][\u0600-\u06FF\u064B-\u065F\s]*)\(([^()\u0600-\u06FF]*)\)"
)

# (role, page) in the order a reader meets them; the meeting pages join when translated.
PAGES = [
    ("officer", "interventions:home", ()),
    ("officer", "reporting:item_list", ()),
    ("officer", "reporting:item_detail", ("item",)),
    ("officer", "reporting:my_items", ()),
    ("officer", "reporting:update_edit", ("update",)),
    ("officer", "reporting:update_create", ("other_item",)),
    ("officer", "reporting:compliance", ()),
    ("officer", "reporting:crosswalk", ()),
    ("officer", "agencies:token_list", ()),
    ("officer", "reporting:workbook", ()),
    ("officer", "reporting:import_detail", ("checked_import",)),
    ("officer", "reporting:import_detail", ("applied_import",)),
    ("officer", "interventions:policy_detail", ("policy",)),
    ("officer", "committee:dashboard", ()),
    ("reviewer", "reporting:my_items", ()),
    ("reviewer", "reporting:review_queue", ()),
    ("reviewer", "reporting:update_review", ("update",)),
    ("reviewer", "interventions:change_request_create", ("item",)),
    ("reviewer", "reporting:item_detail", ("item",)),
    ("reviewer", "interventions:policy_detail", ("partial_policy",)),
    ("committee", "reporting:my_items", ()),
    ("committee", "committee:dashboard", ()),
    ("committee", "committee:report_list", ()),
    ("secretary", "reporting:my_items", ()),
    ("secretary", "reporting:review_queue", ()),
    ("secretary", "reporting:period_list", ()),
    ("secretary", "reporting:period_detail", ("period",)),
    ("secretary", "reporting:notification_list", ()),
    ("secretary", "interventions:change_request_queue", ()),
    ("secretary", "interventions:due_dates_bulk", ()),
    ("secretary", "agencies:lockout_list", ()),
    ("secretary", "reporting:item_detail", ("item",)),
    ("secretary", "interventions:policy_detail", ("policy",)),
    # ("secretary", "committee:meeting_list", ()),
]


def foreign_words(html: str, codes: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """English words left on a page, with the text each was found in."""
    glossed = BRACKETED_GLOSS.sub(r"\1", html)
    return english_words(glossed, ALLOWED | codes)


def agency_codes() -> frozenset[str]:
    """The registry's agency codes (MOI, HD-KP, BALOCHISTAN): identifiers, as the sources
    abbreviate the bodies, shown as they are in every language."""
    return frozenset(
        part for code in Agency.objects.values_list("code", flat=True) for part in code.split("-")
    )


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """The people and their world in Urdu, made once for the module's 33 pages."""
    with shared_rows(django_db_blocker, tmp_path_factory, "urdu-world") as folder:
        people = make_people()
        world = _urdu_world(Client(), people, current_period(), moi_item_of_the_plan())
        yield {"folder": folder, "people": people, "world": world}


@pytest.fixture
def urdu_world(db, shared, settings):
    use_shared_files(settings, shared["folder"])
    return shared["world"]


def _urdu_world(client, people, period, moi_item) -> dict:
    """Every page with something on it, all made as the pages make it."""
    for person in people.values():
        person.language = "ur"
        person.save(update_fields=["language"])
    # The quarter before: approved, so the review page compares against it.
    previous = Quarter.of(period.start - datetime.timedelta(days=1)).label
    ProgressUpdateFactory(
        item=moi_item, period=quarter_period("NISP-2018", previous), percent_complete=20
    )
    client.force_login(people["officer"])
    response = client.post(
        reverse("reporting:update_create", args=[moi_item.pk]),
        update_form(period, percent_complete="45"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.get(item=moi_item, period=period)
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.SUBMITTED
    plan_services.change_request_propose(
        user=people["reviewer"],
        item=moi_item,
        values={"due_date": timezone.localdate() + datetime.timedelta(days=90)},
        reason="The committees need another quarter.",
    )
    api_token_create(user=people["officer"], name="Punjab dashboard")
    AccessAttempt.objects.create(
        username="officer.kp", ip_address="10.0.0.7", failures_since_start=6, user_agent="x"
    )
    Notification.objects.create(
        recipient=people["officer"],
        email=people["officer"].email,
        kind=Notification.Kind.choices[0][0],
        created_at=timezone.now(),
        subject="یاددہانی",
        body="متن",
    )
    other = (
        type(moi_item)
        .objects.filter(policy__code="NISP-2018", responsibilities__agency__code="MOI")
        .exclude(pk=moi_item.pk)
        .first()
    )
    checked, applied = workbook_uploads(client, period, skip={moi_item.pk, other.pk})
    return {
        "item": moi_item.pk,
        "other_item": other.pk,
        "update": update.pk,
        "period": period.pk,
        "checked_import": checked.pk,
        "applied_import": applied.pk,
        "policy": "NISP-2018",
        "partial_policy": "NSP-2022",
    }


def workbook_uploads(client, period, skip: set[int]) -> tuple[ImportRecord, ImportRecord]:
    """The signed-in officer downloads the workbook (in Urdu) and uploads it twice, as the
    pages do: rows with errors (checked, waiting), then a good row (confirmed, applied)."""
    response = client.get(reverse("reporting:workbook_download", args=[period.pk]))
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    book = open_book(response.content)
    sheet = sheet_of(book, workbook.UPDATES)
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] not in skip]
    red, unknown, good = ids[:3]
    in_progress = urdu("In progress")
    fill(book, red, status=in_progress, percent_complete=40, confidence=urdu("Red"),
         narrative="اجلاس ملتوی ہو گیا۔")  # fmt: skip
    fill(book, unknown, status="تقریباً مکمل", percent_complete=90, confidence=urdu("Green"),
         narrative="کام جاری ہے۔")  # fmt: skip
    checked = upload(client, book, name)
    assert checked.state == ImportRecord.State.PREVIEW
    assert len([row for row in checked.preview if row["errors"]]) == 2

    book = open_book(response.content)
    fill(book, good, status=in_progress, percent_complete=40, confidence=urdu("Green"),
         narrative="چار میں سے دو کمیٹیوں کا اجلاس ہو چکا ہے۔", Submit=urdu("Yes"))  # fmt: skip
    applied = upload(client, book, name)
    response = client.post(reverse("reporting:import_confirm", args=[applied.pk]))
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.state == ImportRecord.State.APPLIED
    return checked, applied


def upload(client, book, name: str) -> ImportRecord:
    response = client.post(
        reverse("reporting:workbook_upload"), {"file": SimpleUploadedFile(name, as_bytes(book))}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRecord.objects.latest("pk")


def page_id(role: str, name: str, args: tuple) -> str:
    return "-".join((role, name, *args))


@pytest.mark.parametrize(("role", "name", "args"), PAGES, ids=[page_id(*page) for page in PAGES])
def test_no_english_is_left_on_the_page_in_urdu(client, people, urdu_world, role, name, args):
    client.force_login(people[role])
    response = client.get(reverse(name, args=[urdu_world[a] for a in args]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    left = foreign_words(html, agency_codes())
    assert left == [], "\n".join(sorted({f"{word!r} in: {text[:120]}" for word, text in left}))


def test_the_check_finds_english_words_outside_marked_text():
    page = (
        "<html><body><h1>پیش رفت</h1><p>Items to report</p>"
        '<blockquote lang="en">The policy text.</blockquote><p dir="auto">typed</p>'
        "<p>اعتماد (delivery confidence) · NISP-2018 1 · 2026Q4</p>"
        '<script>var english = 1;</script><input type="submit" value="Save"></body></html>'
    )
    assert [word for word, _ in foreign_words(page)] == ["Items", "to", "report", "Save"]


def test_what_the_tracker_says_after_an_action_is_in_urdu_too(client, people, urdu_world):
    """A confirmation (a flash message) is the page's own words as well."""
    client.force_login(people["secretary"])
    period = ReportingPeriod.objects.get(pk=urdu_world["period"])
    response = client.post(
        reverse("reporting:period_extend", args=[period.pk]),
        {
            "agency": Agency.objects.get(code="MOI").pk,
            "until": (period.deadline + datetime.timedelta(days=7)).isoformat(),
            "reason": "سیلاب کے باعث دفاتر بند رہے۔",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'class="messages"' in html
    assert foreign_words(html, agency_codes()) == []
