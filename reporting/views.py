"""Pages for desk officers, reviewers and the committee: parse the request, call a service
or a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from core.api.renderers import CSVRenderer, XLSXRenderer
from core.errors import ConflictError
from core.pagination import PageFirstPaginator
from interventions import services as plan_services
from interventions.forms import OwnerAssignForm
from interventions.models import PlanItem
from interventions.services import can_assign_owner, item_owner_assign
from reporting import my_sections, permissions, selectors, services, status
from reporting.evidence import evidence_for
from reporting.filters import ItemFilter, ReviewFilter
from reporting.forms import BulkApproveForm, CommentForm, ReviewForm, UpdateForm
from reporting.item_table import ITEM_TABLE_COLUMNS, item_table_rows, table_filename
from reporting.models import ProgressUpdate, ReportingPeriod


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
    except ConflictError as error:
        form.add_error(None, str(error))
        return None
    return update


def _add_rule_errors(form: UpdateForm, item, agency_id: int, period) -> None:
    """On an invalid form, the service's rules still run on what did parse, so every error
    shows at once (not one layer at a time)."""
    if period is None:
        return
    data, failed = form.parsed_data()
    form.add_error_dict(services.validation_errors(item, agency_id, period, data, failed))


@login_required
def my_items(request):
    user = request.user
    if not user.agency_id:
        items = PlanItem.objects.none()
    else:
        items = status.with_current_status(
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
    context = {
        "rows": rows,
        "agency": user.agency,
        "todo": selectors.todo_for(user),
        # Other apps' parts of the page (the committee's action items), see my_sections.
        "sections": my_sections.render_sections(request),
    }
    return render(request, "reporting/my_items.html", context)


@login_required
def update_create(request, item_id: int):
    item = get_object_or_404(
        PlanItem.objects.visible_to(request.user).select_related("policy"), pk=item_id
    )
    # The agency this person reports for on the item: their own, or a granted one.
    agency_id = permissions.reporting_agency_for(request.user, item)
    if not permissions.can_draft(request.user, item, agency_id):
        raise PermissionDenied(_("Only desk officers of a responsible agency report on this item."))
    periods = selectors.reportable_periods().filter(policy_id=item.policy_id)
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        item=item,
        periods=periods,
        last_approved=selectors.last_approved_values(item, agency_id, periods.last()),
    )
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
            messages.success(
                request,
                _("Draft saved for %(period)s. Submit it when ready.") % {"period": period.label},
            )
            return redirect("reporting:update_edit", update_id=update.pk)
    elif request.method == "POST":
        _add_rule_errors(form, item, agency_id, form.cleaned_data.get("period"))
    return render(request, "reporting/update_form.html", {"form": form, "item": item})


def _readonly(request, update: ProgressUpdate, status_code: int = 200):
    """A submitted or approved update (or another agency's): shown, never an editable form."""
    previous = status.last_approved_before(update.item, update.agency_id, update.period)
    context = {
        "update": update,
        "item": update.item,
        "indicators": selectors.indicator_rows(update, previous),
        "previous": previous,
    }
    return render(request, "reporting/update_readonly.html", context, status=status_code)


@login_required
def update_edit(request, update_id: int):
    update = get_object_or_404(selectors.update_for_review(request.user), pk=update_id)
    if not permissions.can_edit(request.user, update):
        if request.method == "POST":
            raise PermissionDenied(_("This update belongs to another agency."))
        return _readonly(request, update)
    if not update.is_editable:
        if request.method == "POST":
            messages.error(
                request,
                _("Not saved: this update is %(state)s and can no longer be edited here.")
                % {"state": update.get_state_display().lower()},
            )
            return _readonly(request, update, status_code=409)
        return _readonly(request, update)
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        item=update.item,
        initial=UpdateForm.initial_from(update),
        last_approved=selectors.last_approved_values(update, update.agency_id, update.period),
    )
    submitting = request.POST.get("action") == "submit"
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        if submitting:
            saved = _submit_form(request, form, update, version)
        else:
            saved = _save_update(
                request,
                form,
                lambda data: services.update_edit(
                    user=request.user, update=update, data=data, version=version
                ),
            )
        if saved and submitting:
            messages.success(request, _("Saved and submitted to your agency's reviewer."))
            return redirect("reporting:my_items")
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect("reporting:update_edit", update_id=saved.pk)
    elif request.method == "POST":
        _add_rule_errors(form, update.item, update.agency_id, update.period)
    return render(
        request,
        "reporting/update_form.html",
        {"form": form, "item": update.item, "update": update},
    )


def _submit_form(request, form: UpdateForm, update: ProgressUpdate, version: int):
    """ "Submit for review" with the form as it stands: saved, then submitted, or neither."""
    try:
        return services.update_save_and_submit(
            user=request.user,
            update=update,
            data=form.to_data(),
            version=version,
            upload=form.cleaned_data.get("evidence_file"),
        )
    except ValidationError as error:
        form.add_service_errors(error)
    except ConflictError as error:
        # Not a field to correct (a closed period, a newer version): said the way the
        # separate submit says it; the form keeps the edits.
        messages.error(request, _("Not submitted: %(reason)s") % {"reason": error})
    return None


@login_required
@require_POST
def update_submit(request, update_id: int):
    update = get_object_or_404(ProgressUpdate.objects.visible_to(request.user), pk=update_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.update_submit(user=request.user, update=update, version=version)
    except (ValidationError, ConflictError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Not submitted: %(reason)s") % {"reason": text})
        return redirect("reporting:update_edit", update_id=update.pk)
    messages.success(request, _("Submitted to your agency's reviewer."))
    return redirect("reporting:my_items")


@login_required
@require_POST
def evidence_remove(request, update_id: int, file_id: int):
    evidence = evidence_for(request.user, update_id, file_id)
    try:
        services.evidence_remove(user=request.user, evidence=evidence)
    except ConflictError as error:
        messages.error(request, _("Not removed: %(reason)s") % {"reason": error})
    else:
        messages.success(request, _("Removed %(file)s.") % {"file": evidence.original_name})
    return redirect("reporting:update_edit", update_id=evidence.update_id)


@login_required
def review_queue(request):
    queue = selectors.review_queue(request.user)
    filterset = ReviewFilter(request.GET or None, queryset=queue)
    updates = filterset.qs if filterset.is_valid() else queue
    form = BulkApproveForm(queue=queue)
    return render(
        request,
        "reporting/review_queue.html",
        {"updates": updates, "filter": filterset, "bulk": form},
    )


@login_required
@require_POST
def reviews_approve(request):
    """Approve the ticked updates with one comment: all of them, or none if one cannot be."""
    form = BulkApproveForm(request.POST, queue=selectors.review_queue(request.user))
    if not form.is_valid():
        text = "; ".join(m for messages_ in form.errors.values() for m in messages_)
        messages.error(request, _("Nothing approved: %(reason)s") % {"reason": text})
        return redirect("reporting:review_queue")
    try:
        approved = services.updates_approve(
            user=request.user,
            updates=list(form.cleaned_data["updates"]),
            versions=form.cleaned_data["versions"],
            comment=form.cleaned_data["comment"],
        )
    except (ValidationError, ConflictError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Nothing approved: %(reason)s") % {"reason": text})
        return redirect("reporting:review_queue")
    messages.success(request, _("Approved %(count)s updates.") % {"count": len(approved)})
    return redirect("reporting:review_queue")


@login_required
def update_review(request, update_id: int):
    """The review page: everything the officer sent, what changed since the agency's last
    approved update, and the decision."""
    update = get_object_or_404(selectors.update_for_review(request.user), pk=update_id)
    form = ReviewForm(request.POST or None, initial={"version": update.version})
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        review = services.update_approve if decision == "approve" else services.update_return
        try:
            review(
                user=request.user,
                update=update,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except ConflictError as error:
            form.add_error(None, str(error))
        else:
            done = _("Approved: %(item)s.") if decision == "approve" else _("Returned: %(item)s.")
            messages.success(request, done % {"item": update.item})
            return redirect("reporting:review_queue")
    previous = status.last_approved_before(update.item, update.agency_id, update.period)
    context = {
        "update": update,
        "item": update.item,
        "form": form,
        "previous": previous,
        "changes": selectors.changes_since_approved(update, previous),
        "indicators": selectors.indicator_rows(update, previous),
        "late": status.update_is_late(update),
        "can_approve": permissions.can_approve(request.user, update),
        "can_return": permissions.can_return(request.user, update),
        "can_set_sensitivity": plan_services.can_set_sensitivity(request.user),
        "sensitivity_choices": ProgressUpdate._meta.get_field("sensitivity").choices,
    }
    return render(request, "reporting/update_review.html", context)


@login_required
@require_POST
def comment_add(request, item_id: int):
    item = get_object_or_404(PlanItem.objects.visible_to(request.user), pk=item_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(user=request.user, item=item, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect("reporting:item_detail", item_id=item.pk)


@login_required
def compliance(request):
    """Per agency, for a period: items owed, and how many are not reported, submitted,
    returned, approved and late (the words of reporting.status)."""
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
        counts = status.period_counts(period)
        agencies = Agency.objects.bodies().filter(pk__in=counts).order_by("code")
        rows = [{"agency": agency, **counts[agency.pk]} for agency in agencies]
    return render(
        request,
        "reporting/compliance.html",
        {"rows": rows, "period": period, "periods": periods, "samples": samples},
    )


# --- the plan with its progress ------------------------------------------------------------

ITEM_PAGE_SIZE = 50


DOWNLOADS = {"csv": CSVRenderer, "xlsx": XLSXRenderer}


@login_required
def item_list(request):
    download = DOWNLOADS.get(request.GET.get("format", ""))
    items = selectors.items_for_table() if download else selectors.items_for_list()
    filterset = ItemFilter(request.GET or None, queryset=items.visible_to(request.user))
    valid = filterset.is_valid()
    if download and valid:
        return _items_download(download(), filterset)
    # A bad filter on a download shows the form's errors and no items (400), never a silent
    # download of every item; the page itself lists everything beside the errors, as before.
    items = filterset.qs if valid else filterset.queryset
    if download:
        items = items.none()
    # Plain rows, not instances: a page costs the same two statements at any size.
    rows = selectors.item_list_values(items)
    page = PageFirstPaginator(rows, ITEM_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.item_list_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "reporting/item_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=400 if download else 200,
    )


def _items_download(renderer, filterset: ItemFilter) -> HttpResponse:
    table = {"columns": ITEM_TABLE_COLUMNS, "rows": item_table_rows(filterset.qs)}
    charset = f"; charset={renderer.charset}" if renderer.charset else ""
    content_type = renderer.media_type + charset
    response = HttpResponse(renderer.render(table), content_type=content_type)
    filename = table_filename(filterset.form.cleaned_data, renderer.format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def item_detail(request, item_id: int):
    return _item_page(request, item_id)


def _item_page(request, item_id: int, owner_form: OwnerAssignForm | None = None, status=200):
    item = get_object_or_404(selectors.item_for_page(request.user), pk=item_id)
    context = {
        "item": item,
        "can_draft": permissions.can_draft(request.user, item),
        "can_comment": permissions.can_comment(request.user),
        "comment_form": CommentForm(),
        "can_assign_owner": can_assign_owner(request.user),
        "owner_form": owner_form or OwnerAssignForm(),
        "audit": selectors.audit_trail(item, request.user),
        "plan": selectors.item_plan_section(item),
        "can_propose": plan_services.can_propose(request.user, item),
        "can_set_sensitivity": plan_services.can_set_sensitivity(request.user),
    }
    return render(request, "reporting/item_detail.html", context, status=status)


@login_required
@require_POST
def owner_assign(request, item_id: int):
    """The secretary records an owner the source does not name; errors re-show the page."""
    item = get_object_or_404(PlanItem.objects.visible_to(request.user), pk=item_id)
    if not can_assign_owner(request.user):
        raise PermissionDenied(_("Only the committee secretary can assign an owner."))
    form = OwnerAssignForm(request.POST)
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            assignment = item_owner_assign(
                user=request.user,
                item=item,
                agency=agency,
                role=form.cleaned_data["role"],
                authority=form.cleaned_data["authority"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(agency)s recorded as %(role)s on the authority of: %(authority)s")
                % {
                    "agency": agency.code,
                    "role": assignment.get_role_display().lower(),
                    "authority": assignment.authority,
                },
            )
            return redirect("reporting:item_detail", item_id=item.pk)
    return _item_page(request, item.pk, owner_form=form, status=400)


@login_required
def crosswalk(request):
    readable = PlanItem.objects.visible_to(request.user)
    return render(
        request, "reporting/crosswalk.html", {"rows": selectors.nap_crosswalk(items=readable)}
    )


@login_required
@require_POST
def record_sensitivity(request, update_id: int, file_id: int | None = None):
    """The secretary narrows who reads one update (or one of its evidence files), with why."""
    update = get_object_or_404(ProgressUpdate.objects.visible_to(request.user), pk=update_id)
    record = evidence_for(request.user, update_id, file_id) if file_id else update
    try:
        services.record_sensitivity_set(
            user=request.user,
            record=record,
            sensitivity=request.POST.get("sensitivity", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(
            request, _("Not changed: %(reason)s") % {"reason": "; ".join(error.messages)}
        )
    else:
        messages.success(request, _("Who may read it was changed, with its reason."))
    return redirect("reporting:update_review", update_id=update.pk)
