"""Write an agency's workbook for a period: `manage.py export_workbook MOI 2026Q4`; several
agencies (comma-separated, `MOI,NACTA`) give one workbook with an Agency column.

PERIOD is a period's id or its label (with --policy when two policies share the label).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from reporting import workbook
from reporting.models import ReportingPeriod


class Command(BaseCommand):
    help = "Write the agency workbook (XLSX) for one agency and reporting period."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="Agency code, e.g. MOI, or several: MOI,NACTA.")
        parser.add_argument("period", help="Period id or label, e.g. 2026Q4.")
        parser.add_argument("--policy", help="Policy code, when the label is not unique.")
        parser.add_argument("--output", "-o", help="File to write (default: its own name).")

    def handle(self, *args, agency, period, policy=None, output=None, **options):
        codes = [code.strip() for code in agency.split(",") if code.strip()]
        by_code = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in by_code]
        if unknown or not codes:
            raise CommandError(f"No agency has the code {', '.join(unknown) or agency!r}.")
        found = [by_code[code] for code in dict.fromkeys(codes)]
        periods = ReportingPeriod.objects.select_related("policy")
        periods = (
            periods.filter(pk=int(period)) if period.isdigit() else periods.filter(label=period)
        )
        if policy:
            periods = periods.filter(policy__code=policy)
        matches = list(periods[:2])
        if not matches:
            raise CommandError(f"No reporting period {period!r}.")
        if len(matches) > 1:
            raise CommandError(f"{period} is a period of several policies: add --policy CODE.")
        chosen = matches[0]
        path = Path(output or workbook.filename(found, chosen))
        path.write_bytes(workbook.build(agencies=found, period=chosen))
        self.stdout.write(f"Wrote {path}")
