"""The item list as a table: one spreadsheet row per item, for the CSV and XLSX downloads.

Readable headers and labels (not codes), written through core.tables; the web list and the
API's `?format=csv|xlsx` share it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone

from core.tables import Column
from interventions.export import theme_path
from interventions.models import Indicator, PlanItem, Sensitivity
from reporting import status
from reporting.models import ProgressUpdate

STATUS_LABELS = dict(ProgressUpdate.Status.choices)
RATING_LABELS = dict(ProgressUpdate.Confidence.choices)
SENSITIVITY_LABELS = dict(Sensitivity.choices)
MONEY = "#,##0.00"

ITEM_TABLE_COLUMNS = [
    Column("Id", 8),
    Column("Policy", 12),
    Column("Ref", 10),
    Column("Theme", 30),
    Column("Text", 60),
    Column("Agencies", 20),
    Column("Term", 12),
    Column("Due date", 12, "yyyy-mm-dd"),
    Column("Overdue", 9),
    Column("Status", 14),
    Column("Percent complete", 10),
    Column("Rating", 12),
    Column("Last approved", 14, "yyyy-mm-dd"),
    Column("Budget as written", 20),
    Column("Budget allocated", 16, MONEY),
    Column("Currency", 9),
    Column("Budget released", 16, MONEY),
    Column("Budget spent", 16, MONEY),
    Column("Indicators", 12),
    Column("Indicator actuals", 60),
    Column("Source", 24),
    Column("Who may read", 12),
]


def _actual(indicator: Indicator) -> str:
    if indicator.latest_period is None:
        value = "not reported"
    else:
        number = indicator.latest_number
        shown = f"{number.normalize():f}" if number is not None else indicator.latest_text
        value = f"{shown} {indicator.unit}".strip() + f" ({indicator.latest_period})"
    target = "" if indicator.target is None else f"; target {indicator.target.normalize():f}"
    return f"{indicator.description}: {value}{target}"


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def item_table_rows(items: Iterable[PlanItem]) -> Iterator[list]:
    """The item list as a spreadsheet row per item, for the CSV and XLSX downloads.

    Items come from `reporting.selectors.items_for_table` (current status and money, due date
    in force, responsibilities, indicators with their latest approved actual).
    """
    today = timezone.localdate()
    for item in items:
        indicators = list(item.indicators.all())
        yield [
            item.pk,
            item.policy.code,
            item.ref,
            " › ".join(theme_path(item.theme)) if item.theme_id else "",
            item.text,
            "; ".join(r.agency.code for r in item.responsibilities.all() if r.agency_id),
            str(item.get_term_display()),
            item.due_in_force,
            "Yes" if status.is_overdue(item.due_in_force, item.current_status, today) else "No",
            str(STATUS_LABELS.get(item.current_status, "Not yet approved")),
            item.current_percent,
            str(RATING_LABELS.get(item.current_confidence, "")),
            _day(item.last_approved_at),
            item.budget_as_written,
            item.budget_amount,
            item.budget_currency,
            item.current_released,
            item.current_spent,
            len(indicators),
            "; ".join(_actual(indicator) for indicator in indicators),
            f"{item.source_file}:{item.source_lines}",
            str(SENSITIVITY_LABELS[item.sensitivity]),
        ]


def table_filename(filters: dict, extension: str) -> str:
    """A name that says what and when: nisp-items-MOI-2026-12-01.xlsx (the policy and agency
    filtered on, if any, then today's date). `filters` holds objects or codes."""
    parts = ["nisp-items"]
    for key in ("policy", "agency"):
        chosen = filters.get(key)
        if chosen:
            parts.append(getattr(chosen, "code", chosen))
    parts.append(timezone.localdate().isoformat())
    return f"{'-'.join(parts)}.{extension}"
