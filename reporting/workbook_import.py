"""Reading an agency workbook back: every row checked, nothing written.

The whole file is read and judged first. A file that is not this agency's workbook (not XLSX,
too large, wrong sheets or columns, another agency's or period's rows, a period closed for
submissions) raises WorkbookRefused with the reason. Otherwise each row becomes a RowPlan:
what it would do (a new draft, an edit, a submit, nothing) and every error with its sheet,
row and column. Each field is parsed by the web form's own field (reporting.update_fields), and
the row's content checked by reporting.services.validate_update, so the workbook holds the
same rules as the form and the API. reporting.imports applies the plan through the services.

A workbook is read by the language it was written in (its Instructions sheet says which; one
from before that is English): its sheets and headers are matched in that language, its
choices and Yes/No in any. The errors are worded in the uploader's language and name the
sheet and column as the file shows them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from agencies.models import Agency, User
from core import tables
from core.errors import ConflictError
from interventions.models import Indicator, PlanItem
from reporting import periods, permissions, services, status, update_fields, workbook
from reporting.forms import FIELD_OPTIONS
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod
from reporting.update_fields import UpdateData

# What a row does, as the preview and the API record it; ACTIONS words each for people.
NEW, EDIT, UNCHANGED, EMPTY = "new draft", "edit", "no change", "nothing filled in"
SKIPPED = (UNCHANGED, EMPTY)
SUBMIT_ONLY = "submit"
ACTIONS = {
    NEW: gettext_lazy("new draft"),
    EDIT: gettext_lazy("edit"),
    UNCHANGED: gettext_lazy("no change"),
    EMPTY: gettext_lazy("nothing filled in"),
    SUBMIT_ONLY: gettext_lazy("submit"),
    f"{NEW} and submit": gettext_lazy("new draft and submit"),
    f"{EDIT} and submit": gettext_lazy("edit and submit"),
}


def action_label(action: str) -> str:
    """A row's recorded action in the reader's language (an unknown one as recorded)."""
    return str(ACTIONS.get(action, action))


class WorkbookRefused(Exception):
    """The file as a whole is not one this agency may upload; nothing was read into the plan."""


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}  # fmt: skip


@dataclass
class RowPlan:
    row: int
    item: PlanItem | None
    action: str
    # The agency the row reports for (a multi-agency workbook names one per row).
    agency: Agency | None = None
    item_id: int | None = None
    submit: bool = False
    data: UpdateData | None = None
    update: ProgressUpdate | None = None
    version: int | None = None
    # The agency's last approved update before the period (None: none), read for all rows at
    # once; the services check the row against it.
    previous: ProgressUpdate | None = None
    errors: list[CellError] = field(default_factory=list)
    # The Updates sheet's title as the workbook names it.
    sheet: str = workbook.UPDATES

    @property
    def label(self) -> str:
        if self.action in SKIPPED and self.submit:
            return SUBMIT_ONLY
        return f"{self.action} and submit" if self.submit else self.action

    @property
    def writes(self) -> bool:
        return self.action not in SKIPPED or self.submit

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "agency": self.agency.code if self.agency else None,
            "item_id": self.item.pk if self.item else self.item_id,
            "ref": self.item.ref if self.item else "",
            "action": self.label,
            "errors": [error.as_dict() for error in self.errors],
        }


@dataclass
class Plan:
    agency: Agency
    period: ReportingPeriod
    rows: list[RowPlan]
    # Every agency the upload covers (one for a single-agency workbook).
    agencies: list[Agency] = field(default_factory=list)

    @property
    def errors(self) -> list[CellError]:
        return [error for row in self.rows for error in row.errors]


def _open(file: IO[bytes], size: int):
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise WorkbookRefused(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Upload the workbook "
                "downloaded from /my/workbook/."
            )
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
        )
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise WorkbookRefused(
            _(
                "This file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (.xlsx)” "
                "and upload it again."
            )
        )
    file.seek(0)
    try:
        # Formulas are read as written (not their last computed value), so they are caught.
        return load_workbook(file, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise WorkbookRefused(
            _("This file could not be read as an Excel workbook (.xlsx): %(error)s.")
            % {"error": error}
        ) from error


def _no_sheet(title: str) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The workbook has no “%(sheet)s” sheet: this is not the agency workbook. "
            "Download it from /my/workbook/, fill it in and upload that file."
        )
        % {"sheet": title}
    )


def _sheet(book, title: str):
    if title not in book.sheetnames:
        raise _no_sheet(title)
    return book[title]


def _rows(sheet, columns) -> list[tuple[int, dict[str, object]]]:
    """The sheet's filled rows, each as {column key: value}, once its header row is exactly
    the columns' headers (in the workbook's language)."""
    expected = [column.header for column in columns]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    header = [tables.restore(h) for h in header]
    while header and not header[-1]:
        header.pop()
    if header != expected:
        missing = [h for h in expected if h not in header]
        extra = [h for h in header if h not in expected]
        quoted = workbook.listed
        detail = "; ".join(
            part
            for part in (
                _("missing: %(columns)s") % {"columns": quoted(f"“{h}”" for h in missing)}
                if missing
                else "",
                _("not expected: %(columns)s") % {"columns": quoted(f"“{h}”" for h in extra)}
                if extra
                else "",
                "" if missing or extra else _("the columns are in another order"),
            )
            if part
        )
        raise WorkbookRefused(
            _(
                "The “%(sheet)s” sheet's columns are not the workbook's (%(detail)s). Download "
                "a fresh workbook from /my/workbook/ and copy your entries into it."
            )
            % {"sheet": sheet.title, "detail": detail}
        )
    keys = [column.name for column in columns]
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        out.append((number, dict(zip(keys, values, strict=False))))
    return out


def _language(book) -> str:
    """The language the workbook was written in: the one its Instructions sheet is titled in
    (English for a workbook from before the tracker spoke Urdu)."""
    for language, title in workbook.titles(workbook.INSTRUCTIONS).items():
        if title in book.sheetnames:
            return language
    raise _no_sheet(_(workbook.INSTRUCTIONS))


def _about(book, language: str) -> dict[str, object]:
    """The Instructions sheet's opening rows by their keys (Agency, Period id, Format...)."""
    with translation.override(language):
        sheet = book[workbook.header(workbook.INSTRUCTIONS)]
        keys = {workbook.header(key): key for key in workbook.ABOUT}
    about = {}
    for row in sheet.iter_rows(min_row=1, max_row=len(workbook.ABOUT) + 1, max_col=2,
                               values_only=True):  # fmt: skip
        if row and row[0]:
            label = str(row[0])
            about[keys.get(label, label)] = row[1] if len(row) > 1 else None
    if about.get(workbook.FORMAT_LABEL) not in (workbook.FORMAT, workbook.MULTI_FORMAT):
        raise WorkbookRefused(
            _(
                "This is not an agency workbook from the tracker (its Instructions sheet does "
                "not say which agency and period it is for). Download it from /my/workbook/."
            )
        )
    recorded = about.get(workbook.LANGUAGE)
    about[workbook.LANGUAGE] = recorded if recorded in workbook.LANGUAGES else language
    return about


def _single_agency(about: dict, agency: Agency | None, user: User | None) -> Agency:
    """The agency of a one-agency workbook, if the uploader reports for it."""
    code = about.get(workbook.AGENCY)
    if (
        agency is not None
        and code == agency.code
        and (user is None or permissions.can_report_for(user, agency.pk))
    ):
        return agency
    found = Agency.objects.filter(code=code).first() if user is not None else None
    if found is None or not permissions.can_report_for(user, found.pk):
        if agency is not None and code != agency.code:
            message = _(
                "This workbook is %(code)s's, not %(own)s's: you can upload only the workbook "
                "of an agency you report for."
            )
        else:
            message = _(
                "This workbook is %(code)s's, not yours: you can upload only the workbook of an "
                "agency you report for."
            )
        raise WorkbookRefused(message % {"code": code, "own": agency.code if agency else ""})
    return found


def _period(about: dict, agencies: list[Agency]) -> ReportingPeriod:
    period = (
        ReportingPeriod.objects.select_related("policy")
        .filter(pk=about.get(workbook.PERIOD_ID))
        .first()
    )
    if period is None or period.label != about.get(workbook.PERIOD):
        raise WorkbookRefused(
            _("The workbook's period (%(period)s) is not one the tracker knows.")
            % {"period": about.get(workbook.PERIOD)}
        )
    for agency in agencies:
        try:
            periods.require_submittable(period, agency.pk)
        except ConflictError as error:
            prefix = f"{agency.code}: " if len(agencies) > 1 else ""
            raise WorkbookRefused(
                _("Nothing can be imported for %(period)s: %(reason)s")
                % {"period": period.label, "reason": f"{prefix}{error}"}
            ) from error
    return period


class _Cells:
    """Parses one row's cells with the web form's fields; collects errors by column."""

    def __init__(self, sheet: str, row: int):
        self.sheet, self.row, self.errors = sheet, row, []

    def error(self, column: str, message: str) -> None:
        self.errors.append(CellError(self.sheet, self.row, column, message))

    def clean(self, column: str, raw, form_field: forms.Field):
        if isinstance(raw, str):
            raw = tables.restore(raw.strip())
            if raw.startswith("=") and raw[1:2] and not raw[1:2].isspace():
                self.error(column, _("This cell holds a formula; type the value itself."))
                return None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if raw is not None and not isinstance(raw, str):
            raw = str(raw)
        try:
            return form_field.clean(raw)
        except ValidationError as error:
            for message in error.messages:
                self.error(column, message)
            return None


# The form's fields, with the form's URL scheme; labels and widgets do not matter here.
FIELDS = {
    name: update_fields.form_field(
        name,
        **{k: v for k, v in FIELD_OPTIONS.get(name, {}).items() if k == "assume_scheme"},
    )
    for name in update_fields.REPORTED_FIELDS
}


def _choice_code(name: str, raw):
    """A choice cell holds the label shown in the dropdown (in either language); the code is
    accepted too."""
    if not update_fields.model_field(name).choices or not isinstance(raw, str):
        return raw
    return workbook.choice_codes(name).get(raw.strip().casefold(), raw)


def _choice_message(name: str) -> str:
    return _("Choose one of: %(options)s") % {
        "options": workbook.listed(
            label for _code, label in update_fields.model_field(name).choices
        )
    }


def _reported(cells: _Cells, values: dict, layout: workbook.Layout) -> tuple[dict, set[str]]:
    reported, unparsed = {}, set()
    for name in update_fields.REPORTED_FIELDS:
        column = layout.header(name)
        raw = _choice_code(name, values.get(name))
        before = len(cells.errors)
        field_ = FIELDS[name]
        if update_fields.model_field(name).choices and raw not in (None, ""):
            valid = {str(code) for code, _label in update_fields.model_field(name).choices}
            if str(raw) not in valid:
                cells.error(column, _choice_message(name))
                unparsed.add(name)
                continue
        value = cells.clean(column, raw, field_)
        if len(cells.errors) > before:
            unparsed.add(name)
            continue
        reported[name] = value if value is not None else update_fields.empty_value(name)
    return reported, unparsed


def _indicator_values(
    book, items: dict[int, PlanItem], errors: dict, layout: workbook.Layout, multi: bool = False
) -> dict[tuple, dict[int, Decimal | str]]:
    """Per (agency code or None, item id): the indicator actuals filled in."""
    sheet = _sheet(book, layout.indicators)
    actual = layout.header(workbook.ACTUAL)
    by_item: dict[tuple, dict[int, Decimal | str]] = {}
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(item_id__in=items).only("pk", "item_id", "measure")
    }
    number = forms.DecimalField(max_digits=16, decimal_places=2, required=False)
    text = IndicatorValue._meta.get_field("text").formfield(required=False)
    for row, values in _rows(sheet, layout.indicator_columns):
        cells = _Cells(layout.indicators, row)
        indicator = indicators.get(_int(values.get(workbook.INDICATOR_ID)))
        item_id = _int(values.get(workbook.ITEM_ID))
        if indicator is None or indicator.item_id != item_id:
            raise WorkbookRefused(
                _(
                    "Row %(row)s of the %(sheet)s sheet is not an indicator of the workbook's "
                    "items. Keep the indicator and item ids as downloaded."
                )
                % {"row": row, "sheet": layout.indicators}
            )
        is_number = indicator.measure == Indicator.Measure.NUMBER
        raw = values.get(workbook.ACTUAL)
        value = cells.clean(actual, raw, number if is_number else text)
        key = (_code(values.get(workbook.AGENCY)) if multi else None, item_id)
        errors.setdefault(key, []).extend(cells.errors)
        if not cells.errors:
            by_item.setdefault(key, {})[indicator.pk] = "" if value in (None, "") else value
    return by_item


def _code(value) -> str:
    return tables.restore(str(value).strip()) if value not in (None, "") else ""


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _current_values(update: ProgressUpdate | None) -> tuple[dict, dict]:
    if update is None:
        return {}, {}
    values = {v.indicator_id: v.value for v in update.indicator_values.all()}
    return update_fields.values_of(update), values


def _same(reported: dict, indicator_values: dict, update: ProgressUpdate | None) -> bool:
    fields, values = _current_values(update)
    if update is None:
        return False
    if any(fields[name] != reported.get(name) for name in update_fields.REPORTED_FIELDS):
        return False
    return all(values.get(pk, "") == value for pk, value in indicator_values.items())


def _is_empty(values: dict, indicator_values: dict) -> bool:
    return all(values.get(n) in (None, "") for n in update_fields.REPORTED_FIELDS) and all(
        v in ("", None) for v in indicator_values.values()
    )


def _service_errors(cells: _Cells, error: ValidationError, layout: workbook.Layout) -> None:
    headers = {name: layout.header(name) for name in update_fields.REPORTED_FIELDS}
    headers["indicator_values"] = f"{layout.indicators}: {layout.header(workbook.ACTUAL)}"
    for key, messages in error.message_dict.items():
        for message in messages:
            cells.error(headers.get(key, key.replace("_", " ").capitalize()), message)


def _stale(
    cells: _Cells, row_version: int | None, update: ProgressUpdate | None, column: str
) -> bool:
    if update is None and row_version is None:
        return False
    if update is None:
        cells.error(column, _("This update no longer exists; download a fresh workbook."))
        return True
    if row_version != update.version:
        had = (
            _("none")
            if row_version is None
            else _("version %(version)s") % {"version": row_version}
        )
        cells.error(
            column,
            _(
                "Someone saved this item's update after the workbook was downloaded (the "
                "workbook has %(had)s, it is now version %(now)s). This row is refused so their "
                "changes are not overwritten: download a fresh workbook."
            )
            % {"had": had, "now": update.version},
        )
        return True
    return False


def row_count(file: IO[bytes]) -> int:
    """The Updates sheet's rows as the file declares them (cheap: no cell is read), to decide
    whether a file is checked in the request or as a job; 0 for a file that is not a workbook
    (it is refused when read)."""
    try:
        file.seek(0)
        if not zipfile.is_zipfile(file):
            return 0
        file.seek(0)
        book = load_workbook(file, read_only=True)
        try:
            # Titled in the language the workbook was written in.
            title = next(
                (t for t in workbook.titles(workbook.UPDATES).values() if t in book.sheetnames),
                None,
            )
            return (book[title].max_row or 0) - 1 if title is not None else 0
        finally:
            book.close()
    except Exception:  # a damaged file: refused with its reason when it is read
        return 0
    finally:
        file.seek(0)


def read(
    file: IO[bytes],
    *,
    size: int,
    agency: Agency | None = None,
    user: User | None = None,
    validate: bool = True,
) -> Plan:
    """The plan for an uploaded workbook, or WorkbookRefused. Reads; never writes. `agency` is
    the uploader's own; `user` the uploader, whose grants (permissions.agencies_user_reports_for)
    decide which agencies' rows they may upload. With `validate` off the services' content
    rules are left to the services themselves (the apply step, which calls them anyway); the
    cells are still parsed and the versions compared. Every read is one query for all rows
    and all agencies (a closed period's extension is asked per agency)."""
    book = _open(file, size)
    try:
        about = _about(book, _language(book))
        multi = about.get(workbook.FORMAT_LABEL) == workbook.MULTI_FORMAT
        # The sheets and headers as the workbook was written; the errors in the reader's words.
        layout = workbook.layout(about[workbook.LANGUAGE], multi)
        rows = _rows(_sheet(book, layout.updates), layout.update_columns)
        ids = [_int(values.get(workbook.ITEM_ID)) for _, values in rows]
        if multi:
            codes = [_code(values.get(workbook.AGENCY)) for _, values in rows]
            by_code = {a.code: a for a in Agency.objects.filter(code__in=set(codes))}
            allowed = (permissions.agencies_user_reports_for(user) if user is not None
                       else {agency.pk} if agency is not None else set())  # fmt: skip
            row_agencies = [by_code.get(code) for code in codes]
        else:
            single = _single_agency(about, agency, user)
            codes = [None] * len(rows)
            allowed = {single.pk}
            row_agencies = [single] * len(rows)
        # A one-agency workbook covers its agency even with no row filled in.
        covered = (sorted({a.pk: a for a in row_agencies if a and a.pk in allowed}.values(),
                          key=lambda a: a.code) if multi else [single])  # fmt: skip
        period = _period(about, covered)
        items = {
            item.pk: item
            for item in PlanItem.objects.filter(policy_id=period.policy_id,
                                                pk__in=[i for i in ids if i])
            .select_related("policy")
            # The services' checks read them: prefetched, a row costs no query for either.
            .prefetch_related("indicators", "responsibilities")
        }  # fmt: skip
        refused_rows: dict[int, str] = {}
        foreign = []
        for (row, values), item_id, row_agency, code in zip(rows, ids, row_agencies, codes,
                                                            strict=True):  # fmt: skip
            if row_agency is None or row_agency.pk not in allowed:
                # A row for an agency the uploader does not report for: refused, alone.
                refused_rows[row] = _("You do not report for %(agency)s.") % {
                    "agency": code or _("(no agency)")
                }
            elif item_id not in items or not permissions.is_responsible(
                row_agency.pk, items[item_id]
            ):
                foreign.append(
                    _("row %(row)s (item %(item)s)")
                    % {"row": row, "item": values.get(workbook.ITEM_ID)}
                )
        if foreign:
            whose = ", ".join(a.code for a in covered)
            listed = workbook.listed(foreign[:10])
            if len(foreign) > 10:
                listed = _("%(rows)s and %(count)s more") % {
                    "rows": listed,
                    "count": len(foreign) - 10,
                }
            raise WorkbookRefused(
                _(
                    "These rows are not %(whose)s's items in %(policy)s %(period)s: %(rows)s. "
                    "Upload only the workbook of an agency you report for, with its item ids "
                    "unchanged."
                )
                % {
                    "whose": whose,
                    "policy": period.policy.code,
                    "period": period.label,
                    "rows": listed,
                }
            )
        pairs = list(zip(codes, ids, strict=True))
        if len(set(pairs)) != len(pairs):
            message = (
                _("An item appears on more than one row of the %(sheet)s sheet; keep one row each.")
                if not multi
                else _(
                    "An agency's item appears on more than one row of the %(sheet)s sheet; keep "
                    "one row each."
                )
            )
            raise WorkbookRefused(message % {"sheet": layout.updates})
        indicator_errors: dict = {}
        owed = {i: items[i] for i in ids if i in items}
        indicator_values = _indicator_values(book, owed, indicator_errors, layout, multi)
    finally:
        book.close()
    agency_ids = [a.pk for a in covered]
    updates = {
        (u.agency_id, u.item_id): u
        for u in ProgressUpdate.objects.filter(
            period=period, agency_id__in=agency_ids, item_id__in=owed
        ).prefetch_related("indicator_values")
    }
    for update in updates.values():
        update.item = owed[update.item_id]
    previous = status.last_approved_before_by_pair(owed, agency_ids, period)
    plans = []
    for (row, values), item_id, row_agency, code in zip(rows, ids, row_agencies, codes,
                                                        strict=True):  # fmt: skip
        if row in refused_rows:
            cell = CellError(layout.updates, row, layout.header(workbook.AGENCY),
                             refused_rows[row])  # fmt: skip
            plans.append(RowPlan(row=row, item=items.get(item_id), action=UNCHANGED,
                                 agency=row_agency, item_id=item_id, errors=[cell],
                                 sheet=layout.updates))  # fmt: skip
            continue
        key = (row_agency.pk, item_id)
        plan = _plan_row(row, values, owed[item_id], updates.get(key), period, row_agency,
                         indicator_values.get((code, item_id), {}), validate,
                         previous.get(key), layout)  # fmt: skip
        plan.agency, plan.item_id = row_agency, item_id
        # An indicator cell that cannot be read refuses its item's row.
        plan.errors.extend(indicator_errors.get((code, item_id), []))
        plans.append(plan)
    primary = covered[0] if covered else agency
    return Plan(agency=primary, period=period, rows=plans, agencies=covered)


def _plan_row(
    row, values, item, update, period, agency, indicator_values, validate, previous, layout
) -> RowPlan:
    cells = _Cells(layout.updates, row)
    version = _int(values.get(workbook.VERSION))
    submit_column = layout.header(workbook.SUBMIT)
    version_column = layout.header(workbook.VERSION)
    answer = str(values.get(workbook.SUBMIT) or "").strip().casefold()
    if answer not in workbook.submit_answers():
        cells.error(
            submit_column,
            _("Choose %(yes)s or %(no)s.")
            % {"yes": workbook.header(workbook.YES), "no": workbook.header(workbook.NO)},
        )
    submit = workbook.submit_answers().get(answer, False)
    plan = RowPlan(row=row, item=item, action=NEW if update is None else EDIT, submit=submit,
                   update=update, version=version, previous=previous,
                   errors=cells.errors, sheet=layout.updates)  # fmt: skip
    if update is None and _is_empty(values, indicator_values):
        plan.action = EMPTY
        if submit:
            cells.error(submit_column, _("There is nothing to submit: fill in the row first."))
        return plan
    if _stale(cells, version, update, version_column):
        return plan
    reported, unparsed = _reported(cells, values, layout)
    if unparsed:
        return plan
    data = UpdateData(**reported, indicator_values=indicator_values)
    plan.data = data
    if _same(reported, indicator_values, update):
        plan.action = UNCHANGED
        if not submit:
            return plan
    if update is not None and not update.is_editable:
        cells.error(
            version_column,
            _("This update is %(state)s: it cannot be changed here.")
            % {"state": update.get_state_display().lower()},
        )
        return plan
    if validate:
        try:
            services.validate_update(item, agency.pk, period, data, previous=previous)
        except ValidationError as error:
            _service_errors(cells, error, layout)
    return plan
