"""Helpers for the tests that read the tracker in Urdu."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext

URDU_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def urdu(text: str, **values) -> str:
    """The catalogue's Urdu for an English msgid, filled in; fails if the catalogue lacks it
    (gettext would hand the English back)."""
    with translation.override("ur"):
        translated = gettext(text)
    assert translated != text, f"no Urdu for {text!r}"
    assert URDU_SCRIPT.search(translated), translated
    return translated % values if values else translated


def speaks(person, language: str):
    """Save the language a person reads the tracker in, as the language switcher does."""
    person.language = language
    person.save(update_fields=["language"])
    return person
