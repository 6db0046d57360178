from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from committee.reports import generation, services
from core.errors import ConflictError
from core.quarters import Quarter


class Command(BaseCommand):
    help = (
        "Generate the quarterly progress report for a quarter (e.g. 2025Q3) in this process, "
        "as a new version, and print where its files are. Needs no Celery worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="The calendar quarter, written like 2025Q3.")
        parser.add_argument(
            "--policy",
            default=services.SCHEDULED_SCOPE,
            help="A policy code, or 'all' for every policy (default: %(default)s).",
        )

    def handle(self, *args, quarter: str, policy: str, **options):
        try:
            report = services.report_create_unqueued(
                quarter=Quarter.parse(quarter), policy=services.scope_policy(policy)
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except ConflictError as error:
            raise CommandError(str(error)) from error
        try:
            report = generation.report_generate(report.pk)
        except Exception as error:
            raise CommandError(f"Version {report.version} of {report} failed: {error}") from error
        self.stdout.write(f"{report}: {report.get_state_display().lower()}")
        if report.contains_sample:
            self.stdout.write("This report contains SAMPLE data.")
        for field in ("pdf", "xlsx", "csv"):
            self.stdout.write(f"  {_location(getattr(report, field))}")
        self.stdout.write(f"  {generation.report_url(report)}")


def _location(file) -> str:
    try:
        return file.path
    except NotImplementedError:
        # A storage without local paths (object storage): its name there.
        return file.name
