"""Compile the translation catalogues (.po -> .mo) without GNU gettext.

Django's compilemessages needs msgfmt, which a laptop or slim image may lack; polib writes the
same binary catalogue in pure Python. `make run`, `make test` and the test suite's start call
it, so a fresh checkout never serves Urdu from a stale or missing .mo.
"""

from __future__ import annotations

from pathlib import Path

import polib


def compile_catalogues(locale_dir: Path) -> list[Path]:
    """Write each .po's .mo when it is missing or older than its .po; return those written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written
