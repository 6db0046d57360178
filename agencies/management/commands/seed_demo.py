import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.services import MissingAgencyError, demo_accounts_ensure

DEFAULT_DEMO_PASSWORD = "nisp-demo-2026"


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and print how to log in. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create demo accounts even with DEBUG off (never on a real deployment).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo accounts have known passwords: refused with DEBUG off.")
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        try:
            results = demo_accounts_ensure(password=password)
        except MissingAgencyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Demo accounts (user name / password / role):")
        for account, created in results:
            agency = f" · {account.agency_code}" if account.agency_code else ""
            state = "created" if created else "reset"
            self.stdout.write(
                f"  {account.username:<16} {password:<16} {account.role}{agency} ({state})"
            )
