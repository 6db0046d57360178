"""The reporting cycle's pages: the secretary's periods and their actions, the record of
notifications, and evidence downloads. Parse, call reporting.periods, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from agencies.models import Agency
from core.errors import ConflictError
from reporting import periods, permissions, selectors, status
from reporting.evidence import evidence_for, evidence_response
from reporting.models import Notification, ReportingPeriod
from reporting.period_forms import ExtensionForm, PeriodActionForm

ACTIONS = {
    "close": (periods.period_close, gettext_lazy("closed for submissions")),
    "lock": (periods.period_lock, pgettext_lazy("period", "locked")),
    "reopen": (periods.period_reopen, gettext_lazy("reopened")),
}
NOTIFICATIONS_SHOWN = 200


def _require_manager(user) -> None:
    if not permissions.can_manage_periods(user):
        raise PermissionDenied(_("Only the committee secretary manages reporting periods."))


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@login_required
def period_list(request):
    _require_manager(request.user)
    return render(request, "reporting/period_list.html", {"rows": selectors.periods_overview()})


def _detail_context(period: ReportingPeriod, extension_form=None) -> dict:
    counts = status.period_counts(period)
    agencies = Agency.objects.bodies().filter(pk__in=counts).order_by("code")
    return {
        "period": period,
        "rows": [{"agency": agency, **counts[agency.pk]} for agency in agencies],
        "events": period.events.select_related("by", "agency"),
        "extensions": period.extensions.select_related("agency", "granted_by"),
        # One hidden field per action form: no ids, so none repeats on the page.
        "action_form": PeriodActionForm(initial={"expected_state": period.state}, auto_id=False),
        "extension_form": extension_form or ExtensionForm(period=period),
    }


@login_required
def period_detail(request, period_id: int):
    _require_manager(request.user)
    period = get_object_or_404(ReportingPeriod.objects.select_related("policy"), pk=period_id)
    return render(request, "reporting/period_detail.html", _detail_context(period))


@login_required
@require_POST
def period_action(request, period_id: int, action: str):
    _require_manager(request.user)
    period = get_object_or_404(ReportingPeriod.objects.select_related("policy"), pk=period_id)
    if action not in ACTIONS:
        messages.error(
            request, _("“%(action)s” is not something a period can do.") % {"action": action}
        )
        return redirect("reporting:period_detail", period_id=period.pk)
    form = PeriodActionForm(request.POST)
    form.is_valid()  # both fields are optional; the service judges them
    service, done = ACTIONS[action]
    try:
        service(
            period=period,
            user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, _("Not %(done)s: %(why)s") % {"done": done, "why": _refusal(error)})
    else:
        messages.success(request, _("%(period)s %(done)s.") % {"period": period, "done": done})
    return redirect("reporting:period_detail", period_id=period.pk)


@login_required
@require_POST
def period_extend(request, period_id: int):
    _require_manager(request.user)
    period = get_object_or_404(ReportingPeriod.objects.select_related("policy"), pk=period_id)
    form = ExtensionForm(request.POST, period=period)
    if form.is_valid():
        try:
            extension = periods.period_extend(
                period=period,
                user=request.user,
                agency=form.cleaned_data["agency"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, _("No extension given: %(why)s") % {"why": _refusal(error)})
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(agency)s may submit for %(period)s until %(until)s.")
                % {
                    "agency": extension.agency.code,
                    "period": period,
                    "until": date_format(extension.until, "j F Y"),
                },
            )
            return redirect("reporting:period_detail", period_id=period.pk)
    else:
        messages.error(request, _("No extension given: correct the fields marked below."))
    context = _detail_context(period, extension_form=form)
    return render(request, "reporting/period_detail.html", context, status=400)


@login_required
def notification_list(request):
    _require_manager(request.user)
    notices = Notification.objects.select_related("recipient", "update__item__policy")[
        :NOTIFICATIONS_SHOWN
    ]
    return render(
        request,
        "reporting/notification_list.html",
        {"notices": notices, "shown": NOTIFICATIONS_SHOWN},
    )


@login_required
def evidence_download(request, update_id: int, file_id: int):
    return evidence_response(evidence_for(request.user, update_id, file_id))
