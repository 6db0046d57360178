"""Benchmark: time and peak memory of generating a full quarterly report (all formats).

Each run happens in a fresh child process, so its peak resident memory (maxrss) is the report's
own. The report version it creates is deleted afterwards, files and all.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nisp_data_f10 .venv/bin/python bench/report.py
    .venv/bin/python bench/report.py --database-url postgres://…/f1 --database-url postgres://…/f10

Scale databases come from `manage.py make_scale_data --factor N` (migrated to this branch).
Targets: under 10 s at factor 1 and under 60 s at factor 10, growing linearly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Issue 23's targets for the x10 report, scope all, every format.
TARGET_SECONDS, TARGET_MB = 20, 400


def profiled(function, path: str):
    """`function` under pyinstrument (installed by hand: a tool, not a dependency), its
    call tree written to `path`."""
    from pyinstrument import Profiler

    def wrapper(*args, **kwargs):
        profiler = Profiler()
        profiler.start()
        try:
            return function(*args, **kwargs)
        finally:
            profiler.stop()
            Path(path).write_text(profiler.output_text(show_all=False))

    return wrapper


def pdf_pages(field) -> int:
    from pypdf import PdfReader

    with field.open("rb") as file:
        return len(PdfReader(file).pages)


def child(scope: str, quarter: str | None, profile: str | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from committee.figures import compute_committee_figures
    from committee.models import QuarterlyReport
    from committee.reports import generation, services
    from core.quarters import Quarter
    from interventions.models import PlanItem
    from reporting.models import ProgressUpdate

    chosen = Quarter.parse(quarter) if quarter else Quarter.of(timezone.localdate()).previous()
    timings: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = round(timings.get(name, 0) + time.perf_counter() - started, 2)

        return wrapper

    # Time each stage by wrapping the functions generation calls; behaviour is unchanged.
    for name in ("committee_figures", "render_pdf", "render_xlsx", "render_csv"):
        setattr(generation, name, timed(name.removeprefix("render_"), getattr(generation, name)))
    if profile:
        generation.render_pdf = profiled(generation.render_pdf, profile)

    # The floor beside it: the figures computed afresh, no rendering (what every format needs).
    policy = services.scope_policy(scope)
    started = time.perf_counter()
    compute_committee_figures(quarter=chosen, policy=policy)
    floor_seconds = round(time.perf_counter() - started, 2)

    report = services.report_create_unqueued(quarter=chosen, policy=policy)
    started = time.perf_counter()
    report = generation.report_generate(report.pk)
    elapsed = time.perf_counter() - started
    result = {
        "database": connection.settings_dict["NAME"],
        "scope": report.scope,
        "quarter": report.quarter,
        "state": report.state,
        "items": PlanItem.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "annex_rows": len(report.snapshot["annex"]),
        "seconds": round(elapsed, 2),
        "stages": timings,
        "floor_figures_seconds": floor_seconds,
        "kilobytes": {f: getattr(report, f).size // 1024 for f in ("pdf", "xlsx", "csv")},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # CPU seconds of this process: on a shared machine the wall clock also counts waiting.
        "cpu_seconds": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
        "pages": pdf_pages(report.pdf),
    }
    for field in ("pdf", "xlsx", "csv"):
        getattr(report, field).delete(save=False)
    QuarterlyReport.objects.filter(pk=report.pk).delete()
    return result


def run(database_url: str, scope: str, quarter: str | None, profile: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as media:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": media,
            "DEBUG": os.environ.get("DEBUG", "1"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        command = [sys.executable, __file__, "--child", "--scope", scope]
        if profile:
            command += ["--profile", profile]
        if quarter:
            command += ["--quarter", quarter]
        output = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if output.returncode:
            raise SystemExit(output.stderr)
        return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", dest="urls")
    parser.add_argument("--scope", default="ALL", help="A policy code, or ALL (the default).")
    parser.add_argument("--quarter", help="Default: the last completed quarter.")
    parser.add_argument("--profile", help="Write the PDF stage's pyinstrument profile here.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.scope, args.quarter, args.profile)))
        return
    urls = args.urls or [os.environ.get("DATABASE_URL", "")]
    if not all(urls):
        raise SystemExit("Give --database-url or set DATABASE_URL.")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for url in urls:
        result = run(url, args.scope, args.quarter, args.profile)
        stages = ", ".join(f"{name} {seconds} s" for name, seconds in result["stages"].items())
        print(
            f"{result['database']}: {result['scope']} {result['quarter']} {result['state']}; "
            f"{result['items']} items, {result['updates']} updates, "
            f"{result['annex_rows']} annex rows; {result['seconds']} s ({stages}); "
            f"CPU {result['cpu_seconds']} s; {result['pages']} PDF pages; "
            f"peak RSS {result['peak_rss_mb']} MB; files (KB) {result['kilobytes']}; "
            f"floor (figures alone, fresh) {result['floor_figures_seconds']} s, "
            f"report / floor {result['seconds'] / max(result['floor_figures_seconds'], 0.01):.1f}x;"
            " "
            f"targets < {TARGET_SECONDS} s, < {TARGET_MB} MB; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )


if __name__ == "__main__":
    main()
