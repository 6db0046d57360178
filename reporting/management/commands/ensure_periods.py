from django.core.management.base import BaseCommand

from reporting.services import periods_ensure


class Command(BaseCommand):
    help = "Create the current and next reporting period of every policy (safe to rerun)."

    def handle(self, *args, **options):
        created = periods_ensure()
        for period in created:
            self.stdout.write(f"Created {period} (deadline {period.deadline})")
        if not created:
            self.stdout.write("Reporting periods already in place.")
