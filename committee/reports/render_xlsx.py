"""The report as an XLSX workbook: one sheet per section, each a filterable table.

Written in openpyxl's write-only (streaming) mode so a large annex never sits in memory as cells,
through core.tables (formula-safe cells, styled frozen headers, filters, widths).
Numbers are written as numbers, shares as numbers of percent, so the committee can sort and sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from committee.models import QuarterlyReport
from core import tables
from reporting.models import ProgressUpdate

BOLD = Font(bold=True)
SAMPLE_FONT = Font(bold=True, color="6B3FA0")
SAMPLE_FILL = PatternFill("solid", fgColor="ECE1F7")
CONFIDENCE = dict(ProgressUpdate.Confidence.choices)


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: Callable[[dict], Iterable[list]]


def _labels(snapshot: dict) -> dict[str, str]:
    return {status["key"]: status["label"] for status in snapshot["statuses"]}


def _group_sheet(title: str, key: str, column: str) -> Sheet:
    def rows(snapshot: dict) -> Iterable[list]:
        statuses = list(_labels(snapshot))
        for group in snapshot[key]:
            yield [
                group["key"], group["name"], group["items"],
                *(group["by_status"][status] for status in statuses),
                group["good"], group["good_share"], group["previous_good_share"],
                group["change"], group["reported"], group["overdue"],
            ]  # fmt: skip

    header = [
        column, "Name", "Items", *STATUS_PLACEHOLDER, "On track or completed",
        "On track or completed %", "Previous quarter %", "Change (pp)", "Reported", "Overdue",
    ]  # fmt: skip
    return Sheet(title, header, rows)


# Replaced by the snapshot's own status labels when the sheet is written.
STATUS_PLACEHOLDER = ["<statuses>"]


def _expand_header(header: list[str], snapshot: dict) -> list[str]:
    if STATUS_PLACEHOLDER[0] not in header:
        return header
    at = header.index(STATUS_PLACEHOLDER[0])
    return [*header[:at], *_labels(snapshot).values(), *header[at + 1 :]]


def _summary_rows(snapshot: dict) -> Iterable[list]:
    totals = snapshot["totals"]
    labels = _labels(snapshot)
    items = totals["items"]
    for key, label in labels.items():
        count = totals["by_status"][key]
        yield [label, count, round(100 * count / items, 1) if items else 0.0]
    yield ["Total", items, 100.0 if items else 0.0]


def _attention_rows(snapshot: dict) -> Iterable[list]:
    labels = _labels(snapshot)
    for entry in snapshot["attention"]:
        yield [
            entry["policy"], entry["ref"], "; ".join(entry["reasons"]),
            labels.get(entry["status"], entry["status"]),
            CONFIDENCE.get(entry["confidence"], entry["confidence"]),
            ", ".join(entry["agencies"]), entry["reported_by"], entry["explanation"],
            entry["challenges"], entry["next_steps"], entry["last_approved"], entry["text"],
        ]  # fmt: skip


def _ref_rows(key: str) -> Callable[[dict], Iterable[list]]:
    def rows(snapshot: dict) -> Iterable[list]:
        for item in snapshot[key]:
            yield [item["policy"], item["ref"], item["text"]]

    return rows


def _agency_rows(snapshot: dict) -> Iterable[list]:
    for agency in snapshot["by_agency"]:
        yield [
            agency["code"], agency["name"], agency["owned"], agency["reported"],
            agency["reported_share"], agency["good"], agency["good_share"],
            agency["previous_good_share"], agency["overdue"],
        ]  # fmt: skip


def _change_rows(snapshot: dict) -> Iterable[list]:
    labels = _labels(snapshot)
    for change in snapshot["changes"]["items"]:
        yield [change["policy"], change["ref"], labels[change["from"]], labels[change["to"]]]


def _priority_rows(snapshot: dict) -> Iterable[list]:
    for priority in snapshot["priorities"]:
        yield [
            priority["policy"], priority["rank"], priority["prong"], priority["text"],
            ", ".join(priority["refs"]), priority["items"], priority["good"],
            priority["good_share"], priority["overdue"],
        ]  # fmt: skip


def _indicator_rows(snapshot: dict) -> Iterable[list]:
    for indicator in snapshot["indicators"]:
        yield [
            indicator["policy"], indicator["ref"], indicator["description"], indicator["unit"],
            indicator["baseline"], indicator["target"], indicator["actual"],
            indicator["as_of"], indicator["share_of_target"],
        ]  # fmt: skip


def _budget_rows(snapshot: dict) -> Iterable[list]:
    budget = snapshot["budget"]
    for row in [*budget["by_policy"], {"key": "Total", "name": "", **budget}]:
        yield [
            row["key"], row["name"], row["allocated"], row["released"], row["spent"],
            row["items_with_amount"],
        ]  # fmt: skip


def _text_rows(key: str) -> Callable[[dict], Iterable[list]]:
    def rows(snapshot: dict) -> Iterable[list]:
        for entry in snapshot[key]["items"]:
            yield [entry["policy"], entry["ref"], entry["agency"], entry["text"]]

    return rows


def _trend_rows(snapshot: dict) -> Iterable[list]:
    statuses = list(_labels(snapshot))
    for point in snapshot["trend"]:
        yield [
            point["quarter"], *(point["by_status"][status] for status in statuses),
            point["good_share"],
        ]  # fmt: skip


def annex_header() -> list[str]:
    return [
        "Policy", "Ref", "Text", "Pillar", "Term", "Timeline", "Lead", "Agencies", "Status",
        "Previous status", "Percent complete", "Confidence", "Last approved", "Last period",
        "Reported this quarter", "Overdue", "Budget kind", "Budget allocated",
        "Budget released", "Budget spent", "Sample data", "Synthetic item",
    ]  # fmt: skip


def annex_rows(snapshot: dict) -> Iterable[list]:
    labels = _labels(snapshot)
    for row in snapshot["annex"]:
        yield [
            row["policy"], row["ref"], row["text"], row["pillar"], row["term"], row["timeline"],
            ", ".join(row["lead"]), ", ".join(row["agencies"]), labels[row["status"]],
            labels[row["previous_status"]], row["percent"],
            CONFIDENCE.get(row["confidence"], row["confidence"]), row["last_approved"],
            row["last_period"], row["reported"], row["overdue"], row["budget_kind"],
            row["budget_amount"], row["budget_released"], row["budget_spent"],
            row["is_sample"], row["is_synthetic"],
        ]  # fmt: skip


SHEETS = [
    Sheet("Summary", ["Status", "Items", "Share %"], _summary_rows),
    Sheet(
        "Attention",
        [
            "Policy",
            "Ref",
            "Reasons",
            "Status",
            "Confidence",
            "Agencies",
            "Reported by",
            "Explanation",
            "Challenges",
            "Next steps",
            "Last approved",
            "Text",
        ],
        _attention_rows,
    ),
    Sheet("Not reported", ["Policy", "Ref", "Text"], _ref_rows("not_reported")),
    Sheet(
        "Silent agencies",
        ["Agency", "Name", "Items not reported"],
        lambda s: ([a["code"], a["name"], a["missing"]] for a in s["silent_agencies"]),
    ),
    Sheet("Overdue", ["Policy", "Ref", "Text"], _ref_rows("overdue")),
    _group_sheet("By policy", "by_policy", "Policy"),
    _group_sheet("By pillar", "by_pillar", "Pillar"),
    _group_sheet("By term", "by_term", "Term"),
    Sheet(
        "By agency",
        [
            "Agency",
            "Name",
            "Items",
            "Reported",
            "Reported %",
            "On track or completed",
            "On track or completed %",
            "Previous quarter %",
            "Overdue",
        ],
        _agency_rows,
    ),
    Sheet("Changes", ["Policy", "Ref", "From", "To"], _change_rows),
    Sheet(
        "Priorities",
        [
            "Policy",
            "Rank",
            "Prong",
            "Priority",
            "Items",
            "Item count",
            "On track or completed",
            "On track or completed %",
            "Overdue",
        ],
        _priority_rows,
    ),
    Sheet(
        "Indicators",
        [
            "Policy",
            "Ref",
            "Indicator",
            "Unit",
            "Baseline",
            "Target",
            "Actual",
            "As of",
            "Of target %",
        ],
        _indicator_rows,
    ),
    Sheet(
        "Budget",
        ["Policy", "Name", "Allocated", "Released", "Spent", "Items with an amount"],
        _budget_rows,
    ),
    Sheet("Highlights", ["Policy", "Ref", "Agency", "Text"], _text_rows("highlights")),
    Sheet("Challenges", ["Policy", "Ref", "Agency", "Text"], _text_rows("challenges")),
    Sheet("Risks", ["Policy", "Ref", "Agency", "Text"], _text_rows("risks")),
    Sheet("Trend", ["Quarter", STATUS_PLACEHOLDER[0], "On track or completed %"], _trend_rows),
    Sheet("Annex", annex_header(), annex_rows),
]


def _cover(workbook: Workbook, report: QuarterlyReport, snapshot: dict) -> None:
    sheet = workbook.create_sheet("Report")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80
    if snapshot["contains_sample"]:
        banner = WriteOnlyCell(sheet, "SAMPLE DATA")
        banner.font, banner.fill = SAMPLE_FONT, SAMPLE_FILL
        note = WriteOnlyCell(sheet, "Includes demo updates marked as sample: not real progress.")
        note.font, note.fill = SAMPLE_FONT, SAMPLE_FILL
        tables.append_row(sheet, [banner, note])
    title = WriteOnlyCell(sheet, "Quarterly progress report")
    title.font = BOLD
    tables.append_row(sheet, [title, "Advisory Committee on Internal Security"])
    tables.append_row(sheet, ["Quarter", snapshot["quarter"]["label"]])
    tables.append_row(sheet, ["Scope", snapshot["scope"]["title"]])
    tables.append_row(sheet, ["Version", report.version])
    tables.append_row(sheet, ["Approved data as of", snapshot["as_of"]])
    tables.append_row(sheet, ["Sheets", ", ".join(s.title for s in SHEETS)])


def _write_sheet(workbook: Workbook, spec: Sheet, snapshot: dict, sample: bool) -> None:
    sheet = workbook.create_sheet(spec.title)
    if sample:
        sheet.sheet_properties.tabColor = "6B3FA0"
        sheet.oddHeader.center.text = "SAMPLE DATA: not real progress"
    tables.write_sheet(sheet, _expand_header(spec.header, snapshot), spec.rows(snapshot))


def render_xlsx(report: QuarterlyReport, snapshot: dict) -> bytes:
    workbook = Workbook(write_only=True)
    _cover(workbook, report, snapshot)
    for spec in SHEETS:
        _write_sheet(workbook, spec, snapshot, snapshot["contains_sample"])
    return tables.save(workbook)
