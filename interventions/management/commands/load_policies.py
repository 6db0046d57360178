from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interventions.fixture_reader import FixtureError
from interventions.loader import FIXTURES_DIR, load_policies


class Command(BaseCommand):
    help = "Load or update the policy fixtures in fixtures/ (one transaction; nothing on error)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", default=str(FIXTURES_DIR), help="Folder of fixture files to load."
        )

    def handle(self, *args, fixtures, **options):
        try:
            counts = load_policies(Path(fixtures))
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        if not counts:
            self.stdout.write("Policy data already up to date: nothing changed.")
            return
        for what, number in sorted(counts.items()):
            self.stdout.write(f"{number:6d} {what}")
        self.stdout.write(self.style.SUCCESS("Policy data loaded."))
