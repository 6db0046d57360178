import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from agencies.models import Agency
from demo.sample_data import DEFAULT_SEED, sample_updates_remove
from demo.scale_data import SCALE_PERIODS, synthetic_plan_create, synthetic_plan_remove
from interventions.models import Indicator, PlanItem, Responsibility
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod

WRITTEN = (Agency, Agency.members.through, PlanItem, PlanItem.priorities.through,
           PlanItem.budget_determined_by.through, Responsibility, Indicator, ProgressUpdate,
           IndicatorValue, ReportingPeriod)  # fmt: skip


class Command(BaseCommand):
    help = (
        "Generate a synthetic plan FACTOR times the real one (agencies, items, responsibilities, "
        "indicators; marked is_synthetic, refs and codes prefixed SYN<k>-) and sample progress "
        "(is_sample) for the last PERIODS periods of every item, real and synthetic. For "
        "benchmarks only; rerunning adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, required=True, help="1 = the real plan only.")
        parser.add_argument("--periods", type=int, default=SCALE_PERIODS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every synthetic record and every sample update.",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Only delete every synthetic record and every sample update.",
        )
        parser.add_argument(
            "--allow-production-like",
            action="store_true",
            help="Run with DEBUG off (a benchmark database with production settings).",
        )

    def handle(self, *args, factor, periods, seed, reset, remove, allow_production_like, **opts):
        if not settings.DEBUG and not allow_production_like:
            raise CommandError(
                "Synthetic data must never reach a real database: refused with DEBUG off "
                "(pass --allow-production-like for a benchmark database)."
            )
        if factor < 1 or periods < 1:
            raise CommandError("--factor and --periods are 1 or more.")
        started = time.perf_counter()
        if reset or remove:
            items = synthetic_plan_remove()
            updates = sample_updates_remove()
            self.stdout.write(
                f"Removed {items} synthetic items with their updates, and {updates} other "
                "sample updates."
            )
            if remove:
                return
        counts = synthetic_plan_create(factor=factor, periods=periods, seed=seed)
        if connection.vendor == "postgresql":
            # Fresh planner statistics, so a benchmark run straight after sees realistic plans
            # (of the tables written: the whole database took seconds more).
            with connection.cursor() as cursor:
                for model in WRITTEN:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.perf_counter() - started
        progress = counts.progress
        cpu = sum(os.times()[:2])
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(
            f"Made {counts.copies_made} synthetic copies ({counts.items_made} items), "
            f"{progress.updates} sample updates and {progress.indicator_values} indicator "
            f"values in {elapsed:.1f} s (this process's CPU {cpu:.1f} s; load average {load})."
        )
        self.stdout.write(f"Now: {totals()}.")


def totals() -> str:
    items = PlanItem.objects
    updates = ProgressUpdate.objects
    return (
        f"{items.count()} items ({items.filter(is_synthetic=True).count()} synthetic), "
        f"{Agency.objects.count()} agencies "
        f"({Agency.objects.filter(is_synthetic=True).count()} synthetic), "
        f"{Responsibility.objects.count()} responsibilities, {Indicator.objects.count()} "
        f"indicators, {updates.count()} updates ({updates.filter(is_sample=True).count()} "
        f"sample), {IndicatorValue.objects.count()} indicator values"
    )
