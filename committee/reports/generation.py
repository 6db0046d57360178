"""Building a quarterly report: freeze the figures, render every format, tell the committee.

Run by the `committee.generate_quarterly_report` task (and in-process by `generate_report`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies import geography
from agencies.models import User
from committee import labels
from committee.figures import committee_figures
from committee.models import QuarterlyReport
from committee.reports.render_csv import render_csv
from committee.reports.render_pdf import render_pdf
from committee.reports.render_xlsx import render_xlsx
from core.collector import fewer_collections
from core.quarters import Quarter
from interventions.models import Policy

log = logging.getLogger(__name__)
State = QuarterlyReport.State


# --- generation ----------------------------------------------------------------------------


def _start(report_id: int) -> QuarterlyReport | None:
    """Mark the report running, or None when it is already done (a redelivered task)."""
    with transaction.atomic():
        report = QuarterlyReport.objects.select_for_update().get(pk=report_id)
        if report.state == State.DONE:
            return None
        report.state = State.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.error = ""
        report.save(update_fields=["state", "started_at", "attempts", "error"])
    return report


def _freeze(report: QuarterlyReport) -> dict:
    """The report's figures, taken once: a rerun after a failure renders the same snapshot."""
    if report.snapshot is None:
        figures = committee_figures(
            quarter=Quarter.parse(report.quarter),
            policy=_policy_of(report),
            **report.place,
            visibility=report.visibility,
        )
        # The edition too: an official edition's figures never held a restricted item.
        report.snapshot = {**labels.frozen(figures), "edition": report.edition}
        report.contains_sample = bool(figures["contains_sample"])
        report.save(update_fields=["snapshot", "contains_sample"])
        # Render from what the database holds (JSON, its objects' keys unordered), exactly as
        # the web view will read it back years later.
        report.refresh_from_db(fields=["snapshot"])
    return report.snapshot


def _stage(report_id: int, stage: str) -> None:
    """Say what the generation is doing now; the report page polls it. Written outside any
    transaction (and not into the history) so readers see it at once."""
    QuarterlyReport.objects.filter(pk=report_id).update(stage=stage)


def _policy_of(report: QuarterlyReport) -> Policy | None:
    if report.scope == QuarterlyReport.ALL:
        return None
    try:
        return Policy.objects.get(code=report.scope)
    except Policy.DoesNotExist as error:
        raise Policy.DoesNotExist(f"The policy {report.scope} no longer exists.") from error


def file_stem(report: QuarterlyReport) -> str:
    sample = "-SAMPLE" if report.contains_sample else ""
    place = "".join(f"-{part}" for part in (report.level, report.province) if part)
    return (
        f"nisp-report-{report.scope}{place}-{report.quarter}-{report.edition}"
        f"-v{report.version}{sample}"
    )


def _fail(report_id: int, error: Exception) -> None:
    message = str(error) or type(error).__name__
    try:
        QuarterlyReport.objects.filter(pk=report_id).exclude(state=State.DONE).update(
            state=State.FAILED, error=f"{type(error).__name__}: {message}"[:2000]
        )
    except DatabaseError:
        # The database itself is the failure; the retried task records the outcome.
        log.exception("Could not record the failure of report %s", report_id)


def report_generate(report_id: int) -> QuarterlyReport:
    """Build a report: freeze the figures, render every format, store the files, mark it done.

    Idempotent: a done report is left as it is; a queued, running (its worker died) or failed
    one is built again. On error the report is marked failed with the message, and the error
    re-raised so the task can retry transient failures.
    """
    report = _start(report_id)
    if report is None:
        return QuarterlyReport.objects.get(pk=report_id)
    try:
        _stage(report_id, "figures")
        snapshot = _freeze(report)
        stem = file_stem(report)
        # Every file in the report's own language; the snapshot holds no words to translate.
        with translation.override(report.language), fewer_collections():
            _stage(report_id, "pdf")
            pdf = render_pdf(report, snapshot)
            _stage(report_id, "xlsx")
            xlsx = render_xlsx(report, snapshot)
            _stage(report_id, "csv")
            csv_file = render_csv(report, snapshot)
        files = {
            "pdf": ContentFile(pdf, name=f"{stem}.pdf"),
            "xlsx": ContentFile(xlsx, name=f"{stem}.xlsx"),
            "csv": ContentFile(csv_file, name=f"{stem}-annex.csv"),
        }
        with transaction.atomic():
            # The snapshot is already written: neither read nor write it again.
            current = (
                QuarterlyReport.objects.without_snapshot().select_for_update().get(pk=report_id)
            )
            if current.state == State.DONE:
                # Another delivery of the task finished first.
                return current
            for field, content in files.items():
                getattr(current, field).save(content.name, content, save=False)
            current.state = State.DONE
            current.finished_at = timezone.now()
            current.error = ""
            current.stage = ""
            current.save(update_fields=[*files, "state", "finished_at", "error", "stage"])
            current.snapshot = snapshot
            transaction.on_commit(lambda: report_notify(current))
        return current
    except Exception as error:
        _fail(report_id, error)
        raise


def report_url(report: QuarterlyReport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("committee:report_detail", args=[report.pk])


def committee_recipients() -> list[tuple[str, str]]:
    """(e-mail, language) of each active committee member and secretary."""
    return list(
        User.objects.filter(
            is_active=True,
            role__in=[User.Role.COMMITTEE_MEMBER, User.Role.COMMITTEE_SECRETARY],
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", "language")
    )


def committee_emails() -> list[str]:
    return [email for email, _language in committee_recipients()]


def _notice(report: QuarterlyReport) -> tuple[str, str]:
    """The report-ready message in the active language."""
    scope = report.snapshot["scope"]["title"] if report.snapshot else None
    scope = scope or (_("All policies") if report.scope == "ALL" else report.scope)
    place = geography.place_title(**report.place)
    scope = f"{scope} · {place}" if place else scope
    if report.is_official_edition:
        scope = f"{scope} · {report.get_edition_display()}"
    names = {"quarter": report.quarter, "scope": report.scope}
    subject = _("Quarterly progress report %(quarter)s (%(scope)s) is ready") % names
    sample = (
        "\n"
        + _("This report contains SAMPLE (demo) data and is not a record of real progress.")
        + "\n"
        if report.contains_sample
        else ""
    )
    ready = _(
        "The Advisory Committee's progress report for %(quarter)s, %(scope)s, "
        "version %(version)s, is ready."
    ) % {"quarter": report.quarter, "scope": scope, "version": report.version}
    read = _("Read it and download the PDF, workbook and annex at:")
    return subject, f"{ready}\n{sample}\n{read}\n{report_url(report)}\n"


def report_notify(report: QuarterlyReport) -> int:
    """E-mail each committee member the link to a finished report, in their own language."""
    messages = []
    for email, language in committee_recipients():
        with translation.override(language or settings.LANGUAGE_CODE):
            subject, body = _notice(report)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    try:
        return send_mass_mail(messages, fail_silently=False)
    except OSError:
        # The report is done and shown on the site; a mail outage must not fail it.
        log.exception("Could not e-mail the committee about report %s", report.pk)
        return 0
