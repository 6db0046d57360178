"""The schedule's cycle jobs on a real Celery worker on Redis: the deadline closes the period,
and one run of reminders sends each person one digest."""

from __future__ import annotations

import datetime
import email
from collections import Counter

import pytest

from agencies.models import User
from interventions.models import Policy
from reporting.models import Notification, ReportingPeriod
from reporting.tasks import advance_periods, send_reminders
from tests.factories import user_with_role

pytestmark = pytest.mark.integration
Role = User.Role
DEADLINE = datetime.date(2027, 1, 15)


def mails_in(directory) -> list[email.message.Message]:
    """Every message the worker's file backend wrote (several per file, one per send)."""
    found = []
    for path in directory.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip()))
    return found


def test_the_deadline_closes_the_period_and_one_digest_goes_to_each_person(
    celery_worker, committed_plan, worker_mail_dir
):
    for old in worker_mail_dir.iterdir():
        old.unlink()
    period = ReportingPeriod.objects.create(
        policy=Policy.objects.get(code="NISP-2018"),
        label="2026Q4",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 12, 31),
        deadline=DEADLINE,
    )
    user_with_role(Role.DESK_OFFICER, "MOI", email="officer@interior.gov.pk")
    user_with_role(Role.AGENCY_REVIEWER, "MOI", email="focal@interior.gov.pk")
    user_with_role(Role.COMMITTEE_SECRETARY, email="secretary@acis.gov.pk")

    after = (DEADLINE + datetime.timedelta(days=8)).isoformat()
    closed = advance_periods.apply_async(kwargs={"today": after}, queue=celery_worker.queue)
    assert closed.get(timeout=60) == ["NISP-2018 2026Q4 closed"]
    period.refresh_from_db()
    assert period.state == ReportingPeriod.State.CLOSED
    [event] = period.events.all()
    assert (event.action, event.by) == ("close", None)

    run = send_reminders.apply_async(kwargs={"today": after}, queue=celery_worker.queue)
    digests = run.get(timeout=120)
    mails = mails_in(worker_mail_dir)
    per_person = Counter(message["To"] for message in mails)
    assert per_person["secretary@acis.gov.pk"] == 1
    assert per_person["focal@interior.gov.pk"] == 1
    assert "officer@interior.gov.pk" not in per_person, "a closed period chases no officer"
    assert len(mails) == digests == len(per_person)
    secretary = next(m for m in mails if m["To"] == "secretary@acis.gov.pk")
    assert secretary.get_payload().count("Escalation:") > 10
    assert Notification.objects.filter(sent_at__isnull=False).count() == digests

    again = send_reminders.apply_async(kwargs={"today": after}, queue=celery_worker.queue)
    assert again.get(timeout=120) == 0
    assert len(mails_in(worker_mail_dir)) == len(mails)
