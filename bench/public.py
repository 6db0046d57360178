"""Benchmark: the public view's response times from cache, against a floor, on given databases.

Per page (/public/, a policy's page, an item's page, the crosswalk, the CSV open data): the
first response (its body computed and cached), then the median and fastest of --runs cached
responses, each a whole request through the middleware stack (Django's test client, no login),
beside the floor: a bare cache get of the same body plus an HttpResponse. The target is a
cached response under 50 ms. The machine's load average is printed beside the figures, since
a loaded machine slows both.

    python bench/public.py postgres://postgres@127.0.0.1:5432/nisp_data_f10 [URL ...]
    python bench/public.py --runs 21 --publish URL

--publish first marks every item of NISP 2018 and NAP 2014 public (real and synthetic), with
a reason saying it is benchmark data, so the pages list what a published plan at that scale
would; without it the pages show what the database already marks public. Fill a database
with `manage.py make_scale_data --factor N`; REDIS_URL chooses the cache (Redis, as deployed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def measure(runs: int, publish: bool) -> dict:
    # The throttle guards a deployment; a benchmark asking hundreds of pages must not trip it.
    os.environ.setdefault("PUBLIC_THROTTLE_RATE", "100000/minute")
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    django.setup()
    from django.core.cache import caches
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client

    from agencies.models import User
    from interventions import services
    from interventions.models import PlanItem

    if publish:
        secretary = User.objects.filter(role=User.Role.COMMITTEE_SECRETARY).first()
        if secretary is None:
            raise SystemExit("--publish needs a committee secretary (run seed_demo).")
        items = list(
            PlanItem.objects.filter(policy__code__in=["NISP-2018", "NAP-2014"]).exclude(
                sensitivity="restricted"
            )
        )
        try:
            services.item_sensitivity_set(
                user=secretary,
                items=items,
                sensitivity="public",
                reason="Benchmark data (bench/public.py): not a decision of the committee.",
            )
        except Exception as error:  # already public: a rerun
            print(f"  (publish: {error})", file=sys.stderr)
    public = PlanItem.objects.filter(sensitivity="public")
    item = public.filter(updates__state="approved").order_by("pk").first() or public.first()
    if item is None:
        raise SystemExit("No public item: run with --publish.")
    pages = {
        "index": "/public/",
        "policy NISP-2018": "/public/policies/NISP-2018/",
        "item": f"/public/items/{item.pk}/",
        "crosswalk": "/public/crosswalk/",
        "open data csv": "/public/open-data/items.csv",
    }
    client = Client(HTTP_HOST="localhost")
    cache = caches["figures"]
    cache.set("bench-public-floor", b"x" * 60_000, 600)

    def floor():
        return HttpResponse(cache.get("bench-public-floor"))

    results = {}
    for name, url in pages.items():
        started = time.perf_counter()
        first = client.get(url)
        cold = (time.perf_counter() - started) * 1000
        assert first.status_code == 200, (url, first.status_code)
        times, floors = [], []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            started = time.perf_counter()
            floor()
            floors.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "first": cold,
            "median": statistics.median(times),
            "fastest": min(times),
            "floor": statistics.median(floors),
            "bytes": len(first.content),
        }
    return {
        "database": connection.settings_dict["NAME"],
        "items": PlanItem.objects.count(),
        "public": public.count(),
        "cache": cache.__class__.__name__,
        "pages": results,
    }


def report(result: dict, runs: int) -> None:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{result['database']}: {result['items']} items, {result['public']} public; cache "
        f"{result['cache']}; {runs} runs; load average {load}"
    )
    print(f"  {'page':<18}{'first':>10}{'median':>10}{'fastest':>10}{'floor':>9}{'KB':>8}")
    for name, row in result["pages"].items():
        mark = "ok" if row["median"] < TARGET_MS else f"over {TARGET_MS:.0f} ms"
        print(
            f"  {name:<18}{row['first']:>8.1f}ms{row['median']:>8.1f}ms{row['fastest']:>8.1f}ms"
            f"{row['floor']:>7.2f}ms{row['bytes'] / 1024:>8.0f}  {mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="DATABASE_URL of each database to measure")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--publish", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        print(json.dumps(measure(args.runs, args.publish)))
        return
    import json

    for url in args.urls:
        command = [sys.executable, __file__, url, "--child", "--runs", str(args.runs)]
        if args.publish:
            command.append("--publish")
        out = subprocess.run(
            command,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
            text=True,
        )
        report(json.loads(out.stdout.strip().splitlines()[-1]), args.runs)


if __name__ == "__main__":
    main()
