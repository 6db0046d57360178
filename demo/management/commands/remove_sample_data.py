from django.core.management.base import BaseCommand

from demo.sample_data import sample_updates_remove


class Command(BaseCommand):
    help = (
        "Delete every sample progress update (is_sample) with its indicator values, evidence, "
        "comments and history. Real updates are untouched."
    )

    def handle(self, *args, **options):
        removed = sample_updates_remove()
        self.stdout.write(f"Removed {removed} sample updates and their children.")
