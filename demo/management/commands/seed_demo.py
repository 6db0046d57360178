import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.models import User
from demo.accounts import MissingAgencyError, demo_accounts_ensure
from demo.sample_data import DEMO_PERIODS, demo_samples_ensure
from demo.sample_plan import sample_plan_ensure
from demo.sample_sensitivity import sample_sensitivity_ensure

DEFAULT_DEMO_PASSWORD = "nisp-demo-2026"


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role) and sample progress for the last few periods, "
        "and print how to log in. Safe to rerun; `remove_sample_data` takes the samples away."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create demo accounts even with DEBUG off (never on a real deployment).",
        )
        parser.add_argument(
            "--without-samples",
            action="store_true",
            help="Only the accounts: no sample progress.",
        )

    def handle(self, *args, allow_production=False, without_samples=False, **options):
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
        if without_samples:
            return
        counts = demo_samples_ensure()
        self.stdout.write(
            f"Sample progress (marked is_sample, last {DEMO_PERIODS} periods of each policy): "
            f"{counts.updates} updates and {counts.indicator_values} indicator values created; "
            "remove them with `python manage.py remove_sample_data`."
        )
        plan = sample_plan_ensure()
        self.stdout.write(
            f"Sample plan (marked is_sample, approved by the demo secretary): {plan.due_dates} "
            f"due dates and {plan.targets} indicator targets."
        )
        secretary = User.objects.get(username="secretary")
        levels = sample_sensitivity_ensure(secretary=secretary)
        self.stdout.write(
            f"Sample sensitivity (reason says sample data): {levels.public} items of NAP 2014 "
            f"and NISP 2018 made public, {levels.restricted} intelligence items restricted."
        )
