import datetime

import pytest
import time_machine
from django.utils import timezone

from agencies.models import User
from reporting.models import DeadlineExtension, Notification, ReminderSent, ReportingPeriod
from reporting.reminders import reminders_send
from reporting.services import UpdateData, update_create, update_submit
from reporting.tasks import send_reminders
from tests.factories import user_with_role

Role = User.Role
DEADLINE = datetime.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _inside_the_quarter(request):
    """These tests walk one quarter (2026Q4) at fixed dates: the clock stands inside it,
    whatever day the suite runs on. A real worker runs on its own clock."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC), tick=True):
        yield


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


# --- one digest per person per run; nothing for closed or locked periods ------------------


def _reminded(mailoutbox, email: str) -> list:
    return [m for m in mailoutbox if m.to == [email]]


@pytest.mark.django_db
def test_the_secretary_gets_one_digest_listing_every_agency(plan, mailoutbox, settings):
    settings.ESCALATE_TO_SECRETARY_DAYS_AFTER = 7
    period = nisp_period()
    people = moi_people()
    second = user_with_role(Role.COMMITTEE_SECRETARY, email="deputy@acis.gov.pk")
    period.state = ReportingPeriod.State.CLOSED
    period.save()
    sent = reminders_send(today=DEADLINE + datetime.timedelta(days=8))

    secretary_mail = _reminded(mailoutbox, people["secretary"].email)
    assert len(secretary_mail) == 1, "one digest per person per run, never one per agency"
    assert len(_reminded(mailoutbox, second.email)) == 1
    escalated = ReminderSent.objects.filter(period=period, step="secretary").count()
    assert escalated > 10
    body = secretary_mail[0].body
    assert body.count("Escalation:") == escalated
    assert "Ministry of Interior" in body
    # Every person got exactly one message, and every message is on record.
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == len(set(recipients)) == len(sent)
    on_record = Notification.objects.filter(kind="digest", sent_at__isnull=False)
    assert sorted(on_record.values_list("email", flat=True)) == sorted(recipients)
    # The closed period's officers are not told to submit: they cannot.
    assert _reminded(mailoutbox, people["officer"].email) == []

    before = len(mailoutbox)
    assert reminders_send(today=DEADLINE + datetime.timedelta(days=9)) == []
    assert len(mailoutbox) == before


@pytest.mark.django_db
def test_no_reminders_for_locked_or_long_closed_periods(plan, mailoutbox, settings):
    settings.REMINDERS_STOP_DAYS_AFTER = 30
    period = nisp_period()
    moi_people()
    period.state = ReportingPeriod.State.CLOSED
    period.save()
    assert reminders_send(today=DEADLINE + datetime.timedelta(days=45)) == []
    period.state = ReportingPeriod.State.LOCKED
    period.save()
    assert reminders_send(today=DEADLINE + datetime.timedelta(days=8)) == []
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_a_closed_period_reminds_the_officers_of_an_agency_with_an_extension(plan, mailoutbox):
    period = nisp_period()
    people = moi_people()
    period.state = ReportingPeriod.State.CLOSED
    period.save()
    DeadlineExtension.objects.create(
        period=period,
        agency=people["officer"].agency,
        until=DEADLINE + datetime.timedelta(days=60),
        reason="Floods.",
        granted_by=people["secretary"],
        granted_at=timezone.now(),
    )
    reminders_send(today=DEADLINE + datetime.timedelta(days=45))
    [mail] = _reminded(mailoutbox, people["officer"].email)
    assert "NISP-2018 1:" in mail.body
    # Only the agency with the extension: no other agency's officers exist to tell, and the
    # escalations for the rest stopped after REMINDERS_STOP_DAYS_AFTER.
    assert set(ReminderSent.objects.values_list("agency__code", flat=True)) == {"MOI"}
