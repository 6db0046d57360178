"""The report as an XLSX workbook: one sheet per section, each a filterable table.

Written in openpyxl's write-only (streaming) mode so a large annex never sits in memory as cells,
through core.tables (formula-safe cells, styled frozen headers, filters, widths).
Numbers are written as numbers, shares as numbers of percent, so the committee can sort and sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from agencies import geography
from committee.labels import confidence_label, labelled, reason_text, status_label
from committee.models import QuarterlyReport
from committee.reports.document import left_out_text
from core import tables

BOLD = Font(bold=True)
SAMPLE_FONT = Font(bold=True, color="6B3FA0")
SAMPLE_FILL = PatternFill("solid", fgColor="ECE1F7")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: Callable[[dict], Iterable[list]]


def _labels(snapshot: dict) -> dict[str, str]:
    """Status keys in the snapshot's order, each labelled in the active language."""
    return {status["key"]: status_label(status["key"]) for status in snapshot["statuses"]}


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
        column,
        gettext_noop("Name"),
        gettext_noop("Items"),
        *STATUS_PLACEHOLDER,
        gettext_noop("On track or completed"),
        gettext_noop("On track or completed %"),
        gettext_noop("Previous quarter %"),
        gettext_noop("Change (pp)"),
        gettext_noop("Reported"),
        gettext_noop("Overdue"),
    ]
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
    yield [gettext("Total"), items, 100.0 if items else 0.0]


def _attention_rows(snapshot: dict) -> Iterable[list]:
    labels = _labels(snapshot)
    for entry in snapshot["attention"]:
        yield [
            entry["policy"], entry["ref"],
            "; ".join(reason_text(reason) for reason in entry["reasons"]),
            labels.get(entry["status"], entry["status"]),
            confidence_label(entry["confidence"]),
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


def _budget_execution_sheet(title: str, key: str, column: str) -> Sheet:
    """The PDF's budget execution table, every row: reports frozen before the plan's budget
    columns existed have no money per group, and give an empty sheet."""

    def rows(snapshot: dict) -> Iterable[list]:
        for group in snapshot[key]:
            money = group.get("money")
            if money is None:
                continue
            # An agency's row names its code and counts the items it owns; a pillar's, its key.
            yield [
                group["code"] if "code" in group else group["key"], group["name"],
                group["owned"] if "owned" in group else group["items"], group["good_share"],
                group["overdue"], group.get("no_due_date"), money["allocated"],
                money["released"], money["spent"], money["utilisation"], money["flagged"],
            ]  # fmt: skip

    header = [
        column,
        gettext_noop("Name"),
        gettext_noop("Items"),
        gettext_noop("On track or completed %"),
        gettext_noop("Overdue"),
        gettext_noop("No due date set"),
        gettext_noop("Allocated (in force)"),
        gettext_noop("Released"),
        gettext_noop("Spent"),
        gettext_noop("Utilisation %"),
        gettext_noop("Budget flags"),
    ]
    return Sheet(title, header, rows)


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
    """In the active language: the CSV and the workbook's Annex sheet carry it."""
    return [gettext(text) for text in ANNEX_HEADER]


ANNEX_HEADER = [
    gettext_noop("Policy"),
    gettext_noop("Ref"),
    gettext_noop("Text"),
    gettext_noop("Pillar"),
    gettext_noop("Term"),
    gettext_noop("Timeline"),
    gettext_noop("Lead"),
    gettext_noop("Agencies"),
    gettext_noop("Status"),
    gettext_noop("Previous status"),
    gettext_noop("Percent complete"),
    gettext_noop("Confidence"),
    gettext_noop("Last approved"),
    gettext_noop("Last period"),
    gettext_noop("Reported this quarter"),
    gettext_noop("Overdue"),
    gettext_noop("Budget kind"),
    gettext_noop("Budget allocated"),
    gettext_noop("Budget released"),
    gettext_noop("Budget spent"),
    gettext_noop("Sample data"),
    gettext_noop("Synthetic item"),
]


def restricted_annex(snapshot: dict) -> list[dict]:
    """The restricted items' rows (only the committee's figures hold any; older reports none)."""
    return (snapshot.get("restricted") or {}).get("annex", [])


def annex_rows(snapshot: dict, restricted: bool = False) -> Iterable[list]:
    labels = _labels(snapshot)
    for row in restricted_annex(snapshot) if restricted else snapshot["annex"]:
        yield [
            row["policy"], row["ref"], row["text"], row["pillar"], row["term"], row["timeline"],
            ", ".join(row["lead"]), ", ".join(row["agencies"]), labels[row["status"]],
            labels[row["previous_status"]], row["percent"],
            confidence_label(row["confidence"]), row["last_approved"],
            row["last_period"], row["reported"], row["overdue"], row["budget_kind"],
            row["budget_amount"], row["budget_released"], row["budget_spent"],
            row["is_sample"], row["is_synthetic"],
        ]  # fmt: skip


SHEETS = [
    Sheet(
        gettext_noop("Summary"),
        [gettext_noop("Status"), gettext_noop("Items"), gettext_noop("Share %")],
        _summary_rows,
    ),
    Sheet(
        gettext_noop("Attention"),
        [
            gettext_noop("Policy"),
            gettext_noop("Ref"),
            gettext_noop("Reasons"),
            gettext_noop("Status"),
            gettext_noop("Confidence"),
            gettext_noop("Agencies"),
            gettext_noop("Reported by"),
            gettext_noop("Explanation"),
            gettext_noop("Challenges"),
            gettext_noop("Next steps"),
            gettext_noop("Last approved"),
            gettext_noop("Text"),
        ],
        _attention_rows,
    ),
    Sheet(
        gettext_noop("Not reported"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("Text")],
        _ref_rows("not_reported"),
    ),
    Sheet(
        gettext_noop("Silent agencies"),
        [gettext_noop("Agency"), gettext_noop("Name"), gettext_noop("Items not reported")],
        lambda s: ([a["code"], a["name"], a["missing"]] for a in s["silent_agencies"]),
    ),
    Sheet(
        gettext_noop("Overdue"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("Text")],
        _ref_rows("overdue"),
    ),
    _group_sheet(gettext_noop("By policy"), "by_policy", gettext_noop("Policy")),
    _group_sheet(gettext_noop("By pillar"), "by_pillar", gettext_noop("Pillar")),
    _group_sheet(gettext_noop("By term"), "by_term", gettext_noop("Term")),
    Sheet(
        gettext_noop("By agency"),
        [
            gettext_noop("Agency"),
            gettext_noop("Name"),
            gettext_noop("Items"),
            gettext_noop("Reported"),
            gettext_noop("Reported %"),
            gettext_noop("On track or completed"),
            gettext_noop("On track or completed %"),
            gettext_noop("Previous quarter %"),
            gettext_noop("Overdue"),
        ],
        _agency_rows,
    ),
    Sheet(
        gettext_noop("Changes"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("From"), gettext_noop("To")],
        _change_rows,
    ),
    Sheet(
        gettext_noop("Priorities"),
        [
            gettext_noop("Policy"),
            gettext_noop("Rank"),
            gettext_noop("Prong"),
            gettext_noop("Priority"),
            gettext_noop("Items"),
            gettext_noop("Item count"),
            gettext_noop("On track or completed"),
            gettext_noop("On track or completed %"),
            gettext_noop("Overdue"),
        ],
        _priority_rows,
    ),
    Sheet(
        gettext_noop("Indicators"),
        [
            gettext_noop("Policy"),
            gettext_noop("Ref"),
            gettext_noop("Indicator"),
            gettext_noop("Unit"),
            gettext_noop("Baseline"),
            gettext_noop("Target"),
            gettext_noop("Actual"),
            gettext_noop("As of"),
            gettext_noop("Of target %"),
        ],
        _indicator_rows,
    ),
    Sheet(
        gettext_noop("Budget"),
        [
            gettext_noop("Policy"),
            gettext_noop("Name"),
            gettext_noop("Allocated"),
            gettext_noop("Released"),
            gettext_noop("Spent"),
            gettext_noop("Items with an amount"),
        ],
        _budget_rows,
    ),
    _budget_execution_sheet(
        gettext_noop("Budget execution per pillar"), "by_pillar", gettext_noop("Pillar or section")
    ),
    _budget_execution_sheet(
        gettext_noop("Budget execution per agency"), "by_agency", gettext_noop("Agency")
    ),
    Sheet(
        gettext_noop("Highlights"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("Agency"), gettext_noop("Text")],
        _text_rows("highlights"),
    ),
    Sheet(
        gettext_noop("Challenges"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("Agency"), gettext_noop("Text")],
        _text_rows("challenges"),
    ),
    Sheet(
        gettext_noop("Risks"),
        [gettext_noop("Policy"), gettext_noop("Ref"), gettext_noop("Agency"), gettext_noop("Text")],
        _text_rows("risks"),
    ),
    Sheet(
        gettext_noop("Trend"),
        [gettext_noop("Quarter"), STATUS_PLACEHOLDER[0], gettext_noop("On track or completed %")],
        _trend_rows,
    ),
    Sheet(gettext_noop("Annex"), ANNEX_HEADER, annex_rows),
]
# Only when the figures hold restricted items (the committee's version): their own sheet.
RESTRICTED_SHEET = Sheet(
    gettext_noop("Restricted annex"), ANNEX_HEADER, lambda snapshot: annex_rows(snapshot, True)
)


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
    place = geography.place_title(
        level=snapshot["scope"].get("level", ""), province=snapshot["scope"].get("province", "")
    )
    if place:
        tables.append_row(sheet, ["Level and province", place])
    tables.append_row(sheet, ["Edition", report.get_edition_display()])
    left_out = left_out_text(report, snapshot)
    if left_out:
        tables.append_row(sheet, ["Restricted items", left_out])
    tables.append_row(sheet, ["Version", report.version])
    tables.append_row(sheet, ["Approved data as of", snapshot["as_of"]])
    tables.append_row(sheet, ["Sheets", ", ".join(s.title for s in SHEETS)])


def _write_sheet(workbook: Workbook, spec: Sheet, snapshot: dict, sample: bool) -> None:
    sheet = workbook.create_sheet(spec.title)
    if sample:
        sheet.sheet_properties.tabColor = "6B3FA0"
        sheet.oddHeader.center.text = "SAMPLE DATA: not real progress"
    header = [gettext(text) for text in _expand_header(spec.header, snapshot)]
    tables.write_sheet(sheet, header, spec.rows(snapshot))


def render_xlsx(report: QuarterlyReport, snapshot: dict) -> bytes:
    snapshot = labelled(snapshot)  # the words for its keys, in the active language
    workbook = Workbook(write_only=True)
    _cover(workbook, report, snapshot)
    for spec in SHEETS:
        _write_sheet(workbook, spec, snapshot, snapshot["contains_sample"])
    if restricted_annex(snapshot):
        _write_sheet(workbook, RESTRICTED_SHEET, snapshot, snapshot["contains_sample"])
    return tables.save(workbook)
