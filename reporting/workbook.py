"""The agency workbook: one agency's quarter to fill offline in Excel and upload back.

Three sheets. "Updates": one row per item the agency must still report on
(reporting.status.items_needing_report), its key columns locked (id, ref, text, the current
approved values, the version of the agency's update) and one editable column per reported
field of reporting.update_fields (a new field arrives here by itself), choices as dropdowns,
numbers as numbers, and a "Submit" column. "Indicators": one row per indicator of those items,
with an editable "Actual this period". "Instructions": read-only, and the agency and period the
file belongs to, which the upload checks. Written through core.tables (formula-safe cells).

For a person who reports for several agencies (User.acts_for) one workbook can hold them all:
its format is MULTI_FORMAT, both sheets lead with a locked "Agency" key column, and there is one
row per (agency, item) that agency must report on; the upload checks each row against what the
uploader may do for that row's agency.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.models import Agency
from core import tables
from core.tables import Column
from interventions.models import Indicator, PlanItem
from reporting import status, update_fields
from reporting.forms import FIELD_OPTIONS
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod

FORMAT = "nisp-agency-workbook-1"
MULTI_FORMAT = "nisp-agency-workbook-multi-1"
AGENCY = "Agency"
AGENCY_COLUMN = Column(AGENCY, 12)
UPDATES, INDICATORS, INSTRUCTIONS = "Updates", "Indicators", "Instructions"
SUBMIT = "Submit"
YES, NO = "Yes", "No"
ACTUAL = "Actual this period"
STATUS_LABELS = dict(ProgressUpdate.Status.choices)
RATING_LABELS = dict(ProgressUpdate.Confidence.choices)
STATE_LABELS = dict(ProgressUpdate.State.choices)

# The locked columns of the Updates sheet; the upload reads "Item id" and "Update version".
ITEM_ID, VERSION = "Item id", "Update version"
KEY_COLUMNS = [
    Column(ITEM_ID, 9),
    Column("Ref", 9),
    Column("Item", 50),
    Column(VERSION, 10),
    Column("Update state", 12),
    Column("Approved status", 14),
    Column("Approved %", 10),
    Column("Approved rating", 14),
    Column("Last approved", 13, "yyyy-mm-dd"),
]
INDICATOR_COLUMNS = [
    Column(ITEM_ID, 9),
    Column("Ref", 9),
    Column("Indicator id", 11),
    Column("Indicator", 50),
    Column("Measure", 12),
    Column("Unit", 12),
    Column("Baseline", 12),
    Column("Target", 12),
    Column("Latest approved actual", 20),
    Column(ACTUAL, 20, editable=True),
]
# Password-free protection: it guards against slips, not against a determined editor (the
# upload checks every key column against the database anyway).
PROTECTION_OPTIONS = {"formatColumns": False, "autoFilter": False, "sort": False}


def field_header(name: str) -> str:
    """The column header of a reported field: the form's label, else the model's name."""
    # Remembered per language: an upload asks for every header on every row.
    return _field_header(name, translation.get_language())


@functools.lru_cache(maxsize=256)
def _field_header(name: str, language: str | None) -> str:
    label = FIELD_OPTIONS.get(name, {}).get("label")
    return str(label or update_fields.model_field(name).verbose_name).capitalize()


def is_required(name: str) -> bool:
    return not update_fields.model_field(name).blank


def field_column(name: str) -> Column:
    field = update_fields.model_field(name)
    if isinstance(field, models.DecimalField):
        return Column(field_header(name), 16, "#,##0.00", editable=True)
    if isinstance(field, models.IntegerField):
        return Column(field_header(name), 10, "0", editable=True)
    if field.choices:
        return Column(field_header(name), 16, editable=True)
    return Column(field_header(name), 40 if isinstance(field, models.TextField) else 24,
                  editable=True)  # fmt: skip


def update_columns(multi: bool = False) -> list[Column]:
    return [
        *([AGENCY_COLUMN] if multi else []),
        *KEY_COLUMNS,
        *(field_column(name) for name in update_fields.REPORTED_FIELDS),
        Column(SUBMIT, 9, editable=True),
    ]


def cell_of(name: str, value):
    """A reported value as the workbook shows it: choices by their label."""
    field = update_fields.model_field(name)
    if field.choices and value:
        return str(dict(field.choices).get(value, value))
    return value


def _items(period: ReportingPeriod, agency: Agency):
    indicators = status.with_latest_actual(Indicator.objects.order_by("position"))
    return (
        status.with_current_status(status.items_needing_report(period, agency.pk))
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("position", "pk")
    )


def _updates(period: ReportingPeriod, agency: Agency) -> dict[int, ProgressUpdate]:
    return {
        update.item_id: update
        for update in ProgressUpdate.objects.filter(period=period, agency=agency)
    }


def _values(period: ReportingPeriod, agency: Agency) -> dict[int, object]:
    return {
        value.indicator_id: value.value
        for value in IndicatorValue.objects.filter(update__period=period, update__agency=agency)
    }


def _update_rows(items: list[PlanItem], updates: dict[int, ProgressUpdate]) -> Iterator[list]:
    for item in items:
        update = updates.get(item.pk)
        approved = item.last_approved_at
        yield [
            item.pk,
            item.ref,
            item.text,
            update.version if update else None,
            str(STATE_LABELS[update.state]) if update else "Not started",
            str(STATUS_LABELS.get(item.current_status, "Not yet approved")),
            item.current_percent,
            str(RATING_LABELS.get(item.current_confidence, "")),
            timezone.localdate(approved) if approved else None,
            *(
                cell_of(name, getattr(update, name)) if update else None
                for name in update_fields.REPORTED_FIELDS
            ),
            NO,
        ]


def _number(value: Decimal | None):
    return None if value is None else value


def _indicator_rows(items: list[PlanItem], values: dict[int, object]) -> Iterator[list]:
    for item in items:
        for indicator in item.indicators.all():
            latest = (
                indicator.latest_number
                if indicator.latest_number is not None
                else indicator.latest_text
            )
            yield [
                item.pk,
                item.ref,
                indicator.pk,
                indicator.description,
                str(indicator.get_measure_display()),
                indicator.unit,
                _number(indicator.baseline),
                _number(indicator.target),
                latest if indicator.latest_period else None,
                values.get(indicator.pk),
            ]


def indicator_columns(multi: bool = False) -> list[Column]:
    return [*([AGENCY_COLUMN] if multi else []), *INDICATOR_COLUMNS]


def instructions(agency: Agency | list[Agency], period: ReportingPeriod) -> list[list]:
    agencies = agency if isinstance(agency, list) else [agency]
    multi = len(agencies) > 1
    fields = []
    for name in update_fields.REPORTED_FIELDS:
        field = update_fields.model_field(name)
        kind = (
            "choose: " + ", ".join(str(label) for _, label in field.choices)
            if field.choices
            else "a whole number"
            if isinstance(field, models.IntegerField)
            else "an amount (a number)"
            if isinstance(field, models.DecimalField)
            else "text"
        )
        required = "required" if is_required(name) else "optional"
        fields.append([field_header(name), f"{kind}; {required}"])
    return [
        ["Agency", ", ".join(a.code for a in agencies)],
        ["Policy", period.policy.code],
        ["Period", period.label],
        ["Period id", period.pk],
        ["Format", MULTI_FORMAT if multi else FORMAT],
        ["Downloaded", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [],
        ["How to use this workbook"],
        ["1", f"Fill the shaded columns of the {UPDATES} sheet, one row per item."],
        ["2", f"Indicator actuals go in the {INDICATORS} sheet, column “{ACTUAL}”."],
        ["3", f"Set “{SUBMIT}” to {YES} to send a row's update to your reviewer."],
        [
            "4",
            "Upload the file at /my/workbook/upload/. You see a preview; nothing is saved "
            "until you confirm.",
        ],
        [
            "5",
            "Do not change the grey columns or the sheet names. Rows you leave empty are skipped.",
        ],
        [
            "6",
            "If someone changed an update on the website after you downloaded this file, "
            "that row is refused (never overwritten): download a fresh workbook.",
        ],
        [],
        ["Column", "What it takes"],
        *fields,
        [SUBMIT, f"choose: {YES} or {NO}"],
    ]


def _dropdowns(sheet, columns: list[Column], rows: int) -> None:
    last = max(rows + 1, 2)
    choices = {field_header(n): update_fields.model_field(n).choices
               for n in update_fields.REPORTED_FIELDS}  # fmt: skip
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.header == SUBMIT:
            options = [YES, NO]
        elif choices.get(column.header):
            options = [str(label) for _, label in choices[column.header]]
        else:
            continue
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(options) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Choose from the list",
            error="Choose one of: " + ", ".join(options),
        )
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)


def _prefixed(code: str, rows: Iterator[list]) -> Iterator[list]:
    for row in rows:
        yield [code, *row]


def build(
    *,
    period: ReportingPeriod,
    agency: Agency | None = None,
    agencies: list[Agency] | None = None,
) -> bytes:
    """The workbook for one agency (or several: `agencies`) and a period, as XLSX bytes."""
    agencies = list(agencies or [agency])
    multi = len(agencies) > 1
    if multi:
        # One row per (agency, item): each agency's own items, updates and values.
        per_agency = [(a, list(_items(period, a))) for a in agencies]
        update_rows = (
            row
            for a, items in per_agency
            for row in _prefixed(a.code, _update_rows(items, _updates(period, a)))
        )
        indicator_rows = (
            row
            for a, items in per_agency
            for row in _prefixed(a.code, _indicator_rows(items, _values(period, a)))
        )
    else:
        items = list(_items(period, agencies[0]))
        update_rows = _update_rows(items, _updates(period, agencies[0]))
        indicator_rows = _indicator_rows(items, _values(period, agencies[0]))
    workbook = Workbook()
    updates_sheet = workbook.active
    updates_sheet.title = UPDATES
    columns = update_columns(multi)
    count = tables.write_sheet(updates_sheet, columns, update_rows)
    _dropdowns(updates_sheet, columns, count)
    updates_sheet.protection.enable()
    for option, value in PROTECTION_OPTIONS.items():
        setattr(updates_sheet.protection, option, value)

    indicator_sheet = workbook.create_sheet(INDICATORS)
    tables.write_sheet(indicator_sheet, indicator_columns(multi), indicator_rows)
    indicator_sheet.protection.enable()
    for option, value in PROTECTION_OPTIONS.items():
        setattr(indicator_sheet.protection, option, value)

    about = workbook.create_sheet(INSTRUCTIONS)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90
    for row in instructions(agencies, period):
        tables.append_row(about, row)
    about.protection.enable()
    return tables.save(workbook)


def filename(agency: Agency | list[Agency], period: ReportingPeriod) -> str:
    agencies = agency if isinstance(agency, list) else [agency]
    codes = (
        "-".join(a.code for a in agencies) if len(agencies) <= 3 else f"{len(agencies)}-agencies"
    )
    return f"nisp-workbook-{codes}-{period.policy.code}-{period.label}.xlsx"
