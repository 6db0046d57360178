import datetime

import pytest

from agencies.models import User
from reporting.models import ReminderSent, ReportingPeriod
from reporting.reminders import reminders_send
from reporting.services import UpdateData, update_create, update_submit
from reporting.tasks import send_reminders
from tests.factories import user_with_role

Role = User.Role
DEADLINE = datetime.date(2027, 1, 15)


def nisp_period():
    from interventions.models import Policy

    return ReportingPeriod.objects.create(
        policy=Policy.objects.get(code="NISP-2018"),
        label="2026Q4",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 12, 31),
        deadline=DEADLINE,
    )


def moi_people():
    return {
        "officer": user_with_role(Role.DESK_OFFICER, "MOI", email="officer@interior.gov.pk"),
        "reviewer": user_with_role(Role.AGENCY_REVIEWER, "MOI", email="focal@interior.gov.pk"),
        "secretary": user_with_role(Role.COMMITTEE_SECRETARY, email="secretary@acis.gov.pk"),
    }


@pytest.mark.django_db
def test_nothing_is_sent_long_before_the_deadline(plan, mailoutbox):
    nisp_period()
    moi_people()
    assert reminders_send(today=datetime.date(2026, 12, 1)) == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_officers_are_reminded_once_before_the_deadline(plan, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 7
    nisp_period()
    moi_people()
    sent = reminders_send(today=DEADLINE - datetime.timedelta(days=5))
    assert [n.email for n in sent if n.recipient.agency_id] == ["officer@interior.gov.pk"]
    steps = ReminderSent.objects.filter(agency__code="MOI").values_list("step", flat=True)
    assert list(steps) == ["officers"]
    message = next(m for m in mailoutbox if m.to == ["officer@interior.gov.pk"])
    assert "NISP-2018 1:" in message.body
    assert "15 January 2027" in message.body

    outbox_size = len(mailoutbox)
    assert reminders_send(today=DEADLINE - datetime.timedelta(days=4)) == []
    assert len(mailoutbox) == outbox_size, "a rerun sends no duplicate"


@pytest.mark.django_db
def test_after_the_deadline_it_escalates_to_reviewer_then_secretary(plan, mailoutbox, settings):
    settings.ESCALATE_TO_REVIEWER_DAYS_AFTER = 1
    settings.ESCALATE_TO_SECRETARY_DAYS_AFTER = 7
    nisp_period()
    moi_people()
    reminders_send(today=DEADLINE + datetime.timedelta(days=2))
    steps = set(ReminderSent.objects.filter(agency__code="MOI").values_list("step", flat=True))
    assert steps == {"officers", "reviewer"}
    assert any(m.to == ["focal@interior.gov.pk"] for m in mailoutbox)

    reminders_send(today=DEADLINE + datetime.timedelta(days=8))
    steps = set(ReminderSent.objects.filter(agency__code="MOI").values_list("step", flat=True))
    assert steps == {"officers", "reviewer", "secretary"}
    assert any(m.to == ["secretary@acis.gov.pk"] for m in mailoutbox)


@pytest.mark.django_db
def test_submitted_items_are_not_chased(plan, mailoutbox):
    period = nisp_period()
    people = moi_people()
    from interventions.models import PlanItem

    item = PlanItem.objects.get(policy__code="NISP-2018", ref="1")
    update = update_create(
        user=people["officer"], item=item, period=period,
        data=UpdateData(status="on_track", percent_complete=50, confidence="green",
                        narrative="Committees formed."),
    )  # fmt: skip
    update_submit(user=people["officer"], update=update, version=update.version)
    reminders_send(today=DEADLINE - datetime.timedelta(days=1))
    body = next(m for m in mailoutbox if m.to == ["officer@interior.gov.pk"]).body
    assert "NISP-2018 1:" not in body
    assert "NISP-2018 3:" in body


@pytest.mark.integration
def test_reminder_job_runs_on_a_real_worker_and_sends_once(
    celery_worker, committed_plan, worker_mail_dir
):
    nisp_period()
    moi_people()
    day = (DEADLINE - datetime.timedelta(days=3)).isoformat()
    first = send_reminders.apply_async(kwargs={"today": day}, queue=celery_worker.queue)
    assert first.get(timeout=60) > 0
    mails = "".join(p.read_text() for p in worker_mail_dir.iterdir())
    assert "officer@interior.gov.pk" in mails
    assert "NISP-2018 1:" in mails
    assert ReminderSent.objects.filter(agency__code="MOI", step="officers").count() == 1

    again = send_reminders.apply_async(kwargs={"today": day}, queue=celery_worker.queue)
    assert again.get(timeout=60) == 0
    assert ReminderSent.objects.filter(agency__code="MOI", step="officers").count() == 1
