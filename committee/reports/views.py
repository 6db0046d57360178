"""The committee's report pages: parse the request, call a service, render the snapshot."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committee import permissions
from committee.models import QuarterlyReport
from committee.reports import services
from committee.reports.document import document_context
from committee.reports.files import report_file_response
from committee.reports.forms import ReportRequestForm
from core.errors import ConflictError


def _require_viewer(user) -> None:
    if not permissions.can_view_reports(user):
        raise PermissionDenied(_("Quarterly reports are for the Advisory Committee."))


def _reports():
    return QuarterlyReport.objects.without_snapshot().select_related(
        "requested_by", "signed_off_by"
    )


@login_required
def report_list(request):
    _require_viewer(request.user)
    manager = permissions.can_manage_reports(request.user)
    form = ReportRequestForm(request.POST or None) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied(_("Only the committee secretary requests quarterly reports."))
        if form.is_valid():
            try:
                report = services.report_request(
                    user=request.user,
                    quarter=form.cleaned_data["quarter"],
                    policy=form.cleaned_data["scope"],
                    language=form.cleaned_data["language"] or settings.LANGUAGE_CODE,
                    level=form.cleaned_data["level"],
                    province=form.cleaned_data["province"],
                    edition=form.cleaned_data["edition"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except ConflictError as error:
                form.add_error(None, str(error))
            else:
                if report.state == report.State.FAILED:
                    messages.error(
                        request,
                        _("%(report)s could not be queued: %(error)s")
                        % {"report": report, "error": report.error},
                    )
                else:
                    messages.success(
                        request,
                        _("%(report)s queued; this page follows its progress.")
                        % {"report": report},
                    )
                return redirect("committee:report_detail", report_id=report.pk)
    reports = list(_reports().order_by("-requested_at", "-pk")[:200])
    rows = [{"report": r, "can_rerun": manager and services.can_rerun(r)} for r in reports]
    return render(
        request, "committee/report_list.html", {"rows": rows, "form": form, "manager": manager}
    )


STAGES = [
    ("figures", gettext_lazy("Figures")),
    ("pdf", "PDF"),
    ("xlsx", gettext_lazy("Workbook (XLSX)")),
    ("csv", "CSV"),
]


def _progress_context(request, report: QuarterlyReport) -> dict:
    manager = permissions.can_manage_reports(request.user)
    codes = [code for code, _name in STAGES]
    done = codes[: codes.index(report.stage)] if report.stage in codes else []
    return {
        "report": report,
        "manager": manager,
        "can_rerun": manager and services.can_rerun(report),
        "stages": STAGES,
        "done_stages": done,
    }


@login_required
def report_detail(request, report_id: int):
    _require_viewer(request.user)
    report = get_object_or_404(
        QuarterlyReport.objects.select_related("requested_by", "signed_off_by"), pk=report_id
    )
    context = _progress_context(request, report)
    can_sign_off = (
        context["manager"] and report.state == QuarterlyReport.State.DONE and not report.is_final
    )
    context.update(
        can_sign_off=can_sign_off,
        sign_off_locks=list(services.periods_sign_off_locks(report)) if can_sign_off else [],
        versions=_reports().filter(quarter=report.quarter, scope=report.scope, **report.series),
    )
    if report.state == QuarterlyReport.State.DONE:
        context.update(document_context(report, report.snapshot))
    return render(request, "committee/report_detail.html", context)


@login_required
def report_progress(request, report_id: int):
    """The progress block alone, polled by the report page while the report is generated."""
    _require_viewer(request.user)
    report = get_object_or_404(_reports(), pk=report_id)
    context = {**_progress_context(request, report), "polled": True}
    return render(request, "committee/includes/report_progress.html", context)


@login_required
def report_download(request, report_id: int, fmt: str):
    _require_viewer(request.user)
    report = get_object_or_404(_reports(), pk=report_id)
    return report_file_response(report, fmt)


def _act(request, report_id: int, service, done: str):
    report = get_object_or_404(_reports(), pk=report_id)
    try:
        service(user=request.user, report=report)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("committee:report_detail", report_id=report.pk)


@login_required
@require_POST
def report_sign_off(request, report_id: int):
    if not permissions.can_manage_reports(request.user):
        raise PermissionDenied(_("Only the committee secretary records the committee's sign-off."))
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _("Not signed off: tick the box to confirm the committee signed off this version."),
        )
        return redirect("committee:report_detail", report_id=report_id)
    return _act(
        request,
        report_id,
        services.report_sign_off,
        _("Sign-off recorded; this version is final and its quarter's periods are locked."),
    )


@login_required
@require_POST
def report_rerun(request, report_id: int):
    return _act(request, report_id, services.report_rerun, _("Queued to run again."))
