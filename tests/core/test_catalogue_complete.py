"""Every string the code and the templates mark for translation is in the Urdu catalogue (and
test_translations checks each entry there has its Urdu): a string marked but never added to
django.po would otherwise show in English on an Urdu page without any test noticing.

The marked strings are read as makemessages reads them: Python files by their gettext calls
(parsed with ast), templates through Django's own templatize, which turns {% translate %} and
{% blocktranslate %} into the gettext calls xgettext would see.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ["agencies", "interventions", "reporting", "committee", "core", "demo", "nisp_tracker"]
PO = ROOT / "locale" / "ur" / "LC_MESSAGES" / "django.po"

SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXTUAL = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
# What templatize writes for a translated string: gettext(u'...'), pgettext(u'ctx', u'...').
STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(\s*({STRING})(?:\s*,\s*({STRING}))?")


def python_msgids(source: str):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        strings = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            for arg in node.args
        ]
        if name in SINGULAR and strings and strings[0]:
            yield "", strings[0]
        elif name in CONTEXTUAL and len(strings) >= 2 and strings[0] and strings[1]:
            yield strings[0], strings[1]


def template_msgids(source: str, origin: str):
    for name, first, second in TEMPLATE_CALL.findall(templatize(source, origin=origin)):
        first = ast.literal_eval(first)
        if name.startswith(("pgettext", "npgettext")):
            yield first, ast.literal_eval(second)
        else:
            yield "", first


def marked() -> dict[tuple[str, str], str]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                for key in python_msgids(path.read_text()):
                    found.setdefault(key, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for key in template_msgids(path.read_text(), str(path)):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_the_reader_finds_the_marked_strings():
    found = marked()
    # A Python string, a {% translate %}, a {% blocktranslate %} with a variable, a context.
    assert ("", "NISP Tracker") in found
    assert found[("", "Internal-security policies")] == "templates/core/home.html"
    assert ("", 'to <span lang="en" dir="ltr">%(body)s</span>') in found
    assert any(context for context, _ in found)
    assert len(found) > 900


def test_every_marked_string_is_in_the_urdu_catalogue():
    catalogue = {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(str(PO))}
    missing = sorted(f"{where}: {msgid!r}" for (context, msgid), where in marked().items()
                     if (context, msgid) not in catalogue)  # fmt: skip
    assert missing == []
