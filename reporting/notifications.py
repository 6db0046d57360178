"""E-mail people can act on, each one recorded (who, what, when) so "was I told?" has an
answer. A notice about a change is recorded in the change's transaction and mailed once it
commits; a failed send is kept on the record with its error."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from reporting.models import Notification, ProgressUpdate

log = logging.getLogger(__name__)
Kind = Notification.Kind


def site_link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def record(
    *,
    people: Iterable[User],
    kind: str,
    subject: str,
    body: str,
    update: ProgressUpdate | None = None,
) -> list[Notification]:
    """One record per person with an address; not sent yet."""
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=person,
            email=person.email,
            kind=kind,
            subject=f"[NISP Tracker] {subject}",
            body=body,
            update=update,
            created_at=now,
        )
        for person in people
        if person.is_active and person.email
    )


def deliver(notifications: list[Notification]) -> int:
    """Send each recorded notice as its own message; mark it sent, or keep the error."""
    sent = 0
    for notice in notifications:
        try:
            send_mail(notice.subject, notice.body, None, [notice.email], fail_silently=False)
        except OSError as error:
            log.exception("Could not e-mail notification %s", notice.pk)
            Notification.objects.filter(pk=notice.pk).update(error=str(error)[:2000])
            continue
        Notification.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def notify(**kwargs) -> list[Notification]:
    """Record the notices now; mail them when the surrounding transaction commits."""
    notices = record(**kwargs)
    if notices:
        transaction.on_commit(lambda: deliver(notices))
    return notices


def _about(update: ProgressUpdate) -> str:
    return f"{update.item.policy.code} {update.item.ref} ({update.period.label})"


def update_submitted(update: ProgressUpdate) -> None:
    reviewers = User.objects.filter(agency_id=update.agency_id, role=User.Role.AGENCY_REVIEWER)
    notify(
        people=reviewers,
        kind=Kind.SUBMITTED,
        subject=f"{_about(update)} submitted for your review",
        body=(
            f"{update.author.get_full_name() or update.author.username} submitted "
            f"{update.agency.code}'s update on {_about(update)}.\n\n"
            f"Review it: {site_link('reporting:review_queue')}\n"
        ),
        update=update,
    )


def update_returned(update: ProgressUpdate) -> None:
    notify(
        people=[update.author],
        kind=Kind.RETURNED,
        subject=f"{_about(update)} returned: changes needed",
        body=(
            f"Your update on {_about(update)} was returned by "
            f"{update.reviewed_by.get_full_name() or update.reviewed_by.username}.\n\n"
            f"What needs to change:\n{update.review_comment}\n\n"
            f"Correct and resubmit it: {site_link('reporting:update_edit', update.pk)}\n"
        ),
        update=update,
    )


def update_approved(update: ProgressUpdate) -> None:
    comment = f"\nReviewer's comment: {update.review_comment}\n" if update.review_comment else ""
    notify(
        people=[update.author],
        kind=Kind.APPROVED,
        subject=f"{_about(update)} approved",
        body=(
            f"Your update on {_about(update)} was approved; it now counts in the committee's "
            f"figures.\n{comment}\n{site_link('reporting:item_detail', update.item_id)}\n"
        ),
        update=update,
    )
