"""Seeding a reported quarter, and reading a report's figures back from the database and files.

The expected figures are computed here with plain ORM queries, independently of
reporting/figures.py, so a report is checked against the data rather than against itself.
"""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.db.models import OuterRef, Subquery
from pypdf import PdfReader

from agencies.models import User
from committee.models import QuarterlyReport
from committee.reports import generation, services
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from reporting.models import ProgressUpdate
from tests.factories import ProgressUpdateFactory, quarter_period, user_with_role

Q3 = Quarter.parse("2025Q3")
STATUS_LABELS = {**dict(ProgressUpdate.Status.choices), "none": "No approved update"}


def committee_people() -> dict[str, User]:
    """The secretary, two members (one with no address), and a MOI officer and reviewer."""
    role = User.Role
    return {
        "secretary": user_with_role(
            role.COMMITTEE_SECRETARY, username="secretary", email="secretary@acis.gov.pk"
        ),
        "member": user_with_role(
            role.COMMITTEE_MEMBER, username="member", email="member@acis.gov.pk"
        ),
        "silent_member": user_with_role(role.COMMITTEE_MEMBER, username="no.mail", email=""),
        "officer": user_with_role(
            role.DESK_OFFICER, "MOI", username="officer", email="officer@interior.gov.pk"
        ),
        "reviewer": user_with_role(role.AGENCY_REVIEWER, "MOI", username="reviewer"),
    }


def generated(secretary: User, policy: Policy, quarter: Quarter = Q3) -> QuarterlyReport:
    """A report requested by the secretary and generated in process."""
    report = services.report_request(user=secretary, quarter=quarter, policy=policy)
    return generation.report_generate(report.pk)


def seed_quarter() -> list[PlanItem]:
    """Approved NISP 2018 updates over 2025Q2-Q3, one only submitted; returns the items."""
    nisp = Policy.objects.get(code="NISP-2018")
    items = list(PlanItem.objects.filter(policy=nisp).order_by("position")[:6])
    q2, q3 = quarter_period("NISP-2018", "2025Q2"), quarter_period("NISP-2018", "2025Q3")
    ProgressUpdateFactory(item=items[0], period=q2, status="on_track")
    ProgressUpdateFactory(
        item=items[0],
        period=q3,
        status="delayed",
        confidence="red",
        confidence_rationale="Funds for the secretariat were not released.",
        next_steps="Seek a supplementary grant.",
        budget_released=Decimal("1000"),
        budget_spent=Decimal("400"),
    )
    ProgressUpdateFactory(
        item=items[1],
        period=q3,
        status="completed",
        percent_complete=100,
        budget_released=Decimal("2500.50"),
        budget_spent=Decimal("2500.50"),
    )
    ProgressUpdateFactory(item=items[2], period=q3, status="on_track")
    ProgressUpdateFactory(
        item=items[3],
        period=q3,
        status="at_risk",
        confidence="amber",
        confidence_rationale="Provinces have not nominated members.",
    )
    # Only submitted: it must not count until approved.
    ProgressUpdateFactory(item=items[4], period=q3, state="submitted", status="on_track")
    return items


def _latest_approved(field: str, quarter: Quarter) -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(
            item=OuterRef("pk"), state="approved", period__start__lte=quarter.end
        )
        .order_by("-period__start", "-reviewed_at")
        .values(field)[:1]
    )


def expected_from_database(policy_code: str = "NISP-2018", quarter: Quarter = Q3) -> dict:
    """Status counts (by label), item statuses and budget, straight from the database."""
    items = PlanItem.objects.filter(policy__code=policy_code).annotate(
        status=_latest_approved("status", quarter),
        released=_latest_approved("budget_released", quarter),
        spent=_latest_approved("budget_spent", quarter),
    )
    rows = list(items.values("ref", "status", "released", "spent"))
    counts = Counter(STATUS_LABELS[row["status"] or "none"] for row in rows)
    return {
        "items": len(rows),
        "by_status": {label: counts.get(label, 0) for label in STATUS_LABELS.values()},
        "status_of": {row["ref"]: STATUS_LABELS[row["status"] or "none"] for row in rows},
        "released": float(sum(row["released"] or 0 for row in rows)),
        "spent": float(sum(row["spent"] or 0 for row in rows)),
    }


def wait_until_finished(report_id: int, timeout: float = 120.0) -> QuarterlyReport:
    """Poll the database while a worker in another process builds the report."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = QuarterlyReport.objects.get(pk=report_id)
        if report.state in (QuarterlyReport.State.DONE, QuarterlyReport.State.FAILED):
            return report
        time.sleep(0.5)
    raise AssertionError(f"Report {report_id} still {report.state} after {timeout}s")


def figures_in_xlsx(path: Path) -> dict:
    workbook = openpyxl.load_workbook(path, read_only=True)
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    annex = list(workbook["Annex"].iter_rows(values_only=True))
    header = annex[0]
    budget = {row[0]: row for row in workbook["Budget"].iter_rows(values_only=True)}
    ref, status = header.index("Ref"), header.index("Status")
    return {
        "items": dict((row[0], row[1]) for row in summary[1:])["Total"],
        "by_status": {row[0]: row[1] for row in summary[1:-1]},
        "status_of": {row[ref]: row[status] for row in annex[1:]},
        "released": budget["Total"][3],
        "spent": budget["Total"][4],
    }


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def figures_in_pdf(path: Path) -> dict:
    """The status table and the items count as printed in the PDF."""
    text = pdf_text(path)
    table = text[text.index("Status of all items") :]
    table = table[: table.index("\nTotal ")]
    by_status = {}
    for label in STATUS_LABELS.values():
        line = next(line for line in table.splitlines() if line.startswith(f"{label} "))
        by_status[label] = int(line.removeprefix(f"{label} ").split()[0])
    items = int(text[text.index("Items in scope") :].split()[3])
    return {"items": items, "by_status": by_status}
