"""A meeting's minutes as a PDF, with its agenda, decisions and actions (WeasyPrint)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from committee.models import Meeting
from committee.reports.render_pdf import STYLESHEET, URDU_FONTS


def render_minutes_pdf(meeting: Meeting) -> bytes:
    agenda = meeting.agenda.select_related("item__policy").prefetch_related(
        "decisions__actions__owner"
    )
    html = render_to_string(
        "committee/minutes_pdf.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "attendees": meeting.attendees.order_by("username"),
        },
    )
    base_url = f"{settings.BASE_DIR / 'static'}/"
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[CSS(string=URDU_FONTS), CSS(filename=finders.find(STYLESHEET))]
    )
