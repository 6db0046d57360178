"""Benchmark: the committee dashboard's render time and query count on given databases.

Three figures per database, in the same process and run: the page with its figures cached
(the steady state: the figures change only when a service bumps the data version), the page
right after a change (the figures computed afresh, as every request did before the cache),
and the floor beside them: computing the figures alone, without the page.

    python bench/dashboard.py postgres://postgres@127.0.0.1:5432/nisp_data_f10 [URL ...]
    python bench/dashboard.py --runs 7 --scope all URL

Each URL is measured in its own process (settings read DATABASE_URL once). A render is the
whole view through a RequestFactory request as a committee member: figures, crosswalk and
template; median and fastest of --runs renders after one warm-up. Nothing is written to the
database (no session, no login). Fill a database with `manage.py make_scale_data --factor N`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(runs: int, scope: str, quarter: str) -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    django.setup()
    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from agencies.models import User
    from committee.figures import compute_committee_figures
    from committee.views import dashboard
    from core.data_version import data_version_bump
    from core.quarters import Quarter
    from interventions.models import PlanItem, Policy
    from reporting.models import ProgressUpdate

    member = User(username="bench", role=User.Role.COMMITTEE_MEMBER)
    params = {"policy": scope, **({"quarter": quarter} if quarter else {})}

    def render():
        request = RequestFactory().get("/dashboard/", params)
        request.user = member
        response = dashboard(request)
        assert response.status_code == 200, response.content[:500]
        return response

    class Rollback(Exception):
        pass

    def after_a_change():
        # A bump in a rolled-back transaction: a cold cache, and nothing written.
        try:
            with transaction.atomic():
                data_version_bump()
                render()
                raise Rollback
        except Rollback:
            pass

    chosen = Quarter.parse(quarter) if quarter else Quarter.of(datetime.date.today())
    policy = None if scope == "all" else Policy.objects.get(code=scope)

    def figures_only():
        compute_committee_figures(quarter=chosen, policy=policy)

    render()
    result = {
        "database": connection.settings_dict["NAME"],
        "items": PlanItem.objects.count(),
        "updates": ProgressUpdate.objects.count(),
    }
    for name, function in (("cached", render), ("changed", after_a_change),
                           ("figures", figures_only)):  # fmt: skip
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                function()
            times.append(time.perf_counter() - start)
        result[f"{name}_ms"] = round(1000 * statistics.median(times))
        result[f"{name}_q"] = len(queries.captured_queries)
    result["cached/figures"] = round(result["cached_ms"] / max(result["figures_ms"], 1), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="*", help="DATABASE_URLs (default: $DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scope", default="NISP-2018", help="a policy code or 'all'")
    parser.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: this quarter)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = measure(args.runs, args.scope, args.quarter)
        print("\t".join(str(result[key]) for key in COLUMNS))
        return
    urls = args.urls or [os.environ["DATABASE_URL"]]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"dashboard render, scope {args.scope}, medians of {args.runs}; load average {load}")
    print("\t".join(COLUMNS))
    for url in urls:
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": os.environ.get("DEBUG", "1")}
        command = [sys.executable, __file__, "--one", "--runs", str(args.runs),
                   "--scope", args.scope, "--quarter", args.quarter]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        print(done.stdout.strip() if done.returncode == 0 else f"{url}\tfailed: {done.stderr}")


COLUMNS = ["database", "items", "updates", "cached_ms", "cached_q", "changed_ms", "changed_q",
           "figures_ms", "figures_q", "cached/figures"]  # fmt: skip

if __name__ == "__main__":
    main()
