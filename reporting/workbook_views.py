"""The agency workbook pages under /my/workbook/: download, upload, preview, confirm, progress.

They parse the request and call reporting.workbook (the file) and reporting.imports (the
services); an officer sees only their own agency's imports (others get 404).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.api.renderers import XLSXRenderer
from core.errors import ConflictError
from reporting import imports, permissions, workbook
from reporting.models import ImportRecord
from reporting.workbook_import import SKIPPED, action_label


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Apply the valid rows and refuse the others (otherwise: all or nothing)"
        ),
    )


_periods = imports.periods_for
_records = imports.records_visible_to


ALL = "all"


def chosen_agencies(user, choice: str) -> list:
    """The agencies a download is for: `choice` is an agency code the person reports for, or
    "all" (every one of them); empty: their own (a reviewer's: the first they report for).
    An agency they do not report for is a 404, as if it were not there."""
    agencies = permissions.agencies_reported_for(user)
    if choice == ALL:
        return agencies
    if not choice:
        return agencies[:1]
    chosen = [a for a in agencies if a.code == choice]
    if not chosen:
        raise Http404(_("You do not report for %(agency)s.") % {"agency": choice})
    return chosen


def workbook_response(user, period_id, choice: str) -> HttpResponse:
    """The workbook download, web page and API alike."""
    if not imports.can_import(user):
        raise PermissionDenied(_("Only an agency's desk officers download its workbook."))
    agencies = chosen_agencies(user, choice)
    period = get_object_or_404(_periods(user, [a.pk for a in agencies]), pk=period_id)
    content = workbook.build(agencies=agencies, period=period)
    response = HttpResponse(content, content_type=XLSXRenderer.media_type)
    filename = workbook.filename(agencies, period)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page_context(user, form, *, can_import: bool) -> dict:
    """The workbook page: the agencies to choose from (when more than one), the periods, the
    upload form and the person's latest uploads."""
    agencies = permissions.agencies_reported_for(user)
    return {
        "agencies": agencies if len(agencies) > 1 else [],
        "periods": _periods(user),
        "form": form,
        "records": _records(user)[:10],
        "can_import": can_import,
    }


@login_required
def workbook_page(request):
    context = _page_context(request.user, UploadForm(), can_import=imports.can_import(request.user))
    return render(request, "reporting/workbook.html", context)


@login_required
def workbook_download(request, period_id: int):
    return workbook_response(request.user, period_id, request.GET.get("agency", ""))


@login_required
def workbook_upload(request):
    if not imports.can_import(request.user):
        raise PermissionDenied(_("Only an agency's desk officers upload its workbook."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = imports.import_create(user=request.user, upload=form.cleaned_data["file"])
        return redirect("reporting:import_detail", record_id=record.pk)
    context = _page_context(request.user, form, can_import=True)
    return render(request, "reporting/workbook.html", context, status=400 if form.errors else 200)


def _detail_context(record: ImportRecord) -> dict:
    done, total = imports.progress_of(record)
    # The recorded actions are the API's words; the page says them in the reader's language.
    rows = [{**r, "action_label": action_label(r["action"])} for r in record.preview or []]
    return {
        "record": record,
        "done": done,
        "total": total,
        "rows": rows,
        "writes": [r for r in rows if r["action"] not in SKIPPED],
        "error_count": sum(len(r["errors"]) for r in rows),
        "errors": [e for r in rows for e in r["errors"]],
        "confirm_form": ConfirmForm(),
    }


@login_required
def import_detail(request, record_id: int):
    record = get_object_or_404(_records(request.user), pk=record_id)
    return render(request, "reporting/import_detail.html", _detail_context(record))


@login_required
def import_progress(request, record_id: int):
    record = get_object_or_404(_records(request.user), pk=record_id)
    context = {**_detail_context(record), "polled": True}
    return render(request, "reporting/includes/import_progress.html", context)


@login_required
@require_POST
def import_confirm(request, record_id: int):
    record = get_object_or_404(_records(request.user), pk=record_id)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        record = imports.import_confirm(
            user=request.user, record=record, valid_only=form.cleaned_data.get("valid_only", False)
        )
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        if record.state == ImportRecord.State.APPLIED:
            applied = len(record.result.get("applied", []))
            messages.success(request, _("Applied %(count)s row(s).") % {"count": applied})
        elif record.state == ImportRecord.State.REFUSED:
            messages.error(
                request, _("Nothing was applied: %(reason)s") % {"reason": record.refusal}
            )
    return redirect("reporting:import_detail", record_id=record.pk)
