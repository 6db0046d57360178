"""The report's annex as CSV: one row per item, the same columns as the workbook's Annex sheet.

Sample data is marked on each row (the "Sample data" column) and in the file's name. Written by
core.tables (byte-order mark, formula-safe cells).
"""

from __future__ import annotations

import itertools

from committee.models import QuarterlyReport
from committee.reports.document import left_out_text
from committee.reports.render_xlsx import annex_header, annex_rows
from core import tables


def render_csv(report: QuarterlyReport, snapshot: dict) -> bytes:
    # The header is in the active language (the report's). The official edition's last line
    # says how many restricted items it leaves out (none of its rows is one).
    left_out = left_out_text(report, snapshot)
    note = [[left_out]] if left_out else []
    return tables.write_csv(annex_header(), itertools.chain(annex_rows(snapshot), note))
