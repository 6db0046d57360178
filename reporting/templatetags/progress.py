from django import template
from django.utils.translation import gettext

from reporting.models import ProgressUpdate

register = template.Library()


@register.filter
def status_label(status: str | None) -> str:
    """The readable label of a status code ('on_track' -> 'On track')."""
    if not status:
        return gettext("No approved update")
    try:
        return ProgressUpdate.Status(status).label
    except ValueError:
        return status


@register.filter
def confidence_label(confidence: str | None) -> str:
    """The readable label of a rating ('amber_red' -> 'Amber/red')."""
    try:
        return ProgressUpdate.Confidence(confidence).label
    except ValueError:
        return confidence or ""
