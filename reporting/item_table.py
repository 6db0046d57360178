"""The item list as a table: one spreadsheet row per item, for the CSV and XLSX downloads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from interventions.models import PlanItem

ITEM_TABLE_COLUMNS = ["policy", "ref", "text", "agencies", "status", "percent_complete", "term",
                      "source"]  # fmt: skip


def item_table_rows(items: Iterable[PlanItem]) -> Iterator[list]:
    """The item list as a spreadsheet row per item, for the CSV and XLSX downloads.

    Items come from `reporting.selectors.items_for_list` (current status, responsibilities).
    """
    for item in items:
        yield [
            item.policy.code,
            item.ref,
            item.text,
            "; ".join(r.agency.code for r in item.responsibilities.all()),
            item.current_status or "",
            "" if item.current_percent is None else item.current_percent,
            item.term,
            f"{item.source_file}:{item.source_lines}",
        ]
