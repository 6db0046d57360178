"""Reading the copied source texts and matching fixture wording against them.

Pure Python (no Django) so the fixture checker script and the tests share it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

SOURCES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "sources"

# The PDF extraction keeps typographic ligatures and loses the "ti" glyph pair.
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufffd": "ti",
}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@cache
def source_lines(file_name: str) -> tuple[str, ...]:
    """The lines of a copied source text, 1-based access via ``lines[n - 1]``."""
    path = SOURCES_DIR / file_name
    return tuple(path.read_text(encoding="utf-8").splitlines())


def line_count(file_name: str) -> int:
    return len(source_lines(file_name))


def excerpt(file_name: str, first: int, last: int) -> str:
    lines = source_lines(file_name)
    return "\n".join(lines[first - 1 : last])


def comparable(text: str) -> str:
    """Reduce text to lower-case letters and digits, ligatures expanded.

    Hyphenation, line breaks, punctuation and quotes differ between the PDF extraction
    and a cleaned fixture; the words and their order must not.
    """
    text = unicodedata.normalize("NFKC", text.translate(_LIGATURE_TABLE)).lower()
    return _NOT_ALNUM.sub("", text)


def occurs_in(text: str, file_name: str, ranges: list[tuple[int, int]]) -> bool:
    """Whether ``text`` appears in the concatenation of the given line ranges."""
    haystack = "".join(comparable(excerpt(file_name, a, b)) for a, b in ranges)
    return comparable(text) in haystack
