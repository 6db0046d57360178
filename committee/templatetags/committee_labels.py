from django import template

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
