"""Pages of the plan: the home page, the policy overview, and changes to its baselines.

Pages that show the plan with its progress (the item list, an item's page, the crosswalk) are
reporting's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import ConflictError
from interventions import baselines, services
from interventions.forms import (
    BulkDueDateForm,
    ChangeRequestForm,
    DecisionForm,
    GrantForm,
    SensitivityForm,
)
from interventions.models import ChangeRequest, ItemGrant, PlanItem, Policy
from interventions.selectors import policies_with_counts


@login_required
def home(request):
    return render(request, "core/home.html", {"policies": policies_with_counts()})


@login_required
def policy_detail(request, code: str):
    policy = get_object_or_404(Policy.objects.select_related("issuing_body"), code=code)
    themes = policy.themes.select_related("parent").order_by("position")
    return render(
        request,
        "interventions/policy_detail.html",
        {"policy": policy, "themes": themes, "committees": policy.committees.all()},
    )


# --- changes to the plan's baselines ---------------------------------------------------------


def _run(form, call):
    """Call a service for a valid form; show its ValidationError on the form, its
    ConflictError as a form error. Returns the result, or None when it failed."""
    try:
        return call()
    except ValidationError as error:
        form.add_service_errors(error)
    except ConflictError as error:
        form.add_error(None, str(error))
    return None


@login_required
def change_request_create(request, item_id: int):
    item = get_object_or_404(
        PlanItem.objects.visible_to(request.user).select_related("policy"), pk=item_id
    )
    if not services.can_propose(request.user, item):
        raise PermissionDenied(
            _(
                "Only a reviewer of a responsible agency or the committee secretary proposes "
                "changes."
            )
        )
    form = ChangeRequestForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        proposed = _run(
            form,
            lambda: services.change_request_propose(
                user=request.user,
                item=item,
                indicator=form.indicator(),
                values=form.values(),
                reason=form.cleaned_data["reason"],
                authority=form.cleaned_data["authority"],
            ),
        )
        if proposed:
            messages.success(request, _("Change proposed; the committee secretary decides on it."))
            return redirect("reporting:item_detail", item_id=item.pk)
    return render(request, "interventions/change_request_form.html", {"form": form, "item": item})


def _require_secretary(user) -> None:
    if not services.can_decide(user):
        raise PermissionDenied(_("Only the committee secretary decides on changes to the plan."))


@login_required
def change_request_queue(request):
    _require_secretary(request.user)
    return render(
        request,
        "interventions/change_request_queue.html",
        {"requests": baselines.pending_requests(), "form": DecisionForm()},
    )


@login_required
@require_POST
def change_request_decide(request, request_id: int):
    _require_secretary(request.user)
    change = get_object_or_404(ChangeRequest, pk=request_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "approve":
            call = lambda: services.change_request_approve(  # noqa: E731
                user=request.user, request=change, authority=data["authority"], note=data["note"]
            )
        else:
            call = lambda: services.change_request_reject(  # noqa: E731
                user=request.user, request=change, note=data["note"]
            )
        if _run(form, call):
            done = (
                _("Request %(id)s approved.")
                if data["decision"] == "approve"
                else _("Request %(id)s rejected.")
            )
            messages.success(request, done % {"id": change.pk})
            return redirect("interventions:change_request_queue")
    for error in form.errors.values():
        messages.error(
            request, _("Request %(id)s: %(why)s") % {"id": change.pk, "why": " ".join(error)}
        )
    return redirect("interventions:change_request_queue")


@login_required
def due_dates_bulk(request):
    _require_secretary(request.user)
    form = BulkDueDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        revisions = _run(
            form,
            lambda: services.due_dates_set_in_bulk(
                user=request.user,
                items=data["items"],
                due_date=data["due_date"],
                reason=data["reason"],
                authority=data["authority"],
            ),
        )
        if revisions:
            messages.success(
                request,
                ngettext(
                    "Due date set for %(count)s item.",
                    "Due date set for %(count)s items.",
                    len(revisions),
                )
                % {"count": len(revisions)},
            )
            return redirect("interventions:change_request_queue")
    return render(request, "interventions/due_dates_bulk.html", {"form": form})


# --- who may read an item: sensitivity and grants (the secretary) ---------------------------


def _require_sensitivity_setter(user) -> None:
    if not services.can_set_sensitivity(user):
        raise PermissionDenied(_("Only the committee secretary sets who may read an item."))


@login_required
def item_sensitivity(request, item_id: int):
    """The item's sensitivity, its history with reasons, and its grants; the secretary
    changes them here."""
    item = get_object_or_404(
        PlanItem.objects.visible_to(request.user).select_related("policy"), pk=item_id
    )
    _require_sensitivity_setter(request.user)
    form = SensitivityForm(
        request.POST if request.POST.get("form") == "sensitivity" else None,
        initial={"sensitivity": item.sensitivity},
    )
    grant_form = GrantForm(request.POST if request.POST.get("form") == "grant" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: services.item_sensitivity_set(
                user=request.user,
                items=[item],
                sensitivity=data["sensitivity"],
                reason=data["reason"],
            ),
        )
        if done:
            messages.success(request, _("Who may read this item was changed, with its reason."))
            return redirect("interventions:item_sensitivity", item_id=item.pk)
    if request.method == "POST" and grant_form.is_bound and grant_form.is_valid():
        data = grant_form.cleaned_data
        done = _run(
            grant_form,
            lambda: services.item_grant_add(
                user=request.user, item=item, reader=data["username"], reason=data["reason"]
            ),
        )
        if done:
            messages.success(request, _("Access granted."))
            return redirect("interventions:item_sensitivity", item_id=item.pk)
    history = [
        record
        for record in item.history.select_related("history_user").order_by("-history_date")
        if (record.history_change_reason or "").startswith("Sensitivity set to")
    ]
    context = {
        "item": item,
        "form": form,
        "grant_form": grant_form,
        "grants": item.grants.select_related("user", "granted_by"),
        "history": history,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "interventions/item_sensitivity.html", context, status=status)


@login_required
@require_POST
def grant_revoke(request, item_id: int, grant_id: int):
    item = get_object_or_404(PlanItem.objects.visible_to(request.user), pk=item_id)
    _require_sensitivity_setter(request.user)
    grant = get_object_or_404(ItemGrant, item=item, pk=grant_id)
    reason = request.POST.get("reason", "")
    try:
        services.item_grant_revoke(user=request.user, grant=grant, reason=reason)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Access revoked."))
    return redirect("interventions:item_sensitivity", item_id=item.pk)


@login_required
def policy_sensitivity(request, code: str):
    """The secretary sets one level for every item of a policy at once (e.g. publishes a
    policy's items, the policy being a public document), with one reason."""
    _require_sensitivity_setter(request.user)
    policy = get_object_or_404(Policy, code=code)
    form = SensitivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = _run(
            form,
            lambda: services.item_sensitivity_set(
                user=request.user,
                items=list(policy.items.filter(is_synthetic=False)),
                sensitivity=data["sensitivity"],
                reason=data["reason"],
            ),
        )
        if changed:
            messages.success(
                request,
                _("%(count)s items of %(policy)s changed.")
                % {"count": len(changed), "policy": policy.code},
            )
            return redirect("interventions:policy_detail", code=policy.code)
    counts = {
        row["sensitivity"]: row["n"]
        for row in policy.items.values("sensitivity").annotate(n=Count("pk"))
    }
    return render(
        request,
        "interventions/policy_sensitivity.html",
        {"policy": policy, "form": form, "counts": counts},
        status=400 if request.method == "POST" else 200,
    )
