"""Reporting periods and the progress that agencies report against plan items in each."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import ActsFor, Agency
from interventions.models import (
    Indicator,
    PlanItem,
    Policy,
    Sensitivity,
    item_visible,
    restricted_readable,
)

EVIDENCE_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "png", "jpg", "jpeg", "csv", "txt"]

# Longest text a field holds. A TextField's max_length is not enforced by the database, so the
# limit is a validator on the model field: the form and the API serializer inherit it, and the
# service runs it for every other caller (a 600 KB narrative once made the quarterly report
# four times slower).
SHORT_TEXT = 2_000
LONG_TEXT = 10_000


def text_limit(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(
        limit, message=f"Keep this to {limit:,} characters (it has %(show_value)s)."
    )


class ReportingPeriod(models.Model):
    """A quarter (or month) in which agencies report on a policy's items."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open for submission")
        CLOSED = "closed", _("Closed for submission")
        LOCKED = "locked", _("Locked (reported)")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="periods")
    label = models.CharField(max_length=16, help_text="2025Q3 for a quarter, 2025-07 for a month.")
    start = models.DateField()
    end = models.DateField()
    deadline = models.DateField(help_text="Last day for submissions.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "label"],
                name="reporting_reportingperiod_unique_label",
                violation_error_message="A policy has one period per label.",
            ),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")) & Q(end__lte=models.F("deadline")),
                name="reporting_reportingperiod_dates_in_order",
                violation_error_message="A period starts, ends, then its deadline passes.",
            ),
        ]
        indexes = [
            # The period picker and the API filter periods by policy and state.
            models.Index(fields=["policy", "state"], name="period_policy_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.label}"


class PeriodEvent(models.Model):
    """One change in a period's life (opened, closed, locked, reopened, deadline extended):
    who made it (empty for the schedule), when, and why. The period's page lists them."""

    class Action(models.TextChoices):
        OPEN = "open", _("Opened")
        CLOSE = "close", _("Closed")
        LOCK = "lock", _("Locked")
        REOPEN = "reopen", _("Reopened")
        EXTEND = "extend", _("Deadline extended")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=Action.choices)
    from_state = models.CharField(max_length=8, choices=ReportingPeriod.State.choices)
    to_state = models.CharField(max_length=8, choices=ReportingPeriod.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="period_events",
        help_text="Empty when the schedule made the change.",
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="period_events"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class DeadlineExtension(models.Model):
    """A later deadline for one agency in one period, granted by the secretary with a reason."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="extensions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="extensions")
    until = models.DateField(help_text="Last day this agency may submit.")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="granted_extensions"
    )
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"],
                name="reporting_deadlineextension_one_per_agency",
                violation_error_message="This agency already has an extension for this period.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.agency.code} until {self.until}"


# An update's or a file's own sensitivity: blank follows its item (or update); a value may only
# narrow it (interventions.models.stricter), so "public" on an official item's update is official.
OWN_SENSITIVITY = [("", _("As its item")), *Sensitivity.choices]


def own_level_allows(user, field: str, item_ref: str) -> Q:
    """The row's own sensitivity lets the signed-in user read it (restricted: only where the
    user reads the item's restricted content)."""
    return ~Q(**{field: Sensitivity.RESTRICTED}) | restricted_readable(user, item_ref)


class ProgressUpdateQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProgressUpdateQuerySet:
        """The one rule for who reads an update, behind every page, API call and export: the
        item's rule (PlanItem.objects.visible_to) and the update's own stricter level, then
        everything past draft to every signed-in user and drafts only inside their agency;
        anonymously (the public pages), approved updates of public items not marked stricter.
        Outside it an update does not exist for that user (404, never 403)."""
        if not getattr(user, "is_authenticated", False):
            return self.filter(
                item_visible(user, "item_id", "item__"),
                sensitivity__in=["", Sensitivity.PUBLIC],
                state=ProgressUpdate.State.APPROVED,
            )
        readable = item_visible(user, "item_id", "item__") & own_level_allows(
            user, "sensitivity", "item_id"
        )
        not_draft = ~Q(state=ProgressUpdate.State.DRAFT)
        # Drafts of the agencies the person reports for through a grant (User.acts_for), in
        # the same query.
        granted = Q(agency_id__in=ActsFor.objects.filter(user_id=user.pk).values("agency_id"))
        if user.agency_id:
            return self.filter(readable, not_draft | Q(agency_id=user.agency_id) | granted)
        return self.filter(readable, not_draft | granted)


class ProgressUpdate(models.Model):
    """What one agency reports on one item for one period, and its review."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DELAYED = "delayed", _("Delayed")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    class Confidence(models.TextChoices):
        GREEN = "green", _("Green")
        AMBER_GREEN = "amber_green", _("Amber/green")
        AMBER = "amber", _("Amber")
        AMBER_RED = "amber_red", _("Amber/red")
        RED = "red", _("Red")

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_updates"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    status = models.CharField(max_length=16, choices=Status.choices)
    percent_complete = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    confidence = models.CharField(max_length=16, choices=Confidence.choices)
    confidence_rationale = models.TextField(blank=True, validators=[text_limit(SHORT_TEXT)])
    narrative = models.TextField(validators=[text_limit(LONG_TEXT)])
    challenges = models.TextField(blank=True, validators=[text_limit(LONG_TEXT)])
    next_steps = models.TextField(blank=True, validators=[text_limit(LONG_TEXT)])
    budget_released = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_spent = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    evidence_link = models.URLField(blank=True)
    change_rationale = models.TextField(
        blank=True,
        validators=[text_limit(SHORT_TEXT)],
        help_text="Why percent complete or the budget went down since the last approved update.",
    )
    # Optimistic locking: every save bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Lateness is judged on the first submission: a resubmission after a return is not late.
    first_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_updates",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, validators=[text_limit(SHORT_TEXT)])
    # Stricter than its item where set (never looser): a restricted narrative on an official item.
    sensitivity = models.CharField(
        _("sensitivity"), max_length=16, choices=OWN_SENSITIVITY, blank=True, default=""
    )
    is_sample = models.BooleanField(default=False, help_text="Demo data, never real progress.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-period__start", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period", "agency"],
                name="reporting_progressupdate_one_per_agency_period",
                violation_error_message="This agency already has an update for this period.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="reporting_progressupdate_percent_in_range",
                violation_error_message="Percent complete is between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(budget_spent__isnull=True)
                | Q(budget_released__isnull=True)
                | Q(budget_spent__lte=models.F("budget_released")),
                name="reporting_progressupdate_spent_within_released",
                violation_error_message="Budget spent cannot exceed budget released.",
            ),
        ]
        indexes = [
            # Review queues and compliance counts filter updates by agency, period and state.
            models.Index(fields=["agency", "period", "state"], name="update_agency_period_idx"),
            # The item's current status is its latest approved update.
            models.Index(fields=["item", "state", "-reviewed_at"], name="update_item_state_idx"),
            # The API's items?updated_since= asks whether an item's updates changed since then.
            models.Index(fields=["item", "updated_at"], name="update_item_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.period.label} · {self.agency.code}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class IndicatorValue(models.Model):
    """The actual value of an item's indicator reported in an update."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    number = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True, validators=[text_limit(SHORT_TEXT)])
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(number__isnull=False) & Q(text=""))
                | (Q(number__isnull=True) & ~Q(text="")),
                name="reporting_indicatorvalue_number_or_text",
                violation_error_message="An indicator value is either a number or a description.",
            ),
            models.UniqueConstraint(
                fields=["update", "indicator"],
                name="reporting_indicatorvalue_one_per_update",
                violation_error_message="An update reports each indicator once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    @property
    def value(self) -> str:
        """As a person reads it: 37 rather than 37.00, or the description given."""
        if self.number is None:
            return self.text
        return format(self.number.normalize(), "f")


class EvidenceFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceFileQuerySet:
        """Files of updates the user reads (ProgressUpdate.objects.visible_to), narrowed by the
        file's own level; anonymously only files marked public."""
        updates = ProgressUpdate.objects.visible_to(user).values("pk")
        if not getattr(user, "is_authenticated", False):
            return self.filter(update__in=updates, sensitivity=Sensitivity.PUBLIC)
        return self.filter(
            own_level_allows(user, "sensitivity", "update__item_id"), update__in=updates
        )


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    return f"evidence/{instance.update.period.label}/{instance.update_id}/{filename}"


class EvidenceFile(models.Model):
    """A document attached to an update as evidence of progress."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        upload_to=evidence_path, validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)]
    )
    original_name = models.CharField(max_length=255)
    # The type its bytes showed at upload (reporting.uploads.sniff), which the download is
    # served as; never the client's header. Older files: the type their extension names.
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Blank follows its update; the public pages show a file only when marked public here.
    sensitivity = models.CharField(
        _("sensitivity"), max_length=16, choices=OWN_SENSITIVITY, blank=True, default=""
    )
    # Evidence added and removed shows on the item's audit trail.
    history = HistoricalRecords()

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """A remark by a committee member or reviewer on an item or one of its updates."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="comments")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    text = models.TextField(validators=[text_limit(LONG_TEXT)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.item}"


class ReminderSent(models.Model):
    """A reminder step already sent for an agency's missing updates; each goes out once."""

    class Step(models.TextChoices):
        OFFICERS = "officers", _("Reminder to desk officers")
        REVIEWER = "reviewer", _("Escalation to the agency reviewer")
        SECRETARY = "secretary", _("Escalation to the committee secretary")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=16, choices=Step.choices)
    recipients = models.JSONField(default=list)
    missing_items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency", "step"],
                name="reporting_remindersent_once_per_step",
                violation_error_message="This reminder step was already sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.agency.code} · {self.step}"


class Notification(models.Model):
    """One e-mail the tracker sent (or tried to): the answer to "was I told?"."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Update submitted")
        RETURNED = "returned", _("Update returned")
        APPROVED = "approved", _("Update approved")
        DIGEST = "digest", _("Reminders and escalations")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The secretary's log lists the newest first; a person's own list filters by them.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email}"


def report_file_path(instance, filename: str) -> str:
    # Kept for migration 0004, which names it; the model now lives in committee.models.
    return f"reports/{instance.quarter}/{instance.scope}/v{instance.version}/{filename}"


class ImportRecord(models.Model):
    """One uploaded agency workbook: its preview, then what was applied and what refused, and
    why. Kept so the officer (and the secretary) can see what an upload did; mailed on finish."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        PREVIEW = "preview", _("Checked: waiting for your confirmation")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: nothing changed")
        FAILED = "failed", _("Failed: nothing changed")

    # The uploader's agency; `agencies` are every agency the upload's rows cover.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="imports")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="covering_imports")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="imports"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CHECKING)
    valid_only = models.BooleanField(
        default=False, help_text="Apply the valid rows and refuse the rest (else all or nothing)."
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # Per row: sheet, row, item, action, errors (each with sheet, row, column, message).
    preview = models.JSONField(default=list, blank=True)
    refusal = models.TextField(blank=True, help_text="Why the whole file was refused.")
    # {"applied": [row...], "refused": [row with reasons...]}
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.agency.code} import {self.original_name} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)
