from django.core.management.base import BaseCommand

from agencies.models import User
from demo.sample_data import sample_updates_remove
from demo.sample_plan import sample_plan_remove
from demo.sample_sensitivity import sample_sensitivity_remove


class Command(BaseCommand):
    help = (
        "Delete every sample progress update (is_sample) with its indicator values, evidence, "
        "comments and history, and every sample due date and target (revisions and requests). "
        "Real updates and the committee's revisions are untouched."
    )

    def handle(self, *args, **options):
        removed = sample_updates_remove()
        self.stdout.write(f"Removed {removed} sample updates and their children.")
        revisions = sample_plan_remove()
        self.stdout.write(f"Removed {revisions} sample plan revisions and their requests.")
        secretary = User.objects.filter(role=User.Role.COMMITTEE_SECRETARY).first()
        levels = sample_sensitivity_remove(secretary=secretary)
        self.stdout.write(f"Returned {levels} items from their sample sensitivity to official.")
