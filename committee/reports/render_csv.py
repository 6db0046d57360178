"""The report's annex as CSV: one row per item, the same columns as the workbook's Annex sheet.

Sample data is marked on each row (the "Sample data" column) and in the file's name.
"""

from __future__ import annotations

import csv
import io

from committee.reports.render_xlsx import annex_header, annex_rows


def render_csv(snapshot: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(annex_header())  # in the active language (the report's)
    writer.writerows(annex_rows(snapshot))
    # A byte-order mark so spreadsheet programs read the Urdu and typographic text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
