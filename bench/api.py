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
from rest_framework.utils.urls import remove_query_param, replace_query_param

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE_SIZE = 100

# The item page as the API shows it, in one statement: the same filters (policy, current
# status), order, count and payload (field order, `lines`, links out then in, the theme path,
# `updated_at` as the latest change), correlated json aggregates for the lists, a LATERAL for
# the page's current statuses, a subquery for the filtered count. Only the paging links are made in
# Python, with DRF's own two helpers, so that the body is the API's byte for byte (checked).
ITEMS_SQL = """
WITH matching AS (
  SELECT i.id, p.position AS policy_position, i.position
    FROM interventions_planitem i
    JOIN interventions_policy p ON p.id = i.policy_id
   WHERE (%(item_id)s::bigint IS NULL OR i.id = %(item_id)s::bigint)
     AND (%(policy)s::text IS NULL OR p.code = %(policy)s::text)
     AND (%(status)s::text IS NULL OR (
          SELECT u.status FROM reporting_progressupdate u
            JOIN reporting_reportingperiod per ON per.id = u.period_id
           WHERE u.item_id = i.id AND u.state = 'approved'
           ORDER BY per.start DESC, u.reviewed_at DESC, u.id DESC LIMIT 1) = %(status)s::text)
), page AS (
  SELECT i.*, p.code AS policy_code, m.policy_position, parent.ref AS parent_ref,
         array_remove(ARRAY[t3.name, t2.name, t1.name], NULL) AS theme_path,
         cur.status AS cur_status, cur.percent_complete AS cur_percent,
         cur.reviewed_at AS cur_reviewed_at, cur.is_sample AS cur_is_sample,
         (SELECT count(*) FROM matching) AS total
    FROM (SELECT * FROM matching ORDER BY policy_position, position, id
           LIMIT %(limit)s OFFSET %(offset)s) m
    JOIN interventions_planitem i ON i.id = m.id
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
           ORDER BY per.start DESC, u.reviewed_at DESC, u.id DESC LIMIT 1) cur ON true
)
SELECT i.total, json_build_object(
  'id', i.id, 'policy', i.policy_code, 'ref', i.ref, 'parent_ref', i.parent_ref,
  'kind', i.kind, 'theme', to_json(i.theme_path), 'text', i.text,
  'responsibilities', (
     SELECT coalesce(json_agg(json_build_object('agency', a.code, 'role', r.role,
                              'as_written', r.as_written) ORDER BY r.position), '[]')
       FROM interventions_responsibility r JOIN agencies_agency a ON a.id = r.agency_id
      WHERE r.item_id = i.id),
  'indicators', (
     SELECT coalesce(json_agg(json_build_object(
              'description', ind.description, 'unit', ind.unit,
              'baseline', ind.baseline, 'target', ind.target, 'id', ind.id,
              'measure', ind.measure,
              'latest_actual', (
                 SELECT json_build_object(
                          'period', per.label,
                          'value', coalesce(to_json(v.number), to_json(v.text)),
                          'is_sample', u.is_sample)
                   FROM reporting_indicatorvalue v
                   JOIN reporting_progressupdate u ON u.id = v.update_id
                   JOIN reporting_reportingperiod per ON per.id = u.period_id
                  WHERE v.indicator_id = ind.id AND u.state = 'approved'
                  ORDER BY per.start DESC, u.reviewed_at DESC, u.id DESC LIMIT 1)
            ) ORDER BY ind.position), '[]')
       FROM interventions_indicator ind WHERE ind.item_id = i.id),
  'timeline', json_build_object(
     'term', i.term, 'start_year', i.start_year, 'end_year', i.end_year,
     'due_date', i.due_date, 'as_written', nullif(i.timeline_as_written, '')),
  'budget', json_build_object(
     'amount', i.budget_amount, 'currency', i.budget_currency,
     'as_written', nullif(i.budget_as_written, ''), 'kind', i.budget_kind,
     'determined_by', (
        SELECT coalesce(json_agg(a.code ORDER BY a.code), '[]')
          FROM interventions_planitem_budget_determined_by b
          JOIN agencies_agency a ON a.id = b.agency_id WHERE b.planitem_id = i.id)),
  'priority', (
     SELECT coalesce(json_agg(pr.rank ORDER BY pr.rank), '[]')
       FROM interventions_planitem_priorities pp
       JOIN interventions_priority pr ON pr.id = pp.priority_id WHERE pp.planitem_id = i.id),
  'evidence', nullif(i.evidence, ''),
  'links', (
     SELECT coalesce(json_agg(json_build_object('policy', l.policy, 'ref', l.ref,
                              'relation', l.relation) ORDER BY l.direction, l.key), '[]')
       FROM (SELECT 0 AS direction, tp.code AS policy, t.ref, k.relation,
                    ARRAY[tp.position, t.position] AS key
               FROM interventions_itemlink k
               JOIN interventions_planitem t ON t.id = k.to_item_id
               JOIN interventions_policy tp ON tp.id = t.policy_id
               JOIN interventions_planitem f ON f.id = k.from_item_id
               JOIN interventions_policy fp ON fp.id = f.policy_id
              WHERE k.from_item_id = i.id
             UNION ALL
             SELECT 1, fp.code, f.ref, k.relation, ARRAY[fp.position, f.position]
               FROM interventions_itemlink k
               JOIN interventions_planitem f ON f.id = k.from_item_id
               JOIN interventions_policy fp ON fp.id = f.policy_id
              WHERE k.to_item_id = i.id) l),
  'notes', i.notes,
  'source', json_build_object(
     'file', i.source_file,
     'lines', CASE WHEN i.source_first_line IS NULL THEN ''
                   WHEN i.source_first_line = i.source_last_line THEN i.source_first_line::text
                   ELSE i.source_first_line || '-' || i.source_last_line END),
  'source_urls', i.source_urls, 'authority', nullif(i.authority, ''),
  'current_status', i.cur_status, 'percent_complete', i.cur_percent,
  'last_approved_update', (i.cur_reviewed_at AT TIME ZONE 'Asia/Karachi')::date,
  'current_is_sample', coalesce(i.cur_is_sample, false), 'is_synthetic', i.is_synthetic,
  'sensitivity', i.sensitivity
) AS item,
  -- A timestamp of its own: PostgreSQL's JSON would drop trailing zeros of the microseconds.
  GREATEST(
     i.updated_at,
     (SELECT max(u.updated_at) FROM reporting_progressupdate u
       WHERE u.item_id = i.id AND u.state <> 'draft'),
     (SELECT max(h.history_date) FROM interventions_historicalindicator h
       WHERE h.item_id = i.id),
     (SELECT max(h.history_date) FROM interventions_historicalresponsibility h
       WHERE h.item_id = i.id)) AS updated_at
  FROM page i
 ORDER BY i.policy_position, i.position, i.id
"""


def manage(database_url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip
    return result.stdout or ""


def database_url_for(base_url: str, factor: int, pattern: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    name = pattern.format(base=parts.path.lstrip("/"), factor=factor)
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

    def __init__(self, database_url: str, port: int, workers: int, extra: tuple[str, ...] = ()):
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
             "--workers", str(workers), "--access-logfile", "-", "--log-level", "warning",
             *extra],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 90  # workers import Django slowly on a loaded machine
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status in (200, 503):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer on /healthz within 90 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def new_data_version(database_url: str):
    """A function giving the data a new version, as every service write does: run before
    each request (untimed), it makes every read a first read after a change, so the response
    cache never answers."""
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    lock = threading.Lock()

    def bump() -> None:
        with lock, connection.cursor() as cursor:
            cursor.execute("UPDATE core_dataversion SET token = gen_random_uuid()")

    return bump


def measure_http(
    port: int, path: str, key: str, requests: int, concurrency: int, before_each=None
) -> dict:
    """p50/p95 latency (ms) and requests per second of `requests` GETs by `concurrency`
    keep-alive clients; a few warm-up requests first. `before_each` runs, untimed, before
    every request."""
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    per_client = max(1, requests // concurrency)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(per_client + 3):
            if before_each is not None:
                before_each()
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
    # With bumps between requests the wall clock includes them: the rate is the latencies'.
    per_second = len(latencies) / (wall if before_each is None else sum(latencies))
    return summary(latencies, per_second)


def fetch(port: int, path: str, key: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Authorization": f"Token {key}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return body


def floor_body(cursor, port: int, query: dict) -> bytes:
    """The API's answer to `query` from ONE statement, serialized with orjson."""
    item_id = query.get("item_id")
    size, number = query.get("page_size", 50), query.get("page", 1)
    cursor.execute(ITEMS_SQL, {
        "item_id": item_id, "policy": query.get("policy"), "status": query.get("status"),
        "limit": 1 if item_id else size, "offset": 0 if item_id else (number - 1) * size,
    })  # fmt: skip
    rows = cursor.fetchall()
    items = []
    for _, item, updated_at in rows:
        item["updated_at"] = updated_at
        items.append(item)
    if item_id:
        return orjson.dumps(items[0])
    count = rows[0][0] if rows else 0
    url = f"http://127.0.0.1:{port}{list_path(query)}"
    following = replace_query_param(url, "page", number + 1) if number * size < count else None
    previous = None
    if number > 1:
        previous = replace_query_param(url, "page", number - 1) if number > 2 else (
            remove_query_param(url, "page")
        )  # fmt: skip
    return orjson.dumps({"count": count, "next": following, "previous": previous, "results": items})


def measure_floor(database_url: str, port: int, query: dict, requests: int) -> dict:
    """`floor_body`, sequentially in this process: no HTTP, no Django."""
    connection = psycopg2.connect(database_url, options="-c TimeZone=Asia/Karachi")
    latencies = []
    with connection.cursor() as cursor:
        for n in range(requests + 3):
            started = time.perf_counter()
            floor_body(cursor, port, query)
            if n >= 3:
                latencies.append(time.perf_counter() - started)
    connection.close()
    return summary(latencies, len(latencies) / sum(latencies))


def same_payload(database_url: str, port: int, query: dict, key: str) -> bool:
    """The floor answers what the API answers, key order included."""
    connection = psycopg2.connect(database_url, options="-c TimeZone=Asia/Karachi")
    with connection.cursor() as cursor:
        floor = orjson.loads(floor_body(cursor, port, query))
    connection.close()
    api = orjson.loads(fetch(port, path_of(query), key))
    return orjson.dumps(api) == orjson.dumps(floor)


# --- the naive contender: DRF as a first draft would write it -----------------------------


def naive_setup(database_url: str) -> None:
    """Django in this process, on the factor's database, for the naive serializers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nisp_tracker.settings")
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings
    from django.db import connections

    if not settings.configured or not apps_ready():
        django.setup()
    settings.DEBUG = False  # no query log: it would only slow the contender down
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = urllib.parse.urlsplit(database_url).path[1:]


def apps_ready() -> bool:
    from django.apps import apps

    return apps.ready


def naive_page(query: dict) -> bytes:
    """Nested ModelSerializers straight on the models: no select_related, no prefetch, a
    method field per computed value (the first draft this project's list replaced)."""
    from django.core.paginator import Paginator
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    from interventions.models import Indicator, PlanItem, Responsibility
    from reporting.models import IndicatorValue, ProgressUpdate

    def latest_update(item):
        return (
            ProgressUpdate.objects.filter(item=item, state="approved")
            .order_by("-period__start", "-reviewed_at", "-pk")
            .first()
        )

    class ResponsibilitySerializer(serializers.ModelSerializer):
        agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

        class Meta:
            model = Responsibility
            fields = ["agency", "role", "as_written"]

    class IndicatorSerializer(serializers.ModelSerializer):
        baseline = serializers.FloatField()
        target = serializers.FloatField()
        latest_actual = serializers.SerializerMethodField()

        class Meta:
            model = Indicator
            fields = ["description", "unit", "baseline", "target", "id", "measure",
                      "latest_actual"]  # fmt: skip

        def get_latest_actual(self, indicator):
            value = (
                IndicatorValue.objects.filter(indicator=indicator, update__state="approved")
                .order_by("-update__period__start", "-update__reviewed_at", "-update__pk")
                .first()
            )
            if value is None:
                return None
            number = value.number
            return {"period": value.update.period.label,
                    "value": float(number) if number is not None else value.text,
                    "is_sample": value.update.is_sample}  # fmt: skip

    class ItemSerializer(serializers.ModelSerializer):
        policy = serializers.SlugRelatedField(slug_field="code", read_only=True)
        parent_ref = serializers.SerializerMethodField()
        theme = serializers.SerializerMethodField()
        responsibilities = ResponsibilitySerializer(many=True)
        indicators = IndicatorSerializer(many=True)
        timeline = serializers.SerializerMethodField()
        budget = serializers.SerializerMethodField()
        priority = serializers.SlugRelatedField(
            source="priorities", slug_field="rank", many=True, read_only=True
        )
        links = serializers.SerializerMethodField()
        source = serializers.SerializerMethodField()
        current_status = serializers.SerializerMethodField()
        percent_complete = serializers.SerializerMethodField()
        current_is_sample = serializers.SerializerMethodField()

        class Meta:
            model = PlanItem
            fields = ["id", "policy", "ref", "parent_ref", "kind", "theme", "text",
                      "responsibilities", "indicators", "timeline", "budget", "priority",
                      "evidence", "links", "notes", "source", "source_urls", "authority",
                      "current_status", "percent_complete", "current_is_sample",
                      "is_synthetic", "updated_at"]  # fmt: skip

        def get_parent_ref(self, item):
            return item.parent.ref if item.parent else None

        def get_theme(self, item):
            names, theme = [], item.theme
            while theme is not None:
                names.append(theme.name)
                theme = theme.parent
            return names[::-1]

        def get_timeline(self, item):
            return {"term": item.term, "start_year": item.start_year,
                    "end_year": item.end_year, "due_date": item.due_date,
                    "as_written": item.timeline_as_written or None}  # fmt: skip

        def get_budget(self, item):
            return {"amount": item.budget_amount, "currency": item.budget_currency,
                    "as_written": item.budget_as_written or None, "kind": item.budget_kind,
                    "determined_by": [a.code for a in item.budget_determined_by.all()]}  # fmt: skip

        def get_links(self, item):
            return [{"policy": link.to_item.policy.code, "ref": link.to_item.ref,
                     "relation": link.relation} for link in item.links_out.all()] + [
                    {"policy": link.from_item.policy.code, "ref": link.from_item.ref,
                     "relation": link.relation} for link in item.links_in.all()]  # fmt: skip

        def get_source(self, item):
            return {"file": item.source_file, "lines": item.source_lines}

        def get_current_status(self, item):
            update = latest_update(item)
            return update.status if update else None

        def get_percent_complete(self, item):
            update = latest_update(item)
            return update.percent_complete if update else None

        def get_current_is_sample(self, item):
            update = latest_update(item)
            return bool(update and update.is_sample)

    items = PlanItem.objects.order_by("policy__position", "position", "pk")
    if query.get("item_id"):
        item = items.get(pk=query["item_id"])
        return JSONRenderer().render(ItemSerializer(item).data)
    page = Paginator(items, query.get("page_size", 50)).page(query.get("page", 1))
    return JSONRenderer().render(
        {"count": page.paginator.count,
         "results": ItemSerializer(page.object_list, many=True).data}
    )  # fmt: skip


def measure_naive(query: dict, requests: int) -> dict:
    latencies = []
    for n in range(requests + 1):
        started = time.perf_counter()
        naive_page(query)
        if n >= 1:
            latencies.append(time.perf_counter() - started)
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


def list_path(query: dict) -> str:
    params = {k: v for k, v in query.items() if k not in ("item_id", "page")}
    return "/api/v1/items/" + (f"?{urllib.parse.urlencode(params)}" if params else "")


def path_of(query: dict) -> str:
    if query.get("item_id"):
        return f"/api/v1/items/{query['item_id']}/"
    params = {k: v for k, v in query.items() if k != "item_id"}
    return "/api/v1/items/?" + urllib.parse.urlencode(params)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--requests", type=int, default=100, help="per measurement")
    parser.add_argument("--naive-requests", type=int, default=5,
                        help="per measurement of the naive contender (it is slow)")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=1, help="HTTP clients at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--database-name", default="{base}_bench_f{factor}",
                        help="each factor's database, from DATABASE_URL's name")  # fmt: skip
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (its name is the base of the "
                 "benchmark databases' names).")  # fmt: skip

    rows = []
    for factor in args.factors:
        database_url = database_url_for(base_url, factor, args.database_name)
        key = prepare(database_url, factor)
        item_id = middle_item_id(database_url)
        server = Server(database_url, args.port, args.workers)
        try:
            for name, query in [
                (f"items?page_size={PAGE_SIZE}", {"page_size": PAGE_SIZE}),
                (f"items?policy&status&page=2 ({PAGE_SIZE})",
                 {"policy": "NISP-2018", "status": "on_track", "page": 2,
                  "page_size": PAGE_SIZE}),
                ("item detail", {"item_id": item_id}),
            ]:  # fmt: skip
                if query.get("page") == 2 and not has_second_page(args.port, query, key):
                    query["page"] = 1
                identical = same_payload(database_url, args.port, query, key)
                api = measure_http(args.port, path_of(query), key, args.requests,
                                   args.concurrency)  # fmt: skip
                # The same reads, each the first after a change: built, not cached.
                fresh = measure_http(args.port, path_of(query), key, args.requests,
                                     args.concurrency, new_data_version(database_url))  # fmt: skip
                floor = measure_floor(database_url, args.port, query, args.requests)
                naive = None
                if "status" not in query:  # the naive draft has no status filter
                    naive_setup(database_url)
                    naive = measure_naive(query, args.naive_requests)
                rows.append((factor, name, api, fresh, floor, naive, identical, load_average()))
                print(f"  {name}: p50 {api['p50']:.1f} ms (after a change {fresh['p50']:.1f}),"
                      f" floor {floor['p50']:.1f} ms"
                      + (f", naive {naive['p50']:.0f} ms" if naive else "")
                      + f" (same payload: {identical}; load {load_average()})")  # fmt: skip
        finally:
            server.stop()

    print()
    print(f"gunicorn {args.workers} workers, {args.concurrency} client(s), {args.requests} "
          f"requests each (naive: {args.naive_requests}); floor = one SQL statement + orjson "
          "and naive = nested ModelSerializers without prefetch, both sequential in this "
          "process without HTTP (which flatters them)")  # fmt: skip
    print("p50/p95 = as served (a hot page from the response cache); 'after a change' = the "
          "data version bumped before every request, so every read is built afresh")  # fmt: skip
    header = ("factor", "endpoint", "p50 ms", "p95 ms", "req/s", "after a change p50",
              "p95", "floor p50", "naive p50", "p50/floor", "after a change/floor",
              "naive/p50", "same payload", "load avg")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for factor, name, api, fresh, floor, naive, identical, load in rows:
        naive_p50 = f"{naive['p50']:.0f}" if naive else "n/a"
        naive_ratio = f"{naive['p50'] / api['p50']:.1f}x" if naive else "n/a"
        print(
            f"| {factor} | {name} | {api['p50']:.1f} | {api['p95']:.1f} | {api['rps']:.0f} | "
            f"{fresh['p50']:.1f} | {fresh['p95']:.1f} | {floor['p50']:.1f} | {naive_p50} | "
            f"{api['p50'] / floor['p50']:.2f}x | {fresh['p50'] / floor['p50']:.2f}x | "
            f"{naive_ratio} | {'yes' if identical else 'NO'} | {load} |"
        )


def has_second_page(port: int, query: dict, key: str) -> bool:
    first = {**query, "page": 1}
    return orjson.loads(fetch(port, path_of(first), key))["next"] is not None


if __name__ == "__main__":
    main()
