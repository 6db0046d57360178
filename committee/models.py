"""The Advisory Committee's papers: the quarterly progress report and its frozen figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies import geography
from agencies.models import Province, User

COMMITTEE_ROLES = (
    User.Role.COMMITTEE_MEMBER,
    User.Role.COMMITTEE_SECRETARY,
    User.Role.ADMINISTRATOR,
)


def report_file_path(instance: QuarterlyReport, filename: str) -> str:
    place = "-".join(part for part in (instance.level, instance.province) if part)
    scope = f"{instance.scope}-{place}" if place else instance.scope
    return f"reports/{instance.quarter}/{scope}/{instance.edition}/v{instance.version}/{filename}"


class QuarterlyReportQuerySet(models.QuerySet):
    def without_snapshot(self) -> QuarterlyReportQuerySet:
        """Lists need the report's state, not its (large) frozen figures."""
        return self.defer("snapshot")


class QuarterlyReport(models.Model):
    """One version of the Advisory Committee's quarterly progress report for a scope.

    Its figures are frozen in `snapshot` when it is generated; every format (web, PDF, XLSX,
    CSV) is rendered from that snapshot, so later edits to progress data never change it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Edition(models.TextChoices):
        # The committee's own papers: every item counted, restricted ones in their own annex.
        COMMITTEE = "committee", _("Committee edition")
        # For officials beyond the committee: the "official" reader class's figures, restricted
        # items left out everywhere and only counted (interventions.models.CLASS_SEES).
        OFFICIAL = "official", _("Official edition")

    # The reader class (committee.figures) whose figures each edition freezes.
    EDITION_VISIBILITY = {Edition.COMMITTEE: "all", Edition.OFFICIAL: "official"}

    # Scope of a report covering every policy; otherwise the scope is a policy code.
    ALL = "ALL"

    quarter = models.CharField(max_length=6, help_text="Calendar quarter, e.g. 2025Q3.")
    scope = models.CharField(max_length=32, help_text="A policy code, or ALL.")
    # Narrowed to the items of bodies at a level and/or in a province (agencies.geography);
    # blank: every level and province. Each place is a series of versions of its own.
    level = models.CharField(
        max_length=16, blank=True, default="", help_text="federal, provincial, special or blank."
    )
    province = models.CharField(
        max_length=16, blank=True, default="", help_text="A province or area code, or blank."
    )
    # Each edition is a series of versions of its own, like each place.
    edition = models.CharField(max_length=16, choices=Edition.choices, default=Edition.COMMITTEE)
    version = models.PositiveIntegerField()
    # The language its PDF, workbook and annex are written in; the snapshot itself has no words.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    # What a running generation is doing now (figures, pdf, xlsx, csv), for the progress page.
    stage = models.CharField(max_length=8, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_reports",
        help_text="Empty when the schedule requested it.",
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    snapshot = models.JSONField(null=True, blank=True)
    contains_sample = models.BooleanField(default=False)
    pdf = models.FileField(upload_to=report_file_path, blank=True)
    xlsx = models.FileField(upload_to=report_file_path, blank=True)
    csv = models.FileField(upload_to=report_file_path, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_off_reports",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The snapshot is immutable once written; history tracks state and sign-off only.
    history = HistoricalRecords(
        excluded_fields=["snapshot", "stage"], table_name="reporting_historicalquarterlyreport"
    )

    objects = QuarterlyReportQuerySet.as_manager()

    class Meta:
        # The table keeps its first name: the model moved here from reporting with its rows.
        db_table = "reporting_quarterlyreport"
        ordering = ["-quarter", "scope", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "scope", "level", "province", "edition", "version"],
                name="reporting_quarterlyreport_unique_version",
                violation_error_message="This version of the report already exists.",
            ),
            models.UniqueConstraint(
                fields=["quarter", "scope", "level", "province", "edition"],
                condition=Q(signed_off_at__isnull=False),
                name="reporting_quarterlyreport_one_signed_off",
                violation_error_message="Another version of this report is already signed off.",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(state="done"),
                name="reporting_quarterlyreport_signed_off_when_done",
                violation_error_message="Only a generated report can be signed off.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^\d{4}Q[1-4]$"),
                name="reporting_quarterlyreport_quarter_label",
                violation_error_message="A quarter is written like 2025Q3.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["", *geography.Level.values]),
                name="committee_quarterlyreport_level_known",
                violation_error_message="A report's level is federal, provincial or special.",
            ),
            models.CheckConstraint(
                condition=Q(province__in=["", *Province.values]),
                name="committee_quarterlyreport_province_known",
                violation_error_message="A report's province is one of the registry's.",
            ),
            models.CheckConstraint(
                condition=Q(edition__in=["committee", "official"]),
                name="committee_quarterlyreport_edition_known",
                violation_error_message="A report's edition is committee or official.",
            ),
        ]
        indexes = [
            # The report list shows the latest requests first.
            models.Index(fields=["-requested_at"], name="report_requested_at_idx"),
        ]

    def __str__(self) -> str:
        place = " ".join(part for part in (self.level, self.province) if part)
        scope = f"{self.scope} {place}" if place else self.scope
        edition = "" if self.edition == self.Edition.COMMITTEE else f" {self.edition}"
        return f"{scope}{edition} {self.quarter} v{self.version}"

    @property
    def place(self) -> dict[str, str]:
        return {"level": self.level, "province": self.province}

    @property
    def series(self) -> dict[str, str]:
        """What, with the quarter and scope, names a series of versions: place and edition."""
        return {**self.place, "edition": self.edition}

    @property
    def visibility(self) -> str:
        return self.EDITION_VISIBILITY[self.edition]

    @property
    def is_official_edition(self) -> bool:
        return self.edition == self.Edition.OFFICIAL

    @property
    def place_title(self) -> str:
        return geography.place_title(**self.place)

    @property
    def is_final(self) -> bool:
        return self.signed_off_at is not None


class Meeting(models.Model):
    """A sitting of the Advisory Committee: one per quarter, or ad hoc."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly review")
        AD_HOC = "ad_hoc", _("Ad hoc")

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.QUARTERLY)
    quarter = models.CharField(
        max_length=6, blank=True, help_text="The quarter under review, e.g. 2026Q4."
    )
    date = models.DateField()
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended"
    )
    guests = models.TextField(blank=True, help_text="Guests not on the tracker, one a line.")
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_created"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter="") | Q(quarter__regex=r"^\d{4}Q[1-4]$"),
                name="committee_meeting_quarter_label",
                violation_error_message="A quarter is written like 2026Q4.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %b %Y})"


class AgendaItem(models.Model):
    """One point on a meeting's agenda: a ranked exception, an earlier action item to follow
    up, or a point the secretary added."""

    class Kind(models.TextChoices):
        EXCEPTION = "exception", _("Exception")
        FOLLOW_UP = "follow_up", _("Action item follow-up")
        OTHER = "other", _("Other business")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    reason = models.TextField(blank=True, help_text="Why it is on the agenda.")
    severity = models.CharField(max_length=8, blank=True)
    item = models.ForeignKey(
        "interventions.PlanItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    action = models.ForeignKey(
        "committee.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Decision(models.Model):
    """What the committee decided on an agenda item."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    items = models.ManyToManyField(
        "interventions.PlanItem", blank=True, related_name="committee_decisions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_recorded"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet):
    def unfinished(self) -> ActionItemQuerySet:
        return self.filter(status__in=ActionItem.UNFINISHED)

    def overdue(self, today) -> ActionItemQuerySet:
        """Past the due date and neither done nor dropped: the rule of ActionItem.is_overdue_on,
        in the database (the action list's filter, the escalation)."""
        return self.unfinished().filter(due_date__lt=today)

    def visible_to(self, user) -> ActionItemQuerySet:
        """The committee and administrators read every action; an agency's people, theirs."""
        if user.is_superuser or user.role in COMMITTEE_ROLES:
            return self
        if user.agency_id:
            return self.filter(owner_id=user.agency_id)
        return self.none()


class ActionItem(models.Model):
    """Something an agency must do because the committee decided it, tracked to closure."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    UNFINISHED = (Status.OPEN, Status.IN_PROGRESS)

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="action_items"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    progress_note = models.TextField(blank=True)
    evidence = models.TextField(
        blank=True, help_text="What shows it was done: a document, a link, a reference."
    )
    drop_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # The secretary's confirmation that a done (or dropped) action is closed.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_closed",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(evidence=""),
                name="committee_actionitem_done_has_evidence",
                violation_error_message="An action is done only with evidence of it.",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""),
                name="committee_actionitem_dropped_has_reason",
                violation_error_message="An action is dropped only with a reason.",
            ),
        ]
        indexes = [
            # The action list and the owner's /my/ list filter by owner and status, by due date.
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_overdue_on(self, day) -> bool:
        """Past the due date on `day` and neither done nor dropped (the queryset's `overdue`,
        for one action in hand: the report's follow-up, the agenda, the pages)."""
        return self.status in self.UNFINISHED and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class MeetingComment(models.Model):
    """A committee member's comment on a meeting (its agenda, its minutes)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_comments"
    )
    text = models.TextField()
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
