"""Desk officers report, reviewers approve: through the web, as people use it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import IndicatorValue, ProgressUpdate
from tests.progress import update_form

pytestmark = pytest.mark.django_db


def create_url(item):
    return reverse("reporting:update_create", args=[item.pk])


def draft(client, people, item, period, **overrides):
    client.force_login(people["officer"])
    response = client.post(create_url(item), update_form(period, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ProgressUpdate.objects.get(item=item, period=period)


def test_officer_saves_a_draft_with_an_indicator_value(client, people, moi_item, period):
    indicator = moi_item.indicators.get()
    field = f"indicator_{indicator.pk}"
    update = draft(client, people, moi_item, period, **{field: "2 of 4 committees"})
    assert update.state == "draft"
    assert update.author == people["officer"]
    assert update.agency.code == "MOI"
    assert IndicatorValue.objects.get(update=update).value == "2 of 4 committees"


def test_officer_sees_their_items_with_the_open_period(client, people, moi_item, period):
    client.force_login(people["officer"])
    response = client.get(reverse("reporting:my_items"))
    assert response.status_code == 200
    assert f"NISP-2018 {moi_item.ref}".encode() in response.content
    assert period.label.encode() in response.content


def test_bad_input_gets_field_errors_and_saves_nothing(client, people, moi_item, period):
    client.force_login(people["officer"])
    response = client.post(
        create_url(moi_item),
        update_form(period, percent_complete="150", budget_released="-5", narrative=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"percent_complete", "budget_released", "narrative"} <= set(errors)
    assert not ProgressUpdate.objects.exists()


def test_amber_or_worse_needs_a_rationale(client, people, moi_item, period):
    client.force_login(people["officer"])
    response = client.post(create_url(moi_item), update_form(period, confidence="amber_red"))
    assert response.status_code == 200
    assert "confidence_rationale" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_numeric_indicator_refuses_text(client, people, period, plan):
    from interventions.models import Indicator

    indicator = Indicator.objects.filter(
        measure="number", item__responsibilities__agency__code="MOI", item__policy__code="NISP-2018"
    ).first()
    client.force_login(people["officer"])
    response = client.post(
        create_url(indicator.item), update_form(period, **{f"indicator_{indicator.pk}": "N/A"})
    )
    assert response.status_code == 200
    assert f"indicator_{indicator.pk}" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_spent_cannot_exceed_released(client, people, moi_item, period):
    client.force_login(people["officer"])
    response = client.post(
        create_url(moi_item), update_form(period, budget_released="100", budget_spent="250")
    )
    assert "budget_spent" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_confidence_definitions_are_shown_in_the_form(client, people, moi_item, period):
    client.force_login(people["officer"])
    response = client.get(create_url(moi_item))
    assert b"highly likely" in response.content
    assert b"appears unachievable" in response.content


def test_officer_of_another_agency_cannot_report_on_the_item(client, people, moi_item, period):
    client.force_login(people["outsider"])
    assert client.get(create_url(moi_item)).status_code == 403
    assert client.post(create_url(moi_item), update_form(period)).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_group_wording_gives_provincial_officers_their_items(client, people, kp_item, period):
    client.force_login(people["outsider"])
    response = client.post(create_url(kp_item), update_form(period))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(item=kp_item).agency.code == "HD-KP"


def test_full_cycle_changes_the_items_status(client, people, moi_item, period):
    update = draft(client, people, moi_item, period, status="on_track", percent_complete="60")
    response = client.post(
        reverse("reporting:update_submit", args=[update.pk]), {"version": update.version}
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "submitted"

    client.force_login(people["reviewer"])
    queue = client.get(reverse("reporting:review_queue"))
    assert list(queue.context["updates"]) == [update]
    response = client.post(
        reverse("reporting:update_review", args=[update.pk]),
        {"decision": "approve", "comment": "Confirmed.", "version": update.version},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == "approved"
    assert update.reviewed_by == people["reviewer"]

    page = client.get(reverse("reporting:item_detail", args=[moi_item.pk]))
    assert page.context["item"].current_status == "on_track"
    assert page.context["item"].current_percent == 60


def test_completed_needs_evidence_before_submission(client, people, moi_item, period):
    update = draft(client, people, moi_item, period, status="completed", percent_complete="100")
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == "draft"

    client.post(
        reverse("reporting:update_edit", args=[update.pk]),
        update_form(
            period,
            status="completed",
            percent_complete="100",
            evidence_link="https://interior.gov.pk/notification.pdf",
            version=update.version,
        ),
    )
    update.refresh_from_db()
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == "submitted"


def test_evidence_file_is_stored_and_linked(client, people, moi_item, period):
    update = draft(client, people, moi_item, period)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    data = update_form(period, version=update.version, evidence_file=upload)
    response = client.post(reverse("reporting:update_edit", args=[update.pk]), data)
    assert response.status_code == 302
    evidence = update.evidence.get()
    assert evidence.original_name == "minutes.pdf"
    assert evidence.file.storage.exists(evidence.file.name)


def test_evidence_of_a_forbidden_type_or_size_is_refused(
    client, people, moi_item, period, settings
):
    update = draft(client, people, moi_item, period)
    url = reverse("reporting:update_edit", args=[update.pk])
    script = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(url, update_form(period, version=update.version, evidence_file=script))
    assert response.status_code == 200
    assert "“run.exe” is not a type taken as evidence" in str(
        response.context["form"]["evidence_file"].errors
    )
    settings.EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * 100, "application/pdf")
    response = client.post(url, update_form(period, version=update.version, evidence_file=big))
    assert response.status_code == 200
    assert "the limit is 10 bytes" in str(response.context["form"]["evidence_file"].errors)
    assert not update.evidence.exists()
    update.refresh_from_db()
    assert update.version == 1, "a refused attachment must not save the rest of the form"


def test_second_editor_gets_a_conflict_and_loses_nothing(client, people, moi_item, period):
    update = draft(client, people, moi_item, period)
    url = reverse("reporting:update_edit", args=[update.pk])
    first = client.post(url, update_form(period, narrative="First save.", version=1))
    assert first.status_code == 302
    second = client.post(url, update_form(period, narrative="Second save.", version=1))
    assert second.status_code == 200
    assert "Someone else saved this update" in str(second.context["form"].non_field_errors())
    update.refresh_from_db()
    assert update.narrative == "First save."
    assert second.context["form"]["narrative"].value() == "Second save."


def test_locked_period_refuses_changes(client, people, moi_item, period):
    update = draft(client, people, moi_item, period)
    period.state = "locked"
    period.save()
    url = reverse("reporting:update_edit", args=[update.pk])
    response = client.post(url, update_form(period, narrative="Late edit.", version=1))
    assert response.status_code == 200
    assert "locked" in str(response.context["form"].non_field_errors())
    update.refresh_from_db()
    assert update.narrative != "Late edit."


def test_reviewer_returns_with_a_comment_and_the_officer_resubmits(
    client, people, moi_item, period
):
    update = draft(client, people, moi_item, period)
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": 1})
    client.force_login(people["reviewer"])
    review = reverse("reporting:update_review", args=[update.pk])
    client.post(review, {"decision": "return", "comment": "", "version": 2})
    update.refresh_from_db()
    assert update.state == "submitted", "returning needs a comment"
    client.post(review, {"decision": "return", "comment": "Add the dates.", "version": 2})
    update.refresh_from_db()
    assert update.state == "returned"
    assert update.comments.get().text == "Add the dates."

    client.force_login(people["officer"])
    client.post(
        reverse("reporting:update_edit", args=[update.pk]),
        update_form(period, narrative="Met on 3 and 17 November.", version=update.version),
    )
    update.refresh_from_db()
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == "submitted"


def test_every_change_is_in_the_items_audit_trail(client, people, moi_item, period):
    update = draft(client, people, moi_item, period)
    client.post(reverse("reporting:update_submit", args=[update.pk]), {"version": 1})
    page = client.get(reverse("reporting:item_detail", args=[moi_item.pk]))
    audit = page.context["audit"]
    mine = [entry for entry in audit if entry.history_user == people["officer"]]
    assert len(mine) >= 2
    assert any(
        (change["label"], change["old"], change["new"]) == ("State", "Draft", "Submitted")
        for entry in mine
        for change in entry.changes
    )


def test_a_period_that_has_not_started_is_not_offered_or_accepted(client, people, moi_item, period):
    import datetime

    from reporting.models import ReportingPeriod

    future = ReportingPeriod.objects.create(
        policy=period.policy,
        label="2099Q1",
        start=datetime.date(2099, 1, 1),
        end=datetime.date(2099, 3, 31),
        deadline=datetime.date(2099, 4, 15),
    )
    client.force_login(people["officer"])
    form = client.get(create_url(moi_item)).context["form"]
    assert list(form.fields["period"].queryset) == [period]
    response = client.post(create_url(moi_item), update_form(future))
    assert response.status_code == 200
    assert "period" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()

    from core.errors import ConflictError
    from reporting.services import UpdateData, update_create

    with pytest.raises(ConflictError, match="has not started"):
        update_create(
            user=people["officer"], item=moi_item, period=future,
            data=UpdateData(status="in_progress", percent_complete=5, confidence="green",
                            narrative="Too early."),
        )  # fmt: skip
