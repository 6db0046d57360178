"""The committee's meetings, decisions and action items: parse, call committee.services, render.

Meetings are the committee's papers: others get a 404. Action items are read per agency
(ActionItem.objects.visible_to), so an owner reaches its own and nothing else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committee import meeting_forms as forms
from committee import permissions, services
from committee.models import ActionItem, AgendaItem, Meeting
from committee.reports.minutes_pdf import render_minutes_pdf


def _errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(error.messages)


def _meetings(user):
    if not permissions.can_read_meetings(user):
        raise Http404(_("No such meeting."))
    return Meeting.objects.select_related("created_by")


def _actions(user):
    return ActionItem.objects.visible_to(user).select_related(
        "owner", "closed_by", "decision__agenda_item__meeting"
    )


@login_required
def meeting_list(request):
    meetings = _meetings(request.user)
    manager = permissions.can_manage_meetings(request.user)
    form = forms.MeetingForm(request.POST or None) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied(_("Only the committee secretary arranges meetings."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    user=request.user,
                    title=data["title"],
                    kind=data["kind"],
                    date=data["date"],
                    quarter=data["quarter"].strip(),
                    attendees=list(data["attendees"]),
                    guests=data["guests"],
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, _("Meeting arranged; its agenda is drafted below."))
                return redirect("committee:meeting_detail", meeting_id=meeting.pk)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "committee/meeting_list.html",
        {"meetings": meetings.order_by("-date", "-pk")[:200], "form": form},
        status=status,
    )


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
    manager = permissions.can_manage_meetings(request.user)
    agenda = list(
        meeting.agenda.select_related("item__policy", "action__owner").prefetch_related(
            "decisions__actions__owner", "decisions__items__policy"
        )
    )
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "attendees": list(meeting.attendees.order_by("username")),
        "comments": list(meeting.comments.select_related("author")),
        "manager": manager,
        "can_comment": permissions.can_comment_on_meetings(request.user),
        "today": timezone.localdate(),
    }
    if manager:
        context.update(
            minutes_form=forms.MinutesForm(
                initial={
                    "minutes": meeting.minutes,
                    "guests": meeting.guests,
                    "attendees": context["attendees"],
                }
            ),
            point_form=forms.AgendaPointForm(),
            decision_form=forms.DecisionForm(),
        )
        # One owner list for every point's decision form (each with its own ids), read once.
        context["owner_choices"] = [
            (str(value), label) for value, label in context["decision_form"].fields["owner"].choices
        ]
    if context["can_comment"]:
        context["comment_form"] = forms.CommentForm()
    return render(request, "committee/meeting_detail.html", context)


def _meeting_for_write(request, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied(_("Only the committee secretary changes a meeting."))
    return meeting


def _back(meeting: Meeting, anchor: str = ""):
    response = redirect("committee:meeting_detail", meeting_id=meeting.pk)
    response["Location"] += anchor
    return response


@login_required
@require_POST
def meeting_minutes(request, meeting_id: int):
    meeting = _meeting_for_write(request, meeting_id)
    form = forms.MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The minutes could not be saved: check the attendees."))
        return _back(meeting)
    services.meeting_update(
        user=request.user,
        meeting=meeting,
        minutes=form.cleaned_data["minutes"],
        attendees=list(form.cleaned_data["attendees"]),
        guests=form.cleaned_data["guests"],
    )
    messages.success(request, _("Minutes and attendance saved."))
    return _back(meeting, "#minutes")


@login_required
@require_POST
def agenda_add(request, meeting_id: int):
    meeting = _meeting_for_write(request, meeting_id)
    form = forms.AgendaPointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the agenda point is."))
        return _back(meeting)
    services.agenda_item_add(
        user=request.user,
        meeting=meeting,
        title=form.cleaned_data["title"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Point added to the agenda."))
    return _back(meeting, "#agenda")


def _point_for_write(request, point_id: int) -> AgendaItem:
    point = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=point_id)
    _meeting_for_write(request, point.meeting_id)
    return point


@login_required
@require_POST
def agenda_move(request, point_id: int, direction: str):
    point = _point_for_write(request, point_id)
    try:
        services.agenda_item_move(
            user=request.user, point=point, offset=-1 if direction == "up" else 1
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    return _back(point.meeting, "#agenda")


@login_required
@require_POST
def agenda_drop(request, point_id: int):
    point = _point_for_write(request, point_id)
    try:
        services.agenda_item_drop(user=request.user, point=point)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request, _("Dropped from the agenda: %(title)s") % {"title": point.title[:80]}
        )
    return _back(point.meeting, "#agenda")


@login_required
@require_POST
def decision_add(request, point_id: int):
    point = _point_for_write(request, point_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        errors = [m for field in form.errors.values() for m in field]
        messages.error(request, _("The decision was not recorded:") + " " + " ".join(errors))
        return _back(point.meeting, f"#point-{point.pk}")
    data = form.cleaned_data
    try:
        services.decision_record_with_action(
            user=request.user,
            point=point,
            text=data["text"],
            action=data["action"],
            owner=data["owner"],
            due_date=data["due_date"],
        )
    except ValidationError as error:
        messages.error(request, _("The decision was not recorded:") + " " + _errors(error))
    else:
        messages.success(request, _("Decision recorded."))
    return _back(point.meeting, f"#point-{point.pk}")


@login_required
@require_POST
def meeting_comment(request, meeting_id: int):
    meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
        return _back(meeting)
    services.meeting_comment_add(user=request.user, meeting=meeting, text=form.cleaned_data["text"])
    messages.success(request, _("Comment added."))
    return _back(meeting, "#comments")


@login_required
def meeting_minutes_pdf(request, meeting_id: int):
    meeting = get_object_or_404(_meetings(request.user), pk=meeting_id)
    response = HttpResponse(render_minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{meeting.date:%Y-%m-%d}-{meeting.pk}.pdf"'
    )
    return response


# --- action items ---------------------------------------------------------------------------


@login_required
def action_list(request):
    form = forms.ActionFilterForm(request.GET or None)
    actions = _actions(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["owner"]:
            actions = actions.filter(owner=data["owner"])
        if data["status"]:
            actions = actions.filter(status=data["status"])
        if data["overdue"]:
            actions = actions.overdue(timezone.localdate())
    status = 400 if form.errors else 200
    return render(
        request,
        "committee/action_list.html",
        {"actions": actions[:500], "form": form, "today": timezone.localdate(), "mine": False},
        status=status,
    )


@login_required
def my_actions(request):
    """The owner's list: its agency's action items, unfinished first."""
    actions = ActionItem.objects.none()
    if request.user.agency_id:
        actions = _actions(request.user).filter(owner_id=request.user.agency_id)
    return render(
        request,
        "committee/action_list.html",
        {"actions": actions, "form": None, "today": timezone.localdate(), "mine": True},
    )


@login_required
def action_detail(request, action_id: int):
    action = get_object_or_404(_actions(request.user), pk=action_id)
    user = request.user
    can_update = permissions.can_update_action(user, action) and not action.is_closed
    manager = permissions.can_manage_meetings(user)
    form = None
    if can_update:
        form = forms.ActionUpdateForm(
            request.POST or None,
            initial={"status": action.status, "evidence": action.evidence},
        )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the owner agency's people update this action."))
        if form.is_valid():
            try:
                services.action_item_update(
                    user=user,
                    action=action,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(
                    request,
                    _("Action marked %(status)s.")
                    % {"status": action.get_status_display().lower()},
                )
                return redirect("committee:action_detail", action_id=action.pk)
        status = 400
    history = action.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "committee/action_detail.html",
        {
            "action": action,
            "form": form,
            "manager": manager,
            "drop_form": forms.ActionDropForm() if manager else None,
            "history": history,
            "today": timezone.localdate(),
            "meeting_readable": permissions.can_read_meetings(user),
        },
        status=status,
    )


@login_required
@require_POST
def action_close(request, action_id: int):
    action = get_object_or_404(_actions(request.user), pk=action_id)
    try:
        services.action_item_close(user=request.user, action=action)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Action closed."))
    return redirect("committee:action_detail", action_id=action.pk)


@login_required
@require_POST
def action_drop(request, action_id: int):
    action = get_object_or_404(_actions(request.user), pk=action_id)
    form = forms.ActionDropForm(request.POST)
    try:
        services.action_item_drop(
            user=request.user,
            action=action,
            reason=form.data.get("drop_reason", ""),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Action dropped."))
    return redirect("committee:action_detail", action_id=action.pk)
