"""The one table writer behind every CSV and XLSX file the tracker hands out.

The item lists, the quarterly report's workbook and annex, and the agency workbook all write
their cells here, so one rule holds for every cell: text that a spreadsheet would take for a
formula (it opens with =, +, -, @, a tab or a carriage return) is written with a leading
apostrophe, the `defusedcsv` approach. An officer's `=HYPERLINK(...)` stays text everywhere.
CSV files open with a byte-order mark so Excel reads Urdu and typographic quotes as UTF-8; XLSX
sheets get a styled, frozen header, an autofilter and column widths.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheet programs hide the apostrophe of a quoted cell; readers strip it to round-trip.
NEUTRALISER = "'"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
EDITABLE_FILL = PatternFill("solid", fgColor="FFF7D6")


def neutralise(value):
    """A cell's value made safe to open: formula-like text gets a leading apostrophe. A lazy
    translation becomes its text in the active language."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + value
    return value


def restore(value):
    """The reverse of `neutralise`, for reading back a file this writer wrote."""
    if (
        isinstance(value, str)
        and value.startswith(NEUTRALISER)
        and value[1:2]
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in characters, a number format, and whether an
    officer may edit it when the sheet is protected (editable cells are shaded). `key` names
    the column for a reader of the file whatever language its header is in (blank: the
    header itself)."""

    header: str
    width: float = 16
    number_format: str | None = None
    editable: bool = False
    key: str = ""

    @property
    def name(self) -> str:
        return self.key or self.header


def columns_of(headers: Iterable[str | Column]) -> list[Column]:
    return [h if isinstance(h, Column) else Column(h, width=_width(h)) for h in headers]


def _width(header: str) -> float:
    return max(10, min(40, len(header) + 4))


def write_csv(headers: Sequence[str | Column], rows: Iterable[Sequence]) -> bytes:
    """A CSV file with a byte-order mark, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(column.header) for column in columns_of(headers)])
    for row in rows:
        writer.writerow([neutralise("" if value is None else value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_sheet(
    sheet, headers: Sequence[str | Column], rows: Iterable[Sequence], *, filter: bool = True
) -> int:
    """Write a table onto an empty sheet (write-only or normal): a styled, frozen header,
    widths, number formats, an autofilter. Returns how many data rows were written."""
    columns = columns_of(headers)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, neutralise(column.header))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header_cells.append(cell)
    sheet.append(header_cells)
    # Only styled columns need a cell object; the rest stream as plain values (faster).
    styled = [bool(column.number_format or column.editable) for column in columns]
    count = 0
    for row in rows:
        values = []
        for index, value in enumerate(row):
            value = neutralise(value)
            if index < len(columns) and styled[index]:
                column = columns[index]
                cell = WriteOnlyCell(sheet, value)
                if column.number_format:
                    cell.number_format = column.number_format
                if column.editable:
                    cell.protection, cell.fill = UNLOCKED, EDITABLE_FILL
                value = cell
            values.append(value)
        sheet.append(values)
        count += 1
    if filter:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def append_row(sheet, row: Sequence) -> None:
    """A free-form row (a cover sheet's line), neutralised like every table cell."""
    values = []
    for value in row:
        if isinstance(value, Cell):
            value.value = neutralise(value.value)
        else:
            value = neutralise(value)
        values.append(value)
    sheet.append(values)


def write_xlsx(tables: Iterable[tuple[str, Sequence[str | Column], Iterable[Sequence]]]) -> bytes:
    """An XLSX file of one sheet per (title, headers, rows), streamed in write-only mode."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in tables:
        write_sheet(workbook.create_sheet(title), headers, rows)
    return save(workbook)


def save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
