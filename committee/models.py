"""The Advisory Committee's papers: the quarterly progress report and its frozen figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


def report_file_path(instance: QuarterlyReport, filename: str) -> str:
    return f"reports/{instance.quarter}/{instance.scope}/v{instance.version}/{filename}"


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
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Scope of a report covering every policy; otherwise the scope is a policy code.
    ALL = "ALL"

    quarter = models.CharField(max_length=6, help_text="Calendar quarter, e.g. 2025Q3.")
    scope = models.CharField(max_length=32, help_text="A policy code, or ALL.")
    version = models.PositiveIntegerField()
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
                fields=["quarter", "scope", "version"],
                name="reporting_quarterlyreport_unique_version",
                violation_error_message="This version of the report already exists.",
            ),
            models.UniqueConstraint(
                fields=["quarter", "scope"],
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
        ]
        indexes = [
            # The report list shows the latest requests first.
            models.Index(fields=["-requested_at"], name="report_requested_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.quarter} v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.signed_off_at is not None
