"""The Urdu catalogue is complete: every msgid the code and templates mark has its Urdu."""

from __future__ import annotations

import re

import polib
from django.conf import settings

PO = settings.BASE_DIR / "locale" / "ur" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def test_every_urdu_msgid_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert len(catalogue) > 400
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy  # a fuzzy header would drop the plural rule


def test_every_translation_keeps_the_placeholders_of_its_english():
    broken = [
        entry.msgid
        for entry in polib.pofile(str(PO))
        if not entry.msgid_plural
        and sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert broken == []


def test_the_translations_are_in_urdu_script():
    urdu = re.compile(r"[\u0600-\u06FF]")
    latin_only = [
        entry.msgid
        for entry in polib.pofile(str(PO))
        if not entry.msgid_plural and not urdu.search(entry.msgstr)
    ]
    assert latin_only == []
