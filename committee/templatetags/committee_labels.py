from django import template
from django.utils.html import format_html

from committee.labels import reason_text, severity_label

register = template.Library()


@register.filter(name="reason_text")
def reason_text_filter(reason):
    """A reason an item needs attention, worded in the reader's language."""
    return reason_text(reason)


@register.filter(name="severity_text")
def severity_text_filter(severity):
    """An exception's severity (high, medium, low) in the reader's language."""
    return severity_label(severity)


@register.filter(name="ltr")
def left_to_right(value):
    """A value read left to right whatever the page's direction (an ISO date, "2026-12-31",
    would otherwise show as 31-12-2026 inside Urdu)."""
    return format_html('<bdi dir="ltr">{}</bdi>', value)
