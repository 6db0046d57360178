"""The agency workbook: one agency's quarter to fill offline in Excel and upload back.

Three sheets. "Updates": one row per item the agency must still report on
(reporting.status.items_needing_report), its key columns locked (id, ref, text, the current
approved values, the version of the agency's update) and one editable column per reported
field of reporting.update_fields (a new field arrives here by itself), choices as dropdowns,
numbers as numbers, and a "Submit" column. "Indicators": one row per indicator of those items,
with an editable "Actual this period". "Instructions": read-only, and the agency and period the
file belongs to, which the upload checks. Written through core.tables (formula-safe cells).

The workbook is written in the downloader's language: sheet titles, headers, dropdowns and
instructions. Its Instructions sheet records that language, and the upload reads the file by
the language it was made in (`layout`); choices and Yes/No are taken in either language.

For a person who reports for several agencies (User.acts_for) one workbook can hold them all:
its format is MULTI_FORMAT, both sheets lead with a locked "Agency" key column, and there is one
row per (agency, item) that agency must report on; the upload checks each row against what the
uploader may do for that row's agency.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
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
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

# The sheets' titles and the fixed columns' headers in English. Each is also the key the upload
# knows it by, whatever language the file was written in; `header` words it in the active one.
AGENCY = gettext_noop("Agency")
UPDATES = gettext_noop("Updates")
INDICATORS = gettext_noop("Indicators")
INSTRUCTIONS = gettext_noop("Instructions")
SUBMIT = gettext_noop("Submit")
YES, NO = gettext_noop("Yes"), gettext_noop("No")
ACTUAL = gettext_noop("Actual this period")
ITEM_ID, VERSION = gettext_noop("Item id"), gettext_noop("Update version")
INDICATOR_ID = gettext_noop("Indicator id")
# The Instructions sheet's opening rows (label, value): what the file is, read back on upload.
POLICY, PERIOD, PERIOD_ID = (
    gettext_noop("Policy"),
    gettext_noop("Period"),
    gettext_noop("Period id"),
)
FORMAT_LABEL, DOWNLOADED = gettext_noop("Format"), gettext_noop("Downloaded")
LANGUAGE = gettext_noop("Language")
ABOUT = (AGENCY, POLICY, PERIOD, PERIOD_ID, FORMAT_LABEL, DOWNLOADED, LANGUAGE)

STATUS_LABELS = dict(ProgressUpdate.Status.choices)
RATING_LABELS = dict(ProgressUpdate.Confidence.choices)
STATE_LABELS = dict(ProgressUpdate.State.choices)

# The locked columns of the Updates sheet (key, width, number format); the upload reads the
# item id and the update version.
KEY_COLUMNS = (
    (ITEM_ID, 9, None),
    (gettext_noop("Ref"), 9, None),
    (gettext_noop("Item"), 50, None),
    (VERSION, 10, None),
    (gettext_noop("Update state"), 12, None),
    (gettext_noop("Approved status"), 14, None),
    (gettext_noop("Approved %"), 10, None),
    (gettext_noop("Approved rating"), 14, None),
    (gettext_noop("Last approved"), 13, "yyyy-mm-dd"),
)
INDICATOR_COLUMNS = (
    (ITEM_ID, 9, None),
    (gettext_noop("Ref"), 9, None),
    (INDICATOR_ID, 11, None),
    (gettext_noop("Indicator"), 50, None),
    (gettext_noop("Measure"), 12, None),
    (gettext_noop("Unit"), 12, None),
    (gettext_noop("Baseline"), 12, None),
    (gettext_noop("Target"), 12, None),
    (gettext_noop("Latest approved actual"), 20, None),
)
# Password-free protection: it guards against slips, not against a determined editor (the
# upload checks every key column against the database anyway).
PROTECTION_OPTIONS = {"formatColumns": False, "autoFilter": False, "sort": False}


def header(key: str) -> str:
    """A sheet's title or a fixed column's header in the active language."""
    return _(key)


def listed(items) -> str:
    """Words in a list, separated as the active language writes them."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def _fixed(key: str, width: float, number_format: str | None = None, **options) -> Column:
    return Column(header(key), width, number_format, key=key, **options)


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
    """A reported field's editable column, known to the upload by the field's name."""
    field = update_fields.model_field(name)
    if isinstance(field, models.DecimalField):
        width, number_format = 16, "#,##0.00"
    elif isinstance(field, models.IntegerField):
        width, number_format = 10, "0"
    elif field.choices:
        width, number_format = 16, None
    else:
        width, number_format = (40 if isinstance(field, models.TextField) else 24), None
    return Column(field_header(name), width, number_format, editable=True, key=name)


def _agency_column(multi: bool) -> list[Column]:
    return [_fixed(AGENCY, 12)] if multi else []


def update_columns(multi: bool = False) -> list[Column]:
    """The Updates sheet's columns, headed in the active language."""
    return [
        *_agency_column(multi),
        *(_fixed(*spec) for spec in KEY_COLUMNS),
        *(field_column(name) for name in update_fields.REPORTED_FIELDS),
        _fixed(SUBMIT, 9, editable=True),
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
            str(STATE_LABELS[update.state]) if update else _("Not started"),
            str(STATUS_LABELS.get(item.current_status) or _("Not yet approved")),
            item.current_percent,
            str(RATING_LABELS.get(item.current_confidence, "")),
            timezone.localdate(approved) if approved else None,
            *(
                cell_of(name, getattr(update, name)) if update else None
                for name in update_fields.REPORTED_FIELDS
            ),
            header(NO),
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
    """The Indicators sheet's columns, headed in the active language."""
    return [
        *_agency_column(multi),
        *(_fixed(*spec) for spec in INDICATOR_COLUMNS),
        _fixed(ACTUAL, 20, editable=True),
    ]


def instructions(agency: Agency | list[Agency], period: ReportingPeriod) -> list[list]:
    """The Instructions sheet, in the active language; its first rows say what the file is."""
    agencies = agency if isinstance(agency, list) else [agency]
    multi = len(agencies) > 1
    fields = []
    for name in update_fields.REPORTED_FIELDS:
        field = update_fields.model_field(name)
        kind = (
            _("choose: %(options)s") % {"options": listed(label for _code, label in field.choices)}
            if field.choices
            else _("a whole number")
            if isinstance(field, models.IntegerField)
            else _("an amount (a number)")
            if isinstance(field, models.DecimalField)
            else _("text")
        )
        required = _("required") if is_required(name) else _("optional")
        fields.append(
            [
                field_header(name),
                pgettext("what a column takes", "%(kind)s; %(required)s")
                % {"kind": kind, "required": required},
            ]
        )
    about = {
        AGENCY: ", ".join(a.code for a in agencies),
        POLICY: period.policy.code,
        PERIOD: period.label,
        PERIOD_ID: period.pk,
        FORMAT_LABEL: MULTI_FORMAT if multi else FORMAT,
        DOWNLOADED: timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        LANGUAGE: translation.get_language(),
    }
    names = {"updates": header(UPDATES), "indicators": header(INDICATORS),
             "actual": header(ACTUAL), "submit": header(SUBMIT), "yes": header(YES)}  # fmt: skip
    return [
        *([header(key), about[key]] for key in ABOUT),
        [],
        [_("How to use this workbook")],
        ["1", _("Fill the shaded columns of the %(updates)s sheet, one row per item.") % names],
        ["2", _("Indicator actuals go in the %(indicators)s sheet, column “%(actual)s”.") % names],
        ["3", _("Set “%(submit)s” to %(yes)s to send a row's update to your reviewer.") % names],
        [
            "4",
            _(
                "Upload the file at /my/workbook/upload/. You see a preview; nothing is saved "
                "until you confirm."
            ),
        ],
        [
            "5",
            _(
                "Do not change the grey columns or the sheet names. Rows you leave empty are "
                "skipped."
            ),
        ],
        [
            "6",
            _(
                "If someone changed an update on the website after you downloaded this file, "
                "that row is refused (never overwritten): download a fresh workbook."
            ),
        ],
        [],
        [_("Column"), _("What it takes")],
        *fields,
        [header(SUBMIT), _("choose: %(yes)s or %(no)s") % {"yes": header(YES), "no": header(NO)}],
    ]


def _dropdowns(sheet, columns: list[Column], rows: int) -> None:
    last = max(rows + 1, 2)
    choices = {n: update_fields.model_field(n).choices for n in update_fields.REPORTED_FIELDS}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.key == SUBMIT:
            options = [header(YES), header(NO)]
        elif choices.get(column.key):
            options = [str(label) for _code, label in choices[column.key]]
        else:
            continue
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(options) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Choose from the list"),
            error=_("Choose one of: %(options)s") % {"options": listed(options)},
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
    updates_sheet.title = header(UPDATES)
    columns = update_columns(multi)
    count = tables.write_sheet(updates_sheet, columns, update_rows)
    _dropdowns(updates_sheet, columns, count)
    updates_sheet.protection.enable()
    for option, value in PROTECTION_OPTIONS.items():
        setattr(updates_sheet.protection, option, value)

    indicator_sheet = workbook.create_sheet(header(INDICATORS))
    tables.write_sheet(indicator_sheet, indicator_columns(multi), indicator_rows)
    indicator_sheet.protection.enable()
    for option, value in PROTECTION_OPTIONS.items():
        setattr(indicator_sheet.protection, option, value)

    about = workbook.create_sheet(header(INSTRUCTIONS))
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


# --- reading it back -------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A workbook's sheet titles and columns as written in one language: what its upload
    expects to find."""

    language: str
    updates: str
    indicators: str
    update_columns: tuple[Column, ...]
    indicator_columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        """A column's header in the workbook (a reported field by its name, a fixed column by
        its key), to name it in an error the officer can find in the file."""
        return self._headers.get(key, key)

    @cached_property
    def _headers(self) -> dict[str, str]:
        # Read per cell of every row: looked up, not searched; the first column of a key wins.
        headers: dict[str, str] = {}
        for column in (*self.update_columns, *self.indicator_columns):
            headers.setdefault(column.name, column.header)
        return headers


def layout(language: str, multi: bool = False) -> Layout:
    with translation.override(language):
        return Layout(
            language=language,
            updates=header(UPDATES),
            indicators=header(INDICATORS),
            update_columns=tuple(update_columns(multi)),
            indicator_columns=tuple(indicator_columns(multi)),
        )


def titles(key: str) -> dict[str, str]:
    """A sheet's title (or a label) in each language: language code -> title."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = header(key)
    return out


@functools.lru_cache(maxsize=64)
def choice_codes(name: str) -> dict[str, str]:
    """A choice field's codes by every label a workbook may show them by (each language's)
    and by the code itself, casefolded."""
    codes = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in update_fields.model_field(name).choices:
                codes[str(label).strip().casefold()] = code
    for code, _label in update_fields.model_field(name).choices:
        codes[str(code).casefold()] = code
    return codes


@functools.lru_cache(maxsize=1)
def submit_answers() -> dict[str, bool]:
    """The Submit column's answers in every language (empty: no), casefolded."""
    answers = {"": False}
    for language in LANGUAGES:
        with translation.override(language):
            answers[header(YES).casefold()] = True
            answers[header(NO).casefold()] = False
    return answers
