"""The report's annex as CSV: one row per item, the same columns as the workbook's Annex sheet.

Sample data is marked on each row (the "Sample data" column) and in the file's name. Written by
core.tables (byte-order mark, formula-safe cells).
"""

from __future__ import annotations

from committee.reports.render_xlsx import annex_header, annex_rows
from core import tables


def render_csv(snapshot: dict) -> bytes:
    # The header is in the active language (the report's).
    return tables.write_csv(annex_header(), annex_rows(snapshot))
