#!/usr/bin/env python3
"""Benchmark of `load_policies`: a cold load into empty tables and an unchanged reload.

Beside each, in the same run, its floor: parsing the same YAML files with libyaml and reading
every table the loader compares (what an unchanged reload cannot avoid). Times are in-process
(Django's start-up excluded), medians of --repeat runs; statements are counted too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nisp python bench/loader.py --repeat 3

A benchmark, not a test: it prints figures and asserts nothing. It uses a database of its own,
<base>_bench_loader, created and migrated here (dropped first if it exists).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    name = parts.path.lstrip("/") + "_bench_loader"
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server")
    url = bench_database_url(base)
    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/postgres"))
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    import psycopg2

    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    import django

    django.setup()
    run(args.repeat)


def run(repeat: int) -> None:
    import yaml
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from interventions import loader
    from interventions.fixture_reader import YamlLoader

    files = [loader.AGENCY_FILE, *loader.POLICY_FILES, loader.CROSSWALK_FILE]
    tables = [m._meta.db_table for m in loader.KEYS] + ["agencies_agencyalias"]

    def floor() -> None:
        for name in files:
            yaml.load((loader.FIXTURES_DIR / name).read_text(encoding="utf-8"), Loader=YamlLoader)
        with connection.cursor() as cur:
            for table in tables:
                cur.execute(f"SELECT * FROM {table}")
                cur.fetchall()

    def timed(fn) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
        return elapsed, len(queries)

    class Rollback(Exception):
        pass

    def cold() -> None:
        # Each cold run loads into empty tables and is rolled back, so the next one is cold too.
        try:
            with transaction.atomic():
                loader.load_policies()
                raise Rollback
        except Rollback:
            pass

    rows = []
    cold_runs = [timed(cold) for _ in range(repeat)]
    floors = [timed(floor) for _ in range(repeat)]
    loader.load_policies()
    unchanged = [timed(loader.load_policies) for _ in range(repeat)]
    for label, runs in (("cold load", cold_runs), ("unchanged reload", unchanged)):
        rows.append((label, statistics.median(t for t, _ in runs), runs[0][1]))
    floor_time = statistics.median(t for t, _ in floors)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, medians of {repeat}")
    print(f"{'what':<18}{'seconds':>9}{'statements':>12}{'floor s':>9}{'x floor':>9}")
    for label, seconds, statements in rows:
        ratio = seconds / floor_time
        print(f"{label:<18}{seconds:>9.3f}{statements:>12}{floor_time:>9.3f}{ratio:>9.1f}")
    print("floor: parse the YAML with libyaml + read each compared table once")


if __name__ == "__main__":
    main()
