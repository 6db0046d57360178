import json
import sys

from django.core.management.base import BaseCommand

from interventions.export import plan_as_dict


class Command(BaseCommand):
    help = "Write the whole plan (policies, agencies, priorities, items) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when omitted.")

    def handle(self, *args, output=None, **options):
        plan = plan_as_dict()
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                json.dump(plan, handle, ensure_ascii=False, indent=2)
            self.stdout.write(f"Wrote {len(plan['items'])} items to {output}")
        else:
            json.dump(plan, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
