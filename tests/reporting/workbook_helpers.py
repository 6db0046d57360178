"""Filling an agency workbook as an officer would in Excel (with openpyxl), for the tests.

A workbook is filled in the language it was written in: its sheets are found by their title in
that language, and a field name or a fixed column's key is turned into the header it shows."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reporting import workbook


def open_book(content: bytes):
    return load_workbook(io.BytesIO(content))


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def language_of(book) -> str:
    """The language the workbook was written in, told by its Instructions sheet's title."""
    for language, title in workbook.titles(workbook.INSTRUCTIONS).items():
        if title in book.sheetnames:
            return language
    raise AssertionError(f"not an agency workbook: {book.sheetnames}")


def sheet_of(book, key: str):
    """A sheet by its key (workbook.UPDATES, INDICATORS, INSTRUCTIONS), in the book's language."""
    return book[workbook.titles(key)[language_of(book)]]


def _column(book, sheet, key: str) -> int:
    columns = {header: index for index, header in enumerate(headers(sheet), start=1)}
    if key in columns:
        return columns[key]
    # The multi-agency layout holds every column a workbook may have.
    return columns[workbook.layout(language_of(book), multi=True).header(key)]


def fill(book, item_id: int, **values) -> None:
    """Set the Updates row of `item_id`: keys are column headers, field names or column keys."""
    sheet = sheet_of(book, workbook.UPDATES)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == item_id:
            for key, value in values.items():
                sheet.cell(row=row[0].row, column=_column(book, sheet, key), value=value)
            return
    raise AssertionError(f"item {item_id} is not in the workbook")


def fill_actual(book, indicator_id: int, value) -> None:
    sheet = sheet_of(book, workbook.INDICATORS)
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == indicator_id:
            sheet.cell(row=row[0].row, column=_column(book, sheet, workbook.ACTUAL), value=value)
            return
    raise AssertionError(f"indicator {indicator_id} is not in the workbook")


def as_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


A_DRAFT = {
    "status": "In progress",
    "percent_complete": 40,
    "confidence": "Green",
    "narrative": "Two of the four committees met this quarter.",
    "next_steps": "Convene the remaining committees.",
}
