"""Pages for desk officers, reviewers and the committee: parse the request, call a service
or a selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.models import Agency
from interventions.models import PlanItem, Policy
from interventions.selectors import nap_crosswalk
from reporting import dashboard as committee_dashboard
from reporting import permissions, selectors, services
from reporting.figures import committee_figures
from reporting.forms import CommentForm, ReviewForm, UpdateForm
from reporting.models import ProgressUpdate, ReportingPeriod
from reporting.quarters import Quarter


def _save_update(request, form: UpdateForm, save):
    """Run a service for a valid form; attach evidence in the same transaction."""
    try:
        with transaction.atomic():
            update = save(form.to_data())
            upload = form.cleaned_data.get("evidence_file")
            if upload:
                services.evidence_add(user=request.user, update=update, upload=upload)
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    except services.ConflictError as error:
        form.add_error(None, str(error))
        return None
    return update


@login_required
def my_items(request):
    user = request.user
    if not user.agency_id:
        items = PlanItem.objects.none()
    else:
        items = selectors.with_current_status(
            PlanItem.objects.for_agency(user.agency).select_related("policy", "theme")
        )
    periods = selectors.latest_reportable_period_by_policy()
    updates = {
        (u.item_id, u.period_id): u
        for u in ProgressUpdate.objects.filter(
            agency_id=user.agency_id, period__in=periods.values()
        )
    }
    rows = []
    for item in items:
        period = periods.get(item.policy_id)
        rows.append(
            {
                "item": item,
                "period": period,
                "update": updates.get((item.pk, period.pk)) if period else None,
            }
        )
    return render(request, "reporting/my_items.html", {"rows": rows, "agency": user.agency})


@login_required
def update_create(request, item_id: int):
    item = get_object_or_404(PlanItem.objects.select_related("policy"), pk=item_id)
    if not permissions.can_draft(request.user, item):
        raise PermissionDenied("Only desk officers of a responsible agency report on this item.")
    periods = selectors.reportable_periods().filter(policy_id=item.policy_id)
    form = UpdateForm(request.POST or None, request.FILES or None, item=item, periods=periods)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        update = _save_update(
            request,
            form,
            lambda data: services.update_create(
                user=request.user, item=item, period=period, data=data
            ),
        )
        if update:
            messages.success(request, f"Draft saved for {period.label}. Submit it when ready.")
            return redirect("reporting:update_edit", update_id=update.pk)
    return render(request, "reporting/update_form.html", {"form": form, "item": item})


@login_required
def update_edit(request, update_id: int):
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("item__policy", "period", "agency"), pk=update_id
    )
    if not permissions.can_edit(request.user, update):
        visible = permissions.updates_visible_to(request.user).filter(pk=update.pk).exists()
        if request.method == "GET" and visible:
            return redirect("interventions:item_detail", item_id=update.item_id)
        raise PermissionDenied("This update belongs to another agency.")
    initial = UpdateForm.initial_from(update)
    form = UpdateForm(
        request.POST or None, request.FILES or None, item=update.item, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        saved = _save_update(
            request,
            form,
            lambda data: services.update_edit(
                user=request.user, update=update, data=data, version=version
            ),
        )
        if saved:
            messages.success(request, "Changes saved.")
            return redirect("reporting:update_edit", update_id=saved.pk)
    return render(
        request,
        "reporting/update_form.html",
        {"form": form, "item": update.item, "update": update},
    )


@login_required
@require_POST
def update_submit(request, update_id: int):
    update = get_object_or_404(ProgressUpdate, pk=update_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.update_submit(user=request.user, update=update, version=version)
    except (ValidationError, services.ConflictError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Not submitted: {text}")
        return redirect("reporting:update_edit", update_id=update.pk)
    messages.success(request, "Submitted to your agency's reviewer.")
    return redirect("reporting:my_items")


@login_required
def review_queue(request):
    updates = selectors.review_queue(request.user)
    return render(request, "reporting/review_queue.html", {"updates": updates})


@login_required
@require_POST
def update_review(request, update_id: int):
    update = get_object_or_404(ProgressUpdate.objects.select_related("item"), pk=update_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or return.")
        return redirect("reporting:review_queue")
    decision = form.cleaned_data["decision"]
    review = services.update_approve if decision == "approve" else services.update_return
    try:
        review(
            user=request.user,
            update=update,
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except (ValidationError, services.ConflictError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Not reviewed: {text}")
        return redirect("reporting:review_queue")
    verb = "Approved" if decision == "approve" else "Returned"
    messages.success(request, f"{verb}: {update.item}.")
    return redirect("reporting:review_queue")


@login_required
@require_POST
def comment_add(request, item_id: int):
    item = get_object_or_404(PlanItem, pk=item_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(user=request.user, item=item, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment.")
    return redirect("interventions:item_detail", item_id=item.pk)


@login_required
def compliance(request):
    """Per agency, for a period: items owned, updates submitted, approved, late, missing."""
    periods = ReportingPeriod.objects.select_related("policy").order_by(
        "policy__position", "-start"
    )
    chosen = request.GET.get("period", "")
    # By default the first policy's (NISP 2018's) period now open for reporting.
    current = (
        selectors.reportable_periods()
        .select_related("policy")
        .order_by("policy__position", "-start")
    )
    period = (
        (periods.filter(pk=chosen).first() if chosen.isdigit() else None)
        or current.first()
        or periods.first()
    )
    rows = []
    samples = 0
    if period:
        # The counts include sample updates: say so, so nobody reads them as real compliance.
        samples = ProgressUpdate.objects.filter(period=period, is_sample=True).count()
        # Two grouped reads: joining every agency's updates of all periods to its owned items
        # multiplied the rows before COUNT(DISTINCT) could undo it.
        counts = {
            row["agency_id"]: row
            for row in ProgressUpdate.objects.filter(period=period)
            .exclude(state=ProgressUpdate.State.DRAFT)
            .values("agency_id")
            .annotate(
                submitted=Count("pk"),
                approved=Count("pk", filter=Q(state=ProgressUpdate.State.APPROVED)),
                late=Count("pk", filter=Q(submitted_at__date__gt=period.deadline)),
            )
        }
        agencies = (
            Agency.objects.bodies()
            .filter(responsibilities__item__policy=period.policy)
            .annotate(owned=Count("responsibilities__item", distinct=True))
            .order_by("code")
        )
        for agency in agencies:
            count = counts.get(agency.pk, {})
            for name in ("submitted", "approved", "late"):
                setattr(agency, name, count.get(name, 0))
            rows.append({"agency": agency, "missing": max(agency.owned - agency.submitted, 0)})
    return render(
        request,
        "reporting/compliance.html",
        {"rows": rows, "period": period, "periods": periods, "samples": samples},
    )


SCORECARD_ROWS = 100


@login_required
def dashboard(request):
    """The Advisory Committee's view of a quarter: every figure from committee_figures."""
    today = timezone.localdate()
    policies = list(Policy.objects.order_by("position", "code"))
    choice = committee_dashboard.choose(request.GET, policies, today)
    context = {
        "choice": choice,
        "policies": policies,
        "quarters": committee_dashboard.quarter_options(policies, today),
        "all_policies": committee_dashboard.ALL_POLICIES,
    }
    if choice.errors:
        return render(request, "reporting/dashboard.html", context, status=400)
    figures = committee_figures(quarter=choice.quarter, policy=choice.policy, today=today)
    links = committee_dashboard.Links(choice.policy)
    rows, columns, sort = committee_dashboard.scorecard(
        figures["by_agency"], request.GET.get("sort", committee_dashboard.DEFAULT_SORT), links
    )
    # The real plan has some 90 agencies; a synthetic one at scale thousands: show the first
    # ones in the chosen order unless all are asked for.
    shown = len(rows) if request.GET.get("agencies") == "all" else SCORECARD_ROWS
    context.update(
        {
            "figures": figures,
            "as_of": datetime.date.fromisoformat(figures["as_of"]),
            "is_current": choice.quarter == Quarter.of(today),
            "today_year": today.year,
            "scorecard": rows[:shown],
            "scorecard_hidden": len(rows) > shown,
            "scorecard_columns": columns,
            "sort": sort,
            "links": links,
            "policy_links": links.by_policy(figures),
            "pillar_links": links.by_pillar(),
            "agency_links": links.by_agency(figures),
            "crosswalk": nap_crosswalk(as_of=choice.quarter.end),
        }
    )
    return render(request, "reporting/dashboard.html", context)
