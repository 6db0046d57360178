#!/usr/bin/env python3
"""Benchmark of the REST API under gunicorn on PostgreSQL, against a hand-written-SQL floor.

For each factor N (default 1 10 100) it prepares a database of its own (<base>_bench_fN:
migrate, load_policies, `make_scale_data --factor N`, a benchmark user with a read-only
token), serves the app with gunicorn on 127.0.0.1, and measures p50/p95 latency and
requests per second of

    GET /api/v1/items/?page_size=100        GET /api/v1/items/<id>/

then, in the same run, the floor: the same page (and item) read with ONE hand-written SQL
query and serialized with orjson, in this process, without HTTP or Django. It prints a table
with the ratio of the API's p50 to the floor's.

    python bench/api.py --factors 1 10 --requests 200 --concurrency 2

A benchmark, not a test: it prints figures and asserts nothing. It only talks to 127.0.0.1,
and every loop is bounded by --requests. Needs DATABASE_URL pointing at a PostgreSQL server
(the database name is the base of the benchmark databases' names); REDIS_URL is passed on to
the app when set (throttling counts there, as in production).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import orjson
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE_SIZE = 100

# The item page as the API shows it, in one statement: correlated json aggregates for the
# lists, a LATERAL for the current status, a scalar subquery for the page's count.
ITEMS_SQL = """
SELECT i.id, p.code AS policy, i.ref, parent.ref AS parent_ref, i.kind,
       array_remove(ARRAY[t3.name, t2.name, t1.name], NULL) AS theme, i.text,
       (SELECT coalesce(json_agg(json_build_object('agency', a.code, 'role', r.role,
                                 'as_written', r.as_written) ORDER BY r.position), '[]')
          FROM interventions_responsibility r JOIN agencies_agency a ON a.id = r.agency_id
         WHERE r.item_id = i.id) AS responsibilities,
       (SELECT coalesce(json_agg(json_build_object(
                 'id', ind.id, 'description', ind.description, 'unit', ind.unit,
                 'baseline', ind.baseline, 'target', ind.target, 'measure', ind.measure,
                 'latest_actual', (
                    SELECT json_build_object('period', per.label,
                                             'value', coalesce(to_json(v.number), to_json(v.text)),
                                             'is_sample', u.is_sample)
                      FROM reporting_indicatorvalue v
                      JOIN reporting_progressupdate u ON u.id = v.update_id
                      JOIN reporting_reportingperiod per ON per.id = u.period_id
                     WHERE v.indicator_id = ind.id AND u.state = 'approved'
                     ORDER BY per.start DESC, u.reviewed_at DESC LIMIT 1)
               ) ORDER BY ind.position), '[]')
          FROM interventions_indicator ind WHERE ind.item_id = i.id) AS indicators,
       json_build_object('term', i.term, 'start_year', i.start_year, 'end_year', i.end_year,
                         'due_date', i.due_date, 'as_written', nullif(i.timeline_as_written, '')
       ) AS timeline,
       json_build_object(
         'amount', i.budget_amount, 'currency', i.budget_currency,
         'as_written', nullif(i.budget_as_written, ''), 'kind', i.budget_kind,
         'determined_by', (SELECT coalesce(json_agg(a.code), '[]')
                             FROM interventions_planitem_budget_determined_by b
                             JOIN agencies_agency a ON a.id = b.agency_id
                            WHERE b.planitem_id = i.id)) AS budget,
       (SELECT coalesce(json_agg(pr.rank ORDER BY pr.rank), '[]')
          FROM interventions_planitem_priorities pp
          JOIN interventions_priority pr ON pr.id = pp.priority_id
         WHERE pp.planitem_id = i.id) AS priority,
       nullif(i.evidence, '') AS evidence,
       (SELECT coalesce(json_agg(json_build_object('policy', op.code, 'ref', other.ref,
                                                   'relation', l.relation)), '[]')
          FROM interventions_itemlink l
          JOIN interventions_planitem other
            ON other.id = CASE WHEN l.from_item_id = i.id THEN l.to_item_id ELSE l.from_item_id END
          JOIN interventions_policy op ON op.id = other.policy_id
         WHERE l.from_item_id = i.id OR l.to_item_id = i.id) AS links,
       i.notes,
       json_build_object('file', i.source_file,
                         'lines', concat_ws('-', i.source_first_line, i.source_last_line)
       ) AS source,
       i.source_urls, nullif(i.authority, '') AS authority,
       cur.status AS current_status, cur.percent_complete,
       (cur.reviewed_at AT TIME ZONE 'Asia/Karachi')::date AS last_approved_update,
       coalesce(cur.is_sample, false) AS current_is_sample, i.is_synthetic,
       (SELECT count(*) FROM interventions_planitem) AS total
  FROM interventions_planitem i
  JOIN interventions_policy p ON p.id = i.policy_id
  LEFT JOIN interventions_planitem parent ON parent.id = i.parent_id
  LEFT JOIN interventions_theme t1 ON t1.id = i.theme_id
  LEFT JOIN interventions_theme t2 ON t2.id = t1.parent_id
  LEFT JOIN interventions_theme t3 ON t3.id = t2.parent_id
  LEFT JOIN LATERAL (
        SELECT u.status, u.percent_complete, u.reviewed_at, u.is_sample
          FROM reporting_progressupdate u
          JOIN reporting_reportingperiod per ON per.id = u.period_id
         WHERE u.item_id = i.id AND u.state = 'approved'
         ORDER BY per.start DESC, u.reviewed_at DESC LIMIT 1) cur ON true
 WHERE %(item_id)s::bigint IS NULL OR i.id = %(item_id)s::bigint
 ORDER BY p.position, i.position, i.id
 LIMIT %(limit)s
"""


def manage(database_url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip
    return result.stdout or ""


def database_url_for(base_url: str, factor: int) -> str:
    parts = urllib.parse.urlsplit(base_url)
    name = f"{parts.path.lstrip('/')}_bench_f{factor}"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def prepare(database_url: str, factor: int) -> str:
    """The factor's database, filled (idempotently), and a read-only token for the bench."""
    parts = urllib.parse.urlsplit(database_url)
    admin = psycopg2.connect(parts._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = parts.path.lstrip("/")
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    print(f"factor {factor}: preparing {name} (make_scale_data adds only what is missing)")
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "load_policies", capture=True)
    manage(database_url, "make_scale_data", "--factor", str(factor))
    manage(database_url, "shell", "-c",
           "from agencies.models import User; User.objects.get_or_create(username='bench', "
           "defaults={'role': 'committee_member'})")  # fmt: skip
    return manage(
        database_url, "create_api_token", "bench", "--read-only", "--name", "bench/api.py",
        capture=True,
    ).strip()  # fmt: skip


class Server:
    """gunicorn serving the app on 127.0.0.1:port with production settings."""

    def __init__(self, database_url: str, port: int, workers: int):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "API_THROTTLE_RATE_TOKEN": "100000000/hour",  # measure the API, not the throttle
        }
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
        self.port = port
        self.process = subprocess.Popen(
            [gunicorn, "--config", "gunicorn.conf.py", "nisp_tracker.wsgi",
             "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--access-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status in (200, 503):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer on /healthz within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def measure_http(port: int, path: str, key: str, requests: int, concurrency: int) -> dict:
    """p50/p95 latency (ms) and requests per second of `requests` GETs by `concurrency`
    keep-alive clients; a few warm-up requests first."""
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    per_client = max(1, requests // concurrency)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(per_client + 3):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if n < 3:
                continue  # warm-up: connections, worker imports, caches
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} non-200 answers, e.g. {errors[0]}")
    return summary(latencies, len(latencies) / wall)


def measure_floor(database_url: str, item_id: int | None, limit: int, requests: int) -> dict:
    """The same data with one SQL statement and orjson, sequentially in this process."""
    connection = psycopg2.connect(database_url)
    latencies = []
    with connection.cursor() as cursor:
        for n in range(requests + 3):
            started = time.perf_counter()
            cursor.execute(ITEMS_SQL, {"item_id": item_id, "limit": limit})
            columns = [c.name for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            total = rows[0].pop("total") if rows else 0
            for row in rows[1:]:
                row.pop("total")
            body = rows[0] if item_id else {"count": total, "results": rows}
            orjson.dumps(body, default=str)
            if n >= 3:
                latencies.append(time.perf_counter() - started)
    connection.close()
    return summary(latencies, len(latencies) / sum(latencies))


def summary(latencies: list[float], per_second: float) -> dict:
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
        "rps": per_second,
    }


def middle_item_id(database_url: str) -> int:
    connection = psycopg2.connect(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM interventions_planitem ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return ids[len(ids) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--requests", type=int, default=200, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=2, help="HTTP clients at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8101)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (its name is the base of the "
                 "benchmark databases' names).")  # fmt: skip

    rows = []
    for factor in args.factors:
        database_url = database_url_for(base_url, factor)
        key = prepare(database_url, factor)
        item_id = middle_item_id(database_url)
        server = Server(database_url, args.port, args.workers)
        try:
            for name, path, floor_args in [
                (f"items?page_size={PAGE_SIZE}", f"/api/v1/items/?page_size={PAGE_SIZE}",
                 (None, PAGE_SIZE)),
                ("item detail", f"/api/v1/items/{item_id}/", (item_id, 1)),
            ]:  # fmt: skip
                api = measure_http(args.port, path, key, args.requests, args.concurrency)
                floor = measure_floor(database_url, *floor_args, args.requests)
                rows.append((factor, name, api, floor))
                print(f"  {name}: p50 {api['p50']:.1f} ms (floor {floor['p50']:.1f} ms)")
        finally:
            server.stop()

    print()
    print(f"gunicorn {args.workers} workers, {args.concurrency} clients, {args.requests} "
          f"requests each; floor = one SQL query + orjson, sequential, no HTTP")  # fmt: skip
    header = ("factor", "endpoint", "p50 ms", "p95 ms", "req/s", "floor p50", "floor p95",
              "floor req/s", "p50/floor")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for factor, name, api, floor in rows:
        print(
            f"| {factor} | {name} | {api['p50']:.1f} | {api['p95']:.1f} | {api['rps']:.0f} | "
            f"{floor['p50']:.1f} | {floor['p95']:.1f} | {floor['rps']:.0f} | "
            f"{api['p50'] / floor['p50']:.2f}x |"
        )


if __name__ == "__main__":
    main()
