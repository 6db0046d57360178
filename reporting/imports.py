"""Spreadsheet imports: an uploaded agency workbook is checked into a preview, then, once the
officer confirms, applied through reporting.services in one transaction.

Nothing here re-spells a rule: the rows go through the services' batch (updates_apply), which
checks each row as update_create, update_edit and update_submit do (their permissions,
validate_update, the optimistic lock) and writes the accepted rows together. By default it is all
or nothing: one refused row and the whole transaction rolls back. With `valid_only` the refused
rows are left out (a refused row writes nothing) and the rest apply.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import User
from core.data_version import data_version_deferred
from core.errors import ConflictError
from core.tasks import enqueue
from reporting import permissions, services
from reporting.models import ImportRecord, ReportingPeriod
from reporting.notifications import site_link
from reporting.selectors import reportable_periods
from reporting.workbook_import import EDIT, NEW, Plan, RowPlan, WorkbookRefused, read, row_count

State = ImportRecord.State
Progress = Callable[[int, int], None]
# Rows applied per call of the services' batch: a few queries each, progress between them.
APPLY_CHUNK = 250


def progress_key(record_id: int) -> str:
    return f"reporting:import-progress:{record_id}"


def progress_of(record: ImportRecord) -> tuple[int, int]:
    """Rows done and in all, while a job runs (the page polls it)."""
    if record.is_running:
        return cache.get(progress_key(record.pk)) or (record.processed_rows, record.total_rows)
    return record.processed_rows, record.total_rows


def records_visible_to(user: User):
    """The one read-scope for imports: the user's agency's own and the ones they uploaded
    (for agencies they report for); others get 404."""
    if not getattr(user, "agency_id", None):
        return ImportRecord.objects.none()
    return ImportRecord.objects.filter(
        Q(agency_id=user.agency_id) | Q(uploaded_by_id=user.pk)
    ).select_related("period__policy", "agency", "uploaded_by")


def periods_for(user: User, agency_ids=None):
    """The periods whose workbook the person may download: reportable now, with items of an
    agency they report for (of `agency_ids` when given)."""
    if not getattr(user, "agency_id", None):
        return ReportingPeriod.objects.none()
    if agency_ids is None:
        agency_ids = permissions.agencies_user_reports_for(user)
    return (
        reportable_periods()
        .filter(policy__items__responsibilities__agency_id__in=agency_ids)
        .select_related("policy")
        .distinct()
        .order_by("policy__position", "-start")
    )


# Who uploads and downloads workbooks is the permissions module's rule.
can_import = permissions.can_import


def _plan(record: ImportRecord, *, validate: bool = True) -> Plan:
    with record.file.open("rb") as file:
        return read(file, size=record.size, agency=record.agency, user=record.uploaded_by,
                    validate=validate)  # fmt: skip


def uploaders_language(record: ImportRecord) -> AbstractContextManager:
    """The preview's errors, the refusal and the result are stored in the words of the person
    who uploaded: their saved language, else the request's (a job has none: the default)."""
    language = record.uploaded_by.language or translation.get_language() or settings.LANGUAGE_CODE
    return translation.override(language)


def _refuse(record: ImportRecord, reason: str) -> ImportRecord:
    record.state, record.refusal, record.finished_at = State.REFUSED, reason, timezone.now()
    record.save(update_fields=["state", "refusal", "finished_at"])
    return record


def _progress(record: ImportRecord) -> Progress:
    def report(done: int, total: int) -> None:
        # In the cache, not the row: the apply's transaction would hide it until the end.
        cache.set(progress_key(record.pk), (done, total), timeout=3600)

    return report


def import_create(*, user: User, upload: UploadedFile) -> ImportRecord:
    """Keep the upload and check it: inline for a small file, as a job for a large one. A
    file refused as a whole is recorded as refused with the reason; nothing else changes."""
    if not can_import(user):
        raise PermissionDenied(_("Only an agency's desk officers upload its workbook."))
    record = ImportRecord(
        agency=user.agency,
        uploaded_by=user,
        original_name=(upload.name or "upload")[:255],
        size=upload.size,
        created_at=timezone.now(),
    )
    if upload.size > settings.IMPORT_MAX_BYTES:
        # Not even stored: a record of the refusal is enough.
        record.file.name = ""
        record.save()
        limit = settings.IMPORT_MAX_BYTES / 1024 / 1024
        return _refuse(
            record,
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{limit:.0f}"},
        )
    record.file.save(f"{user.agency.code}-{record.created_at:%Y%m%d%H%M%S}.xlsx", upload)
    if row_count(upload) >= settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: enqueue("reporting.check_import", record.pk))
        return record
    return import_check(record=record)


def import_check(*, record: ImportRecord) -> ImportRecord:
    """Read the stored file into its preview (the rows and their errors). Writes only the
    record."""
    with uploaders_language(record):
        return _check(record)


def _check(record: ImportRecord) -> ImportRecord:
    try:
        plan = _plan(record)
    except WorkbookRefused as refusal:
        return _refuse(record, str(refusal))
    record.period = plan.period
    record.agencies.set(plan.agencies)
    record.preview = [row.as_dict() for row in plan.rows]
    record.total_rows = len(plan.rows)
    record.processed_rows = len(plan.rows)
    record.state = State.PREVIEW
    record.save()
    return record


def import_confirm(*, user: User, record: ImportRecord, valid_only: bool) -> ImportRecord:
    """The officer confirmed the preview: apply inline, or queue the job for a large file."""
    if record.uploaded_by_id != user.pk:
        raise PermissionDenied(_("Only the officer who uploaded the workbook confirms it."))
    updated = ImportRecord.objects.filter(pk=record.pk, state=State.PREVIEW).update(
        state=State.APPLYING, valid_only=valid_only, processed_rows=0
    )
    if not updated:
        raise ConflictError(_("This upload was already confirmed or refused."))
    record.refresh_from_db()
    if record.total_rows >= settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: enqueue("reporting.apply_import", record.pk))
        return record
    return import_apply(record=record)


def _change(row: RowPlan) -> services.RowChange:
    """A row of the plan as the services' batch takes it (an unchanged row only submits)."""
    return services.RowChange(
        item=row.item,
        agency=row.agency,
        data=row.data if row.action in (NEW, EDIT) else None,
        update=row.update if row.action != NEW else None,
        version=row.version,
        submit=row.submit,
        previous=row.previous,
    )


def _reasons(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def import_apply(*, record: ImportRecord, progress: Progress | None = None) -> ImportRecord:
    """Apply a confirmed import in one transaction; record what applied and what was refused
    (with the reasons) and mail the officer the result."""
    with uploaders_language(record):
        _apply(record, progress)
    _mail(record)
    return record


def _apply(record: ImportRecord, progress: Progress | None) -> None:
    user = record.uploaded_by
    progress = progress or _progress(record)
    try:
        # The services validate each row as they apply it: no need to run the rules twice.
        plan = _plan(record, validate=False)
    except WorkbookRefused as refusal:
        _refuse(record, str(refusal))
        return
    applied: list[dict] = []
    refused: list[dict] = []
    rows = [row for row in plan.rows if row.writes or row.errors]
    reason = f"Workbook upload {record.original_name} (import {record.pk})"
    # One data version bump for the upload, not one per row; inside the transaction.
    with transaction.atomic(), data_version_deferred():
        for row in (row for row in rows if row.errors):
            shown = row.as_dict()
            refused.append({**shown, "reasons": [e["message"] for e in shown["errors"]]})
        valid = [row for row in rows if not row.errors]
        # In chunks, through the services' batch (the form's rules, a few queries a chunk):
        # the page shows progress between them. A refused row writes nothing; the others
        # apply, and all or nothing rolls them back below.
        for start in range(0, len(valid), APPLY_CHUNK):
            chunk = valid[start : start + APPLY_CHUNK]
            results = services.updates_apply(
                user=user, period=plan.period, changes=[_change(row) for row in chunk],
                reason=reason,
            )  # fmt: skip
            for row, result in zip(chunk, results, strict=True):
                if isinstance(result, services.REFUSALS):
                    refused.append({**row.as_dict(), "reasons": _reasons(result)})
                else:
                    applied.append(row.as_dict())
            progress(len(refused) + len(applied), len(rows))
        refused.sort(key=lambda shown: shown["row"])
        if refused and not record.valid_only:
            # All or nothing: the rows that did apply roll back with the transaction.
            transaction.set_rollback(True)
            applied = []
    record.result = {"applied": applied, "refused": refused}
    record.state = State.APPLIED if applied or not refused else State.REFUSED
    if record.state == State.REFUSED:
        record.refusal = _(
            "%(count)s row(s) refused, so nothing was applied (all or nothing). Fix them, or "
            "choose “apply the valid rows”."
        ) % {"count": len(refused)}
    record.processed_rows, record.total_rows = len(rows), len(rows)
    record.finished_at = timezone.now()
    record.save()


def import_fail(*, record_id: int, reason: str) -> None:
    """A job that could not finish: the record says so (its transaction rolled back)."""
    ImportRecord.objects.filter(pk=record_id).update(
        state=State.FAILED, refusal=reason, finished_at=timezone.now()
    )


def _mail(record: ImportRecord) -> None:
    """The result, in the uploader's saved language (as every notice is worded)."""
    person = record.uploaded_by
    if not person.email:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject, body = _result_mail(record)
    send_mail(subject, body, None, [person.email])


def _result_mail(record: ImportRecord) -> tuple[str, str]:
    result = record.result or {}
    state = record.get_state_display()
    about = {"file": record.original_name, "agencies": _codes(record), "state": state}
    lines = [
        _("Your upload %(file)s (%(agencies)s, %(period)s): %(state)s.")
        % {**about, "period": record.period.label}
        if record.period
        else _("Your upload %(file)s (%(agencies)s): %(state)s.") % about,
        _("Applied: %(applied)s row(s). Refused: %(refused)s row(s).")
        % {"applied": len(result.get("applied", [])), "refused": len(result.get("refused", []))},
    ]
    if record.refusal:
        lines.append(record.refusal)
    for row in result.get("refused", [])[:50]:
        lines.append(
            _("- %(sheet)s row %(row)s (%(ref)s): %(reasons)s")
            % {
                "sheet": row["sheet"],
                "row": row["row"],
                "ref": row["ref"],
                "reasons": "; ".join(row["reasons"]),
            }
        )
    lines.append(_("Details: %(link)s") % {"link": site_link("reporting:import_detail", record.pk)})
    return _("Workbook upload %(state)s") % {"state": state.lower()}, "\n".join(lines)


def _codes(record: ImportRecord) -> str:
    """The agencies an upload covers, as the mail names them (the uploader's if none)."""
    codes = [agency.code for agency in record.agencies.all()]
    return ", ".join(codes) if codes else record.agency.code
