"""E-mail people can act on, each one recorded (who, what, when) so "was I told?" has an
answer. A notice about a change is recorded in the change's transaction and mailed once it
commits; a failed send is kept on the record with its error."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import User
from reporting.models import Notification, ProgressUpdate

log = logging.getLogger(__name__)
Kind = Notification.Kind
# A digest names this many updates and counts the rest.
MAX_LISTED = 50


def site_link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def record(
    *,
    people: Iterable[User],
    kind: str,
    compose: Callable[[], tuple[str, str]],
    update: ProgressUpdate | None = None,
) -> list[Notification]:
    """One record per person with an address, worded in that person's language; not sent yet.

    `compose` returns (subject, body) and runs once per person with their language active.
    """
    now = timezone.now()
    notices = []
    for person in people:
        if not (person.is_active and person.email):
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = compose()
        notices.append(
            Notification(
                recipient=person,
                email=person.email,
                kind=kind,
                subject=f"[{_('NISP Tracker')}] {subject}",
                body=body,
                update=update,
                created_at=now,
            )
        )
    return Notification.objects.bulk_create(notices)


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


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def updates_submitted(updates: list[ProgressUpdate]) -> None:
    """Tell each agency's reviewers what was submitted for their review: one notice per
    reviewer per agency, whether one update was submitted (the form) or a workbook's many."""
    if not updates:
        return
    by_agency: dict[int, list[ProgressUpdate]] = {}
    for update in updates:
        by_agency.setdefault(update.agency_id, []).append(update)
    reviewers: dict[int, list[User]] = {}
    for person in User.objects.filter(agency_id__in=by_agency, role=User.Role.AGENCY_REVIEWER):
        reviewers.setdefault(person.agency_id, []).append(person)
    link = site_link("reporting:review_queue")
    for agency_id, submitted in by_agency.items():
        if agency_id in reviewers:
            notify(
                people=reviewers[agency_id],
                kind=Kind.SUBMITTED,
                compose=_submitted_notice(submitted, link),
                update=submitted[0] if len(submitted) == 1 else None,
            )


def _submitted_notice(submitted: list[ProgressUpdate], link: str):
    first = submitted[0]
    names = {"about": _about(first), "author": _name(first.author), "agency": first.agency.code,
             "count": len(submitted)}  # fmt: skip

    def compose() -> tuple[str, str]:
        review = "\n\n" + _("Review it: %(link)s") % {"link": link} + "\n"
        if len(submitted) == 1:
            return (
                _("%(about)s submitted for your review") % names,
                _("%(author)s submitted %(agency)s's update on %(about)s.") % names + review,
            )
        listed = "\n".join(f"- {_about(update)}" for update in submitted[:MAX_LISTED])
        if len(submitted) > MAX_LISTED:
            listed += "\n" + _("and %(more)s more") % {"more": len(submitted) - MAX_LISTED}
        return (
            _("%(count)s updates of %(agency)s submitted for your review") % names,
            _("%(author)s submitted %(count)s of %(agency)s's updates:") % names
            + f"\n{listed}"
            + review,
        )

    return compose


def update_returned(update: ProgressUpdate) -> None:
    names = {"about": _about(update), "reviewer": _name(update.reviewed_by)}
    link = site_link("reporting:update_edit", update.pk)
    notify(
        people=[update.author],
        kind=Kind.RETURNED,
        compose=lambda: (
            _("%(about)s returned: changes needed") % names,
            _("Your update on %(about)s was returned by %(reviewer)s.") % names
            + "\n\n"
            + _("What needs to change:")
            + f"\n{update.review_comment}\n\n"
            + _("Correct and resubmit it: %(link)s") % {"link": link}
            + "\n",
        ),
        update=update,
    )


def update_approved(update: ProgressUpdate) -> None:
    names = {"about": _about(update)}
    link = site_link("reporting:item_detail", update.item_id)

    def compose() -> tuple[str, str]:
        comment = (
            "\n" + _("Reviewer's comment: %(comment)s") % {"comment": update.review_comment} + "\n"
            if update.review_comment
            else ""
        )
        body = (
            _("Your update on %(about)s was approved; it now counts in the committee's figures.")
            % names
        )
        return _("%(about)s approved") % names, f"{body}\n{comment}\n{link}\n"

    notify(people=[update.author], kind=Kind.APPROVED, compose=compose, update=update)
