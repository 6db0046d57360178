"""Notices on submit, return and approve; each person's to-do list; the record of what was
sent; evidence downloads checked like the update they belong to."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interventions.models import PlanItem
from reporting import services
from reporting.models import Notification

pytestmark = pytest.mark.django_db
NEW = services.UpdateData(
    status="in_progress", percent_complete=30, confidence="green", narrative="Begun."
)


def drafted(people, item, period, with_file: bool = False):
    update = services.update_create(user=people["officer"], item=item, period=period, data=NEW)
    evidence = None
    if with_file:
        evidence = services.evidence_add(
            user=people["officer"],
            update=update,
            upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
        )
    return update, evidence


def test_submit_return_and_approve_each_tell_the_right_person(
    people, moi_item, period, mailoutbox, django_capture_on_commit_callbacks
):
    update, _ = drafted(people, moi_item, period)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.update_submit(user=people["officer"], update=update, version=1)
    [to_reviewer] = mailoutbox
    assert to_reviewer.to == [people["reviewer"].email]
    assert "submitted for your review" in to_reviewer.subject
    assert "/reviews/" in to_reviewer.body

    with django_capture_on_commit_callbacks(execute=True):
        update = services.update_return(
            user=people["reviewer"],
            update=update,
            comment="Attach the minutes of the meeting.",
            version=update.version,
        )
    returned = mailoutbox[1]
    assert returned.to == [people["officer"].email]
    assert "Attach the minutes of the meeting." in returned.body
    assert f"/updates/{update.pk}/" in returned.body

    update = services.update_submit(user=people["officer"], update=update, version=update.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_approve(user=people["reviewer"], update=update, version=update.version)
    approved = mailoutbox[-1]
    assert (approved.to, "approved" in approved.subject) == ([people["officer"].email], True)

    kinds = list(Notification.objects.order_by("pk").values_list("kind", "email"))
    assert kinds == [
        ("submitted", people["reviewer"].email),
        ("returned", people["officer"].email),
        ("submitted", people["reviewer"].email),
        ("approved", people["officer"].email),
    ]


def test_a_refused_change_records_and_sends_nothing(people, moi_item, period, mailoutbox):
    update, _ = drafted(people, moi_item, period)
    with pytest.raises(services.ConflictError):
        services.update_submit(user=people["officer"], update=update, version=99)
    assert (Notification.objects.count(), mailoutbox) == (0, [])


def test_the_secretary_sees_every_notification_sent_and_others_do_not(
    people, moi_item, period, client, django_capture_on_commit_callbacks
):
    update, _ = drafted(people, moi_item, period)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_submit(user=people["officer"], update=update, version=1)
    client.force_login(people["officer"])
    assert client.get(reverse("reporting:notification_list")).status_code == 403
    client.force_login(people["secretary"])
    page = client.get(reverse("reporting:notification_list")).content.decode()
    assert people["reviewer"].email in page
    assert "submitted for your review" in page
    assert "sent " in page


def test_each_person_sees_what_they_must_do(people, moi_item, period, client):
    update, _ = drafted(people, moi_item, period)
    client.force_login(people["officer"])
    todo = client.get(reverse("reporting:my_items")).context["todo"]
    to_report = {(row["item"].pk, row["period"].pk) for row in todo["to_report"]}
    assert (moi_item.pk, period.pk) in to_report

    update = services.update_submit(user=people["officer"], update=update, version=1)
    client.force_login(people["reviewer"])
    response = client.get(reverse("reporting:my_items"))
    assert response.context["todo"]["to_review"] == [update]
    assert "Updates to review (1)" in response.content.decode()

    services.update_return(
        user=people["reviewer"], update=update, comment="Add the minutes.", version=update.version
    )
    client.force_login(people["officer"])
    response = client.get(reverse("reporting:my_items"))
    todo = response.context["todo"]
    assert [u.pk for u in todo["to_fix"]] == [update.pk]
    assert (moi_item.pk, period.pk) not in {
        (r["item"].pk, r["period"].pk) for r in todo["to_report"]
    }
    assert "Add the minutes." in response.content.decode()


# --- evidence ------------------------------------------------------------------------------


def download(client, evidence):
    return client.get(
        reverse("reporting:evidence_download", args=[evidence.update_id, evidence.pk])
    )


def test_draft_evidence_is_for_its_agency_only_and_served_as_an_attachment(
    people, moi_item, period, client
):
    _, evidence = drafted(people, moi_item, period, with_file=True)
    client.force_login(people["officer"])
    response = download(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="minutes.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(people["reviewer"])
    assert download(client, evidence).status_code == 200
    for outsider in ("outsider", "committee"):
        client.force_login(people[outsider])
        assert download(client, evidence).status_code == 404, outsider


def test_submitted_evidence_is_for_every_signed_in_reader_never_a_media_path(
    people, moi_item, period, client
):
    update, evidence = drafted(people, moi_item, period, with_file=True)
    services.update_submit(user=people["officer"], update=update, version=update.version)
    for reader in ("outsider", "committee"):
        client.force_login(people[reader])
        assert download(client, evidence).status_code == 200, reader
    page = client.get(reverse("reporting:item_detail", args=[moi_item.pk])).content.decode()
    assert reverse("reporting:evidence_download", args=[update.pk, evidence.pk]) in page
    assert "/media/" not in page
    client.logout()
    assert download(client, evidence).status_code == 302  # to the login page


def test_a_file_asked_for_under_another_update_is_not_found(people, moi_item, period, client):
    _, evidence = drafted(people, moi_item, period, with_file=True)
    another_item = (
        PlanItem.objects.filter(policy=moi_item.policy, responsibilities__agency__code="MOI")
        .exclude(pk=moi_item.pk)
        .first()
    )
    other, _ = drafted(people, another_item, period)
    client.force_login(people["officer"])
    url = reverse("reporting:evidence_download", args=[other.pk, evidence.pk])
    assert client.get(url).status_code == 404
