"""Pages of the plan: the home page, the policy overview, and changes to its baselines.

Pages that show the plan with its progress (the item list, an item's page, the crosswalk) are
reporting's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import ConflictError
from interventions import baselines, services
from interventions.forms import BulkDueDateForm, ChangeRequestForm, DecisionForm
from interventions.models import ChangeRequest, PlanItem, Policy
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
            "Only a reviewer of a responsible agency or the committee secretary proposes changes."
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
            messages.success(request, "Change proposed; the committee secretary decides on it.")
            return redirect("reporting:item_detail", item_id=item.pk)
    return render(request, "interventions/change_request_form.html", {"form": form, "item": item})


def _require_secretary(user) -> None:
    if not services.can_decide(user):
        raise PermissionDenied("Only the committee secretary decides on changes to the plan.")


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
            messages.success(request, f"Request {change.pk} {data['decision']}d.")
            return redirect("interventions:change_request_queue")
    for error in form.errors.values():
        messages.error(request, f"Request {change.pk}: {' '.join(error)}")
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
            messages.success(request, f"Due date set for {len(revisions)} items.")
            return redirect("interventions:change_request_queue")
    return render(request, "interventions/due_dates_bulk.html", {"form": form})
