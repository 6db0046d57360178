"""The owner's action items, as a section of reporting's /my/ page (see reporting.my_sections)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from committee.models import ActionItem


def my_actions_section(request: HttpRequest) -> str:
    """The user's agency's unfinished actions (one query); nothing for those without one."""
    user = request.user
    if not user.agency_id:
        return ""
    actions = list(
        ActionItem.objects.unfinished()
        .filter(owner_id=user.agency_id)
        .select_related("owner", "decision__agenda_item__meeting")
    )
    return render_to_string(
        "committee/includes/my_actions.html",
        {"actions": actions, "today": timezone.localdate()},
        request=request,
    )
