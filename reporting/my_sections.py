"""Sections other apps add to a person's /my/ page, without reporting importing them.

An app higher up (the committee, with its action items) registers a function in its
AppConfig.ready(); /my/ renders whatever the registered functions return, in order.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

# Each takes the request and returns rendered HTML, or "" when it has nothing to show.
SECTIONS: list[Callable[[HttpRequest], str]] = []


def register(section: Callable[[HttpRequest], str]) -> None:
    if section not in SECTIONS:
        SECTIONS.append(section)


def render_sections(request: HttpRequest) -> list[str]:
    return [html for html in (section(request) for section in SECTIONS) if html]
