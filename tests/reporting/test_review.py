"""Issue 17: reviews a committee can trust. The rules an update must hold (all errors at once,
on the web and in the API), uploads judged by content, text limits, no lost edits, the review
page and queue, bulk approval and an audit trail a reader can use."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.services import api_token_create
from core.errors import ConflictError
from core.quarters import Quarter
from reporting import periods, services
from reporting.models import EvidenceFile, Notification, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData
from tests.api.conftest import client_with_token
from tests.progress import update_form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1"/></svg>'


@pytest.fixture
def api_as(settings):
    """An API client holding a real token; throttle counts in a cache space of this test."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"review-{uuid.uuid4().hex[:8]}"}
        for name, config in settings.CACHES.items()
    }

    def make(user):
        return client_with_token(api_token_create(user=user, name="test client")[1])

    return make


@pytest.fixture
def earlier_period(period):
    """The quarter before the open one (the clock is frozen in tests/conftest.py)."""
    before = Quarter.of(period.start - datetime.timedelta(days=1))
    return ReportingPeriod.objects.create(
        policy=period.policy,
        label=before.label,
        start=before.start,
        end=before.end,
        deadline=before.end + datetime.timedelta(days=15),
    )


def data(**overrides) -> UpdateData:
    fields = {
        "status": "in_progress",
        "percent_complete": 40,
        "confidence": "green",
        "narrative": "Two of the four committees met this quarter.",
        **overrides,
    }
    return UpdateData(**fields)


def approved(people, item, period, **overrides) -> ProgressUpdate:
    update = services.update_create(
        user=people["officer"], item=item, period=period, data=data(**overrides)
    )
    update = services.update_submit(user=people["officer"], update=update, version=update.version)
    return services.update_approve(user=people["reviewer"], update=update, version=update.version)


@pytest.fixture
def last_approved(people, moi_item, earlier_period):
    """MoI's approved update for the quarter before (since closed): 60 %, PKR 1,000 released,
    500 spent."""
    update = approved(
        people,
        moi_item,
        earlier_period,
        percent_complete=60,
        budget_released=Decimal("1000"),
        budget_spent=Decimal("500"),
        narrative="Three committees met.",
    )
    ReportingPeriod.objects.filter(pk=earlier_period.pk).update(state="closed")
    return update


def create_url(item):
    return reverse("reporting:update_create", args=[item.pk])


def web_errors(client, people, item, period, **fields) -> dict:
    client.force_login(people["officer"])
    response = client.post(create_url(item), update_form(period, **fields))
    assert response.status_code == 200, "the form was accepted"
    assert not ProgressUpdate.objects.filter(period=period).exists()
    return response.context["form"].errors


def api_errors(api_as, people, item, period, **fields) -> dict:
    body = {
        "period": period.pk,
        "status": "in_progress",
        "percent_complete": 40,
        "confidence": "green",
        "narrative": "Two of the four committees met this quarter.",
        **fields,
    }
    response = api_as(people["officer"]).post(
        f"/api/v1/items/{item.pk}/updates/", body, format="json"
    )
    assert response.status_code == 400, response.json()
    assert not ProgressUpdate.objects.filter(period=period).exists()
    return response.json()["errors"]


# --- consistency rules: every error at once, web and API ------------------------------------


def test_web_shows_every_error_at_once(client, people, moi_item, period):
    """The issue's case: 150 %, red without a rationale, spent above released."""
    errors = web_errors(
        client, people, moi_item, period,
        percent_complete="150", confidence="red", budget_released="100", budget_spent="250",
    )  # fmt: skip
    assert {"percent_complete", "confidence_rationale", "budget_spent"} <= set(errors)
    page = client.post(
        create_url(moi_item),
        update_form(period, percent_complete="150", confidence="red", budget_spent="250"),
    ).content.decode()
    # Each shows next to its own field.
    for field in ("percent_complete", "confidence_rationale", "budget_spent"):
        assert f'id="id_{field}-errors"' in page


def test_api_shows_every_error_at_once(api_as, people, moi_item, period):
    errors = api_errors(
        api_as, people, moi_item, period,
        percent_complete=150, confidence="red", budget_released="100", budget_spent="250",
    )  # fmt: skip
    assert {"percent_complete", "confidence_rationale", "budget_spent"} <= set(errors)


@pytest.mark.parametrize(
    ("status", "percent", "message", "code"),
    [
        ("completed", "50", "Completed means 100%", "percent_must_be_100_when_completed"),
        ("not_started", "80", "Not started means 0%", "percent_must_be_0_when_not_started"),
    ],
)
def test_status_and_percent_must_agree(
    client, api_as, people, moi_item, period, status, percent, message, code
):
    errors = web_errors(
        client, people, moi_item, period,
        status=status, percent_complete=percent, confidence="red", budget_spent="5",
    )  # fmt: skip
    assert any(message in e for e in errors["percent_complete"])
    assert {"confidence_rationale", "budget_spent"} <= set(errors)
    errors = api_errors(
        api_as, people, moi_item, period,
        status=status, percent_complete=int(percent), confidence="red", budget_spent="5",
    )  # fmt: skip
    assert [e["code"] for e in errors["percent_complete"]] == [code]
    assert message in errors["percent_complete"][0]["message"]
    assert errors["confidence_rationale"][0]["code"] == "rationale_required"
    assert errors["budget_spent"][0]["code"] == "spent_exceeds_released"


def test_completed_at_100_and_not_started_at_0_are_accepted(people, moi_item, period):
    services.validate_update(moi_item, people["officer"].agency_id, period, data(
        status="completed", percent_complete=100))  # fmt: skip
    services.validate_update(moi_item, people["officer"].agency_id, period, data(
        status="not_started", percent_complete=0))  # fmt: skip


def test_spending_with_nothing_released_is_refused(client, api_as, people, moi_item, period):
    errors = web_errors(client, people, moi_item, period, budget_spent="250")
    assert "no budget is recorded as released" in errors["budget_spent"][0]
    errors = api_errors(api_as, people, moi_item, period, budget_spent="250")
    assert errors["budget_spent"] == [
        {
            "code": "spent_exceeds_released",
            "message": "Spent cannot exceed released: no budget is recorded as released.",
        }
    ]


def test_figures_going_down_need_a_reason(client, api_as, people, moi_item, period, last_approved):
    lower = {"percent_complete": "40", "budget_released": "900", "budget_spent": "400"}
    errors = web_errors(client, people, moi_item, period, **lower, confidence="red")
    assert {"percent_complete", "budget_released", "budget_spent", "confidence_rationale"} <= set(
        errors
    )
    assert "went down from 60%" in errors["percent_complete"][0]
    errors = api_errors(api_as, people, moi_item, period, **lower)
    for field in ("percent_complete", "budget_released", "budget_spent"):
        assert [e["code"] for e in errors[field]] == ["rationale_required_for_decrease"]
    # With the reason given, the same figures are saved.
    response = client.post(
        create_url(moi_item),
        update_form(period, **lower, change_rationale="Last quarter's figures double-counted."),
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(period=period).percent_complete == 40


def test_numeric_indicator_takes_a_number_in_the_api_with_other_errors(
    api_as, people, period, plan
):
    from interventions.models import Indicator

    indicator = Indicator.objects.filter(
        measure="number", item__responsibilities__agency__code="MOI", item__policy__code="NISP-2018"
    ).first()
    errors = api_errors(
        api_as, people, indicator.item, period,
        indicator_values=[{"indicator": indicator.pk, "value": "N/A"}], budget_spent="9",
    )  # fmt: skip
    assert errors["indicator_values"][0]["code"] == "number_required"
    assert "takes a number" in errors["indicator_values"][0]["message"]
    assert "budget_spent" in errors


# --- text limits ----------------------------------------------------------------------------


def test_text_limits_hold_on_the_web_in_the_api_and_in_the_service(
    client, api_as, people, moi_item, period
):
    too_long = "x" * 10_001
    errors = web_errors(client, people, moi_item, period, narrative=too_long, budget_spent="1")
    assert "Keep this to 10,000 characters (it has 10001)." in errors["narrative"]
    assert "budget_spent" in errors
    errors = api_errors(api_as, people, moi_item, period, narrative=too_long)
    assert any("10,000 characters" in e["message"] for e in errors["narrative"])
    assert {e["code"] for e in errors["narrative"]} == {"max_length"}
    with pytest.raises(ValidationError) as raised:
        services.update_create(
            user=people["officer"], item=moi_item, period=period,
            data=data(narrative=too_long, challenges="y" * 10_001),
        )  # fmt: skip
    assert {"narrative", "challenges"} <= set(raised.value.message_dict)
    # At the limit it is accepted.
    services.update_create(
        user=people["officer"], item=moi_item, period=period, data=data(narrative="x" * 10_000)
    )


# --- uploads judged by content --------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def draft_update(people, moi_item, period):
    return services.update_create(user=people["officer"], item=moi_item, period=period, data=data())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", EXE),  # a program renamed
        ("minutes.pdf", HTML),
        ("notes.txt", HTML),  # a web page posing as text
        ("chart.png", SVG),
        ("figures.csv", SVG),
        ("minutes.docx", PDF),  # a real document, but not the one its name claims
        ("page.html", HTML),
        ("chart.svg", SVG),
    ],
)
def test_uploads_that_are_not_what_they_claim_are_refused(
    client, people, draft_update, name, content
):
    client.force_login(people["officer"])
    response = client.post(
        reverse("reporting:update_edit", args=[draft_update.pk]),
        {**update_form(draft_update.period, version=draft_update.version),
         "evidence_file": SimpleUploadedFile(name, content)},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_file"]
    assert not EvidenceFile.objects.exists()
    draft_update.refresh_from_db()
    assert draft_update.version == 1  # the edit was not half-kept either


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("report.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument"
         ".wordprocessingml.document"),
        ("figures.csv", b"district,count\nLahore,4\n", "text/csv"),
    ],
)  # fmt: skip
def test_real_documents_are_kept_with_their_sniffed_type(
    people, draft_update, name, content, content_type
):
    evidence = services.evidence_add(
        user=people["officer"], update=draft_update, upload=SimpleUploadedFile(name, content)
    )
    assert evidence.content_type == content_type


def test_evidence_downloads_as_an_attachment_only_for_those_who_see_the_update(
    client, people, draft_update
):
    evidence = services.evidence_add(
        user=people["officer"], update=draft_update,
        upload=SimpleUploadedFile("minutes.pdf", PDF),
    )  # fmt: skip
    url = reverse("reporting:evidence_download", args=[evidence.update_id, evidence.pk])
    client.force_login(people["officer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Opened anyway, it runs nothing (the site-wide CSP does not replace this one).
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    # A draft's evidence does not exist outside the agency.
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_evidence_is_removed_from_the_form_only_by_its_agency(client, people, draft_update):
    evidence = services.evidence_add(
        user=people["officer"], update=draft_update,
        upload=SimpleUploadedFile("minutes.pdf", PDF),
    )  # fmt: skip
    url = reverse("reporting:evidence_remove", args=[draft_update.pk, evidence.pk])
    client.force_login(people["outsider"])
    assert client.post(url).status_code == 404
    assert draft_update.evidence.exists()
    client.force_login(people["officer"])
    response = client.post(url)
    assert response.status_code == 302
    assert not draft_update.evidence.exists()


# --- no lost edits --------------------------------------------------------------------------


def edit_url(update):
    return reverse("reporting:update_edit", args=[update.pk])


def test_submit_saves_the_edits_on_the_form_first(client, people, draft_update):
    client.force_login(people["officer"])
    response = client.post(
        edit_url(draft_update),
        {**update_form(draft_update.period, narrative="Edited just before submitting.",
                       version=draft_update.version),
         "evidence_file": SimpleUploadedFile("minutes.pdf", PDF), "action": "submit"},
    )  # fmt: skip
    assert response.status_code == 302
    draft_update.refresh_from_db()
    assert draft_update.state == "submitted"
    assert draft_update.narrative == "Edited just before submitting."
    assert draft_update.evidence.get().original_name == "minutes.pdf"


def test_submit_with_invalid_edits_submits_nothing_and_keeps_what_was_typed(
    client, people, draft_update
):
    client.force_login(people["officer"])
    response = client.post(
        edit_url(draft_update),
        {**update_form(draft_update.period, narrative="Typed but not valid.", confidence="red",
                       version=draft_update.version), "action": "submit"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "confidence_rationale" in response.context["form"].errors
    assert "Typed but not valid." in response.content.decode()
    draft_update.refresh_from_db()
    assert (draft_update.state, draft_update.narrative) == ("draft", data().narrative)


def test_submit_with_edits_tells_the_reviewer_as_a_plain_submit_does(
    client, people, draft_update, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit_url(draft_update),
            {**update_form(draft_update.period, version=draft_update.version), "action": "submit"},
        )
    assert list(Notification.objects.values_list("kind", "email")) == [
        ("submitted", people["reviewer"].email)
    ]
    assert [m.to for m in mailoutbox] == [[people["reviewer"].email]]


def test_submit_with_edits_in_a_closed_period_says_why_and_keeps_what_was_typed(
    client, people, draft_update
):
    periods.period_close(
        period=draft_update.period, user=people["secretary"], reason="The deadline passed."
    )
    client.force_login(people["officer"])
    response = client.post(
        edit_url(draft_update),
        {**update_form(draft_update.period, narrative="Typed after the deadline.",
                       version=draft_update.version), "action": "submit"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Not submitted: {draft_update.period.label} is closed for submissions" in page
    assert "Typed after the deadline." in page
    draft_update.refresh_from_db()
    assert (draft_update.state, draft_update.narrative) == ("draft", data().narrative)
    assert not Notification.objects.exists()


def test_completed_without_evidence_is_not_submitted_and_not_saved(client, people, draft_update):
    client.force_login(people["officer"])
    response = client.post(
        edit_url(draft_update),
        {**update_form(draft_update.period, status="completed", percent_complete="100",
                       version=draft_update.version), "action": "submit"},
    )  # fmt: skip
    assert "evidence_file" in response.context["form"].errors
    draft_update.refresh_from_db()
    assert (draft_update.state, draft_update.status) == ("draft", "in_progress")


def test_a_submitted_update_is_shown_read_only_with_who_acts_next(client, people, draft_update):
    services.update_submit(user=people["officer"], update=draft_update, version=1)
    client.force_login(people["officer"])
    response = client.get(edit_url(draft_update))
    assert response.status_code == 200
    assert response.templates[0].name == "reporting/update_readonly.html"
    page = response.content.decode()
    assert "Save draft" not in page
    assert 'name="narrative"' not in page
    assert "Next: the MOI reviewer approves it or returns it" in page
    # A save sent anyway (an old tab) changes nothing and says why.
    response = client.post(edit_url(draft_update), update_form(draft_update.period, version=2))
    assert response.status_code == 409
    assert "can no longer be edited" in response.content.decode()
    draft_update.refresh_from_db()
    assert draft_update.state == "submitted"


def test_a_returned_update_opens_with_the_reviewers_comment_at_the_top(
    client, people, draft_update
):
    submitted = services.update_submit(user=people["officer"], update=draft_update, version=1)
    services.update_return(
        user=people["reviewer"], update=submitted, comment="Attach the committee minutes.",
        version=submitted.version,
    )  # fmt: skip
    client.force_login(people["officer"])
    page = client.get(edit_url(draft_update)).content.decode()
    main = page[page.index("<main") :]
    assert main.index("Attach the committee minutes.") < main.index("<form")
    assert "Submit for review" in page


def test_the_form_shows_the_last_approved_values(client, people, moi_item, period, last_approved):
    earlier = last_approved.period.label
    client.force_login(people["officer"])
    response = client.get(create_url(moi_item))
    form = response.context["form"]
    assert form.fields["percent_complete"].last_approved == "60%"
    assert form.fields["narrative"].last_approved == "Three committees met."
    assert f"Last approved ({earlier})" in response.content.decode()


def test_the_form_warns_of_unsaved_changes_with_a_script_it_works_without(
    client, people, draft_update
):
    client.force_login(people["officer"])
    page = client.get(edit_url(draft_update)).content.decode()
    assert "data-unsaved-warning" in page
    assert "js/unsaved.js" in page


# --- review page, queue, bulk approval ------------------------------------------------------


def test_review_page_shows_everything_and_what_changed(
    client, people, moi_item, period, last_approved
):
    update = services.update_create(
        user=people["officer"], item=moi_item, period=period,
        data=data(percent_complete=75, budget_released=Decimal("1000"),
                  budget_spent=Decimal("800"), challenges="Quorum.", next_steps="Meet again."),
    )  # fmt: skip
    services.evidence_add(
        user=people["officer"], update=update, upload=SimpleUploadedFile("minutes.pdf", PDF)
    )
    services.update_submit(user=people["officer"], update=update, version=update.version)
    client.force_login(people["reviewer"])
    response = client.get(reverse("reporting:update_review", args=[update.pk]))
    assert response.status_code == 200
    changes = {c["field"]: (c["before"], c["after"]) for c in response.context["changes"]}
    assert changes["percent_complete"] == ("60%", "75%")
    assert changes["budget_spent"] == ("500.00", "800.00")
    assert changes["narrative"] == ("Three committees met.", data().narrative)
    assert "budget_released" not in changes  # unchanged fields are not listed
    page = response.content.decode()
    for shown in ("Quorum.", "Meet again.", "minutes.pdf", "PKR 1,000.00", "Approve"):
        assert shown in page
    evidence = update.evidence.get()
    assert reverse("reporting:evidence_download", args=[evidence.update_id, evidence.pk]) in page
    # Approve from the page.
    update.refresh_from_db()
    response = client.post(
        reverse("reporting:update_review", args=[update.pk]),
        {"decision": "approve", "comment": "", "version": update.version},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "approved"


def test_review_page_is_404_outside_and_has_no_decision_for_other_reviewers(
    client, people, draft_update
):
    url = reverse("reporting:update_review", args=[draft_update.pk])
    client.force_login(people["outside_reviewer"])
    assert client.get(url).status_code == 404  # a draft
    services.update_submit(user=people["officer"], update=draft_update, version=1)
    page = client.get(url).content.decode()
    assert "Approve" not in page
    response = client.post(url, {"decision": "approve", "comment": "", "version": 2})
    assert response.status_code == 403
    draft_update.refresh_from_db()
    assert draft_update.state == "submitted"


def submitted(people, item, period, **overrides) -> ProgressUpdate:
    update = services.update_create(
        user=people["officer"], item=item, period=period, data=data(**overrides)
    )
    return services.update_submit(user=people["officer"], update=update, version=1)


@pytest.fixture
def two_submitted(people, moi_item, period, plan):
    from interventions.models import PlanItem

    other = (
        PlanItem.objects.filter(policy=period.policy, responsibilities__agency__code="MOI")
        .exclude(pk=moi_item.pk)
        .first()
    )
    return [submitted(people, moi_item, period), submitted(people, other, period)]


def test_queue_is_a_table_with_late_from_the_rule_and_filters(
    client, people, period, two_submitted
):
    late = two_submitted[1]
    ProgressUpdate.objects.filter(pk=late.pk).update(
        first_submitted_at=datetime.datetime.combine(
            period.deadline + datetime.timedelta(days=5), datetime.time(12), tzinfo=datetime.UTC
        )
    )
    client.force_login(people["reviewer"])
    response = client.get(reverse("reporting:review_queue"))
    rows = {u.pk: u.late for u in response.context["updates"]}
    assert rows == {two_submitted[0].pk: False, late.pk: True}
    page = response.content.decode()
    assert "<table" in page
    assert "<article" not in page
    response = client.get(reverse("reporting:review_queue"), {"late": "true"})
    assert [u.pk for u in response.context["updates"]] == [late.pk]
    response = client.get(reverse("reporting:review_queue"), {"status": "completed"})
    assert list(response.context["updates"]) == []


def ticked(updates) -> dict:
    """The queue form as the page sends it: the ticked ids and each row's hidden version."""
    return {"updates": [u.pk for u in updates], **{f"version-{u.pk}": u.version for u in updates}}


def test_the_queue_sends_each_rows_version_with_it(client, people, two_submitted):
    client.force_login(people["reviewer"])
    page = client.get(reverse("reporting:review_queue")).content.decode()
    for update in two_submitted:
        assert f'name="version-{update.pk}" value="{update.version}"' in page


def test_bulk_approval_refuses_an_update_changed_since_the_queue_was_opened(
    client, people, two_submitted
):
    seen = ticked(two_submitted)  # the versions on the page the reviewer opened
    changed = two_submitted[1]
    services.update_return(
        user=people["reviewer"], update=changed, comment="Add the minutes.",
        version=changed.version,
    )  # fmt: skip
    changed.refresh_from_db()
    services.update_submit(user=people["officer"], update=changed, version=changed.version)
    client.force_login(people["reviewer"])
    response = client.post(reverse("reporting:reviews_approve"), {**seen, "comment": "Ok."})
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(state="approved").count() == 0
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("changed since you opened it" in m and "Nothing approved" in m for m in shown)


def test_bulk_approval_service_refuses_a_stale_version_with_its_code(people, two_submitted):
    first, second = two_submitted
    with pytest.raises(ConflictError, match="Nothing was approved") as raised:
        services.updates_approve(
            user=people["reviewer"], updates=[first, second],
            versions={first.pk: first.version, second.pk: second.version - 1},
        )  # fmt: skip
    assert raised.value.code == "stale_version"
    assert ProgressUpdate.objects.filter(state="approved").count() == 0


def test_bulk_approval_without_the_versions_approves_nothing(client, people, two_submitted):
    client.force_login(people["reviewer"])
    response = client.post(
        reverse("reporting:reviews_approve"),
        {"updates": [u.pk for u in two_submitted], "comment": "Ok."},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(state="approved").count() == 0
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("without each update's version" in m for m in shown)


def test_bulk_approval_approves_the_ticked_updates_with_one_comment(client, people, two_submitted):
    client.force_login(people["reviewer"])
    response = client.post(
        reverse("reporting:reviews_approve"),
        {**ticked(two_submitted), "comment": "Checked against the minutes."},
    )
    assert response.status_code == 302
    for update in two_submitted:
        update.refresh_from_db()
        assert (update.state, update.review_comment, update.reviewed_by) == (
            "approved", "Checked against the minutes.", people["reviewer"]
        )  # fmt: skip


def test_bulk_approval_tells_each_author_as_a_single_approval_does(
    client, people, two_submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:reviews_approve"),
            {**ticked(two_submitted), "comment": "Checked."},
        )
    approvals = Notification.objects.filter(kind="approved")
    assert sorted(approvals.values_list("update_id", flat=True)) == sorted(
        u.pk for u in two_submitted
    )
    assert len([m for m in mailoutbox if "approved" in m.subject]) == 2


def test_bulk_approval_approves_nothing_if_one_is_not_the_reviewers(
    client, people, two_submitted, kp_item, period
):
    theirs = submitted({**people, "officer": people["outsider"]}, kp_item, period)
    client.force_login(people["reviewer"])
    response = client.post(
        reverse("reporting:reviews_approve"),
        {**ticked([two_submitted[0], theirs]), "comment": "Fine."},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(state="approved").count() == 0


def test_bulk_approval_service_is_all_or_nothing(people, two_submitted):
    first, second = two_submitted
    services.update_approve(user=people["reviewer"], update=second, version=second.version)
    with pytest.raises(ConflictError, match="Nothing was approved"):
        services.updates_approve(
            user=people["reviewer"], updates=[first, second],
            versions={first.pk: first.version, second.pk: second.version}, comment="Ok.",
        )  # fmt: skip
    first.refresh_from_db()
    assert first.state == "submitted"
    # Only the one approval that went through is on record: none for the rolled-back one.
    assert list(Notification.objects.filter(kind="approved").values_list("update", flat=True)) == [
        second.pk
    ]


# --- the audit trail ------------------------------------------------------------------------


def test_audit_trail_shows_old_and_new_values_and_evidence(client, people, draft_update):
    label = f"Update {draft_update.period.label} · MOI"
    evidence = services.evidence_add(
        user=people["officer"], update=draft_update,
        upload=SimpleUploadedFile("minutes.pdf", PDF),
    )  # fmt: skip
    services.evidence_remove(user=people["officer"], evidence=evidence)
    services.update_edit(
        user=people["officer"], update=draft_update, version=1,
        data=data(percent_complete=55),
    )  # fmt: skip
    services.update_submit(user=people["officer"], update=draft_update, version=2)
    client.force_login(people["reviewer"])
    response = client.get(reverse("reporting:item_detail", args=[draft_update.item_id]))
    audit = response.context["audit"]
    changes = [(e.label, c["label"], c["old"], c["new"]) for e in audit for c in e.changes]
    assert (label, "Percent complete", "40", "55") in changes
    assert (label, "State", "Draft", "Submitted") in changes
    assert all(c[1] not in ("Version", "Updated at") for c in changes)
    verbs = {(e.label, e.verb) for e in audit}
    assert (f"{label}: evidence “minutes.pdf”", "added") in verbs
    assert (f"{label}: evidence “minutes.pdf”", "removed") in verbs
    assert "40</span> → <span" in response.content.decode().replace('class="new">', "")


def test_audit_trail_hides_drafts_outside_the_agency(client, people, draft_update):
    client.force_login(people["outsider"])
    page = client.get(reverse("reporting:item_detail", args=[draft_update.item_id]))
    assert not [e for e in page.context["audit"] if e.label.startswith("Update")]
    services.update_edit(
        user=people["officer"], update=draft_update, version=1, data=data(percent_complete=55)
    )
    services.update_submit(user=people["officer"], update=draft_update, version=2)
    page = client.get(reverse("reporting:item_detail", args=[draft_update.item_id]))
    entries = [e for e in page.context["audit"] if e.label.startswith("Update")]
    # Only what happened since it was submitted: the drafting stays inside the agency.
    assert [e.state for e in entries] == ["submitted"]
