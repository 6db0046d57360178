"""Filters for rendering a report's frozen snapshot (plain JSON) as a document."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    """mapping[key] in a template, or the key itself when it has no entry."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key


@register.filter
def share(value) -> str:
    """A percentage share as the report prints it: 12.5%."""
    return "–" if value is None else f"{value:g}%"


@register.filter
def change(value) -> str:
    """A change in percentage points with its sign: +2.5 pp, −1 pp, 0 pp."""
    if value is None:
        return "–"
    if value > 0:
        return f"+{value:g} pp"
    if value < 0:
        return f"−{-value:g} pp"
    return "0 pp"


@register.filter
def money(value) -> str:
    """An amount in rupees as the plan states it, grouped by thousands; blank when unknown."""
    if value is None:
        return "–"
    return f"{value:,.2f}".removesuffix(".00")


@register.filter
def joined(values) -> str:
    return ", ".join(values) if values else "–"


@register.filter(needs_autoescape=True)
def source_text(text, autoescape=True):
    """A policy's own words, which are English, marked as English only inside a page in another
    language (Urdu: right to left). In an English report the wrapper says nothing, yet WeasyPrint
    lays it out as one more box a line: 2,600 of them at ten times today's data, a third of the
    item annex's time."""
    if (translation.get_language() or "en").split("-")[0] != "en":
        return format_html('<span lang="en" dir="ltr">{}</span>', text)
    return conditional_escape(text) if autoescape else mark_safe(text)
