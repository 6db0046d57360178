"""Filling an agency workbook as an officer would in Excel (with openpyxl), for the tests."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reporting import workbook


def open_book(content: bytes):
    return load_workbook(io.BytesIO(content))


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def fill(book, item_id: int, **values) -> None:
    """Set the Updates row of `item_id`: keys are column headers (or field names)."""
    sheet = book[workbook.UPDATES]
    columns = {header: index for index, header in enumerate(headers(sheet), start=1)}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == item_id:
            for key, value in values.items():
                header = key if key in columns else workbook.field_header(key)
                sheet.cell(row=row[0].row, column=columns[header], value=value)
            return
    raise AssertionError(f"item {item_id} is not in the workbook")


def fill_actual(book, indicator_id: int, value) -> None:
    sheet = book[workbook.INDICATORS]
    columns = {header: index for index, header in enumerate(headers(sheet), start=1)}
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == indicator_id:
            sheet.cell(row=row[0].row, column=columns[workbook.ACTUAL], value=value)
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
