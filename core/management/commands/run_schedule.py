"""Run the beat schedule (settings.CELERY_BEAT_SCHEDULE) in this process, without a broker.

`make run` starts it beside the web server so periods close, reminders go out (to the
console) and reports are requested as in production, where `celery beat` does this.
"""

from __future__ import annotations

import datetime
import time

from celery import current_app
from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

# How often to look at the schedule; the shortest entry is minutes long.
TICK_SECONDS = 30


class Command(BaseCommand):
    help = "Run the periodic tasks of CELERY_BEAT_SCHEDULE in-process (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")

    def handle(self, *args, once: bool = False, **options):
        # No worker started here, so nothing imported the apps' task modules yet.
        current_app.loader.import_default_modules()
        epoch = timezone.make_aware(datetime.datetime(2000, 1, 1))
        now = timezone.now()
        entries = {}
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = maybe_schedule(entry["schedule"], app=current_app)
            # Intervals run at once on start; daily jobs wait for their hour.
            last = now if isinstance(schedule, crontab) else epoch
            entries[name] = (entry["task"], schedule, last)
        while True:
            for name, (task, schedule, last) in entries.items():
                if not schedule.is_due(last).is_due:
                    continue
                result = current_app.tasks[task].apply(throw=False)
                self.stdout.write(f"{timezone.now():%H:%M:%S} {name}: {result.state}")
                entries[name] = (task, schedule, timezone.now())
            if once:
                return
            time.sleep(TICK_SECONDS)
