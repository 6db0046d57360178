"""Benchmark: an agency workbook of 2,000 rows downloaded, filled, checked into its preview and
applied, on this machine. Targets: check + preview under 10 s, apply under 20 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nisp_bench .venv/bin/python bench/workbook.py

Needs a database with the policies loaded (`manage.py migrate && manage.py load_policies`).
Everything it creates (synthetic copies of MoI's NISP 2018 items, marked `is_synthetic`, a
benchmark officer, the period, the updates) is made inside one transaction that is rolled back
at the end, so the database is left as it was. A benchmark, not a test: it prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Rollback(Exception):
    pass


def main() -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-workbook-")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.urls import reverse
    from openpyxl import load_workbook
    from simple_history.utils import bulk_create_with_history

    from agencies.models import Agency, User
    from core.quarters import Quarter
    from interventions.models import PlanItem, Policy, Responsibility
    from reporting import imports, workbook
    from reporting.models import ProgressUpdate, ReportingPeriod

    # A running web or worker process has its URLs loaded; the notices' links need them.
    reverse("reporting:review_queue")
    # DEBUG only spares the bench a SECRET_KEY: queries are not logged, as in production.
    settings.DEBUG = False
    settings.IMPORT_BACKGROUND_ROWS = 10**9  # measured in this process, not on a worker
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    figures: dict[str, float] = {}
    queries: dict[str, int] = {}
    kinds: dict[str, dict[str, int]] = {"download (build the workbook)": {},
        "upload: check + preview": {}, "confirm: apply": {},
        "edit + submit: check": {}, "edit + submit: apply": {},
        "floor: bulk insert + history": {}}  # fmt: skip

    def timed(name, function, *a, **kw):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            if os.environ.get("BENCH_SQL"):
                kinds[name][sql[:90]] = kinds[name].get(sql[:90], 0) + 1
            return execute(sql, params, many, context)

        profiler = None
        if os.environ.get("BENCH_PROFILE") and name.startswith(os.environ["BENCH_PROFILE"]):
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = function(*a, **kw)
        if profiler is not None:
            profiler.stop()
            Path(os.environ.get("BENCH_PROFILE_OUT", "/tmp/bench-workbook.txt")).write_text(
                profiler.output_text(show_all=False)
            )
        figures[name] = time.perf_counter() - start
        queries[name] = count[0]
        return result

    try:
        with transaction.atomic():
            moi = Agency.objects.get(code="MOI")
            nisp = Policy.objects.get(code="NISP-2018")
            quarter = Quarter.of(django.utils.timezone.localdate())
            period, _ = ReportingPeriod.objects.update_or_create(
                policy=nisp, label=quarter.label,
                defaults={"start": quarter.start, "end": quarter.end,
                          "deadline": quarter.end, "state": ReportingPeriod.State.OPEN},
            )  # fmt: skip
            officer = User.objects.create(
                username="bench.workbook", role=User.Role.DESK_OFFICER, agency=moi
            )
            sources = list(PlanItem.objects.filter(policy=nisp, responsibilities__agency=moi))
            owed = len(sources)
            copy = 0
            while owed < args.rows:
                copy += 1
                copies = []
                for source in sources[: args.rows - owed]:
                    item = PlanItem.objects.get(pk=source.pk)
                    item.pk = item.id = None
                    item.parent_id = None
                    item.ref = f"BENCH{copy}-{source.ref}"
                    item.position = source.position + 100_000 * copy
                    item.is_synthetic = True
                    copies.append(item)
                created = PlanItem.objects.bulk_create(copies)
                Responsibility.objects.bulk_create(
                    Responsibility(item=item, agency=moi, role=Responsibility.Role.LEAD,
                                   as_written="MoI", position=0)
                    for item in created
                )  # fmt: skip
                owed += len(created)

            content = timed("download (build the workbook)", workbook.build,
                            agency=moi, period=period)  # fmt: skip
            book = load_workbook(io.BytesIO(content))
            sheet = book[workbook.UPDATES]
            headers = [c.value for c in sheet[1]]
            col = {h: i for i, h in enumerate(headers, start=1)}
            filled = 0
            for row in sheet.iter_rows(min_row=2):
                # Valid for every row, whatever the sample data approved before: a decrease or
                # a change of rating from the last approved update has its reason.
                values = {"status": "In progress", "percent_complete": 40,
                          "confidence": "Green", "narrative": "Benchmark progress.",
                          "confidence_rationale": "Benchmark rating.",
                          "change_rationale": "Benchmark figures."}  # fmt: skip
                for name, value in values.items():
                    sheet.cell(row=row[0].row, column=col[workbook.field_header(name)], value=value)
                filled += 1
            out = io.BytesIO()
            book.save(out)
            upload = SimpleUploadedFile("bench.xlsx", out.getvalue())

            def floor() -> None:
                """The least an apply must do: the same rows inserted with their history in
                bulk, no workbook, no rules (in a savepoint, rolled back)."""
                owed_items = list(workbook._items(period, moi))
                sid = transaction.savepoint()
                bulk_create_with_history(
                    [ProgressUpdate(item=item, period=period, agency=moi, author=officer,
                                    status="in_progress", percent_complete=40,
                                    confidence="green", narrative="Benchmark progress.")
                     for item in owed_items if item.pk not in already],
                    ProgressUpdate, batch_size=500, default_user=officer,
                )  # fmt: skip
                transaction.savepoint_rollback(sid)

            already = set(
                ProgressUpdate.objects.filter(period=period, agency=moi).values_list(
                    "item_id", flat=True
                )
            )
            timed("floor: bulk insert + history", floor)
            record = timed("upload: check + preview", imports.import_create,
                           user=officer, upload=upload)  # fmt: skip
            record = timed("confirm: apply", imports.import_confirm,
                           user=officer, record=record, valid_only=False)  # fmt: skip
            made = ProgressUpdate.objects.filter(period=period, agency=moi).count()

            # The second round of a quarter: the same officer downloads the workbook again (now
            # with each draft's version), edits every row and marks it Submit. Each submission
            # notifies the agency's reviewer, as the form does.
            User.objects.create(username="bench.reviewer", role=User.Role.AGENCY_REVIEWER,
                                agency=moi, email="bench.reviewer@example.org")  # fmt: skip
            again = load_workbook(io.BytesIO(workbook.build(agency=moi, period=period)))
            sheet = again[workbook.UPDATES]
            for row in sheet.iter_rows(min_row=2):
                number = row[0].row
                sheet.cell(row=number, column=col[workbook.field_header("narrative")],
                           value="Benchmark progress, second round.")  # fmt: skip
                sheet.cell(row=number, column=col[workbook.SUBMIT], value=workbook.YES)
            out = io.BytesIO()
            again.save(out)
            second = timed("edit + submit: check", imports.import_create, user=officer,
                           upload=SimpleUploadedFile("bench-2.xlsx", out.getvalue()))  # fmt: skip
            second = timed("edit + submit: apply", imports.import_confirm,
                           user=officer, record=second, valid_only=False)  # fmt: skip
            submitted = ProgressUpdate.objects.filter(
                period=period, agency=moi, state=ProgressUpdate.State.SUBMITTED
            ).count()
            print(f"rows in the workbook: {filled}; file {len(content) / 1024:.0f} KB downloaded, "
                  f"{upload.size / 1024:.0f} KB uploaded")  # fmt: skip
            print(f"import state: {record.state}; updates created: {made}")
            print(f"second import state: {second.state}; updates submitted: {submitted}")
            raise Rollback
    except Rollback:
        pass
    targets = {
        "upload: check + preview": 10.0,
        "confirm: apply": 20.0,
        "edit + submit: check": 10.0,
        "edit + submit: apply": 20.0,
    }
    for name, seconds in figures.items():
        target = f" (target < {targets[name]:.0f} s)" if name in targets else ""
        print(f"{name:32} {seconds:7.2f} s {queries[name]:6} queries{target}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, seen in kinds.items():
        for sql, n in sorted(seen.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {name[:8]} {n:6} {sql}")


if __name__ == "__main__":
    main()
