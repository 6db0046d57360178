from django import template

from committee.labels import reason_text

register = template.Library()


@register.filter(name="reason_text")
def reason_text_filter(reason):
    """A reason an item needs attention, worded in the reader's language."""
    return reason_text(reason)
