#!/usr/bin/env python3
"""Load test of the API under gunicorn: many concurrent clients for a fixed time, per worker
configuration, on a factor's benchmark database.

    python bench/load.py --factor 10 --clients 50 --duration 60 \\
        --configs sync:3 sync:5 gthread:2x4 gthread:3x4

Each configuration starts gunicorn with the repository's gunicorn.conf.py (the worker class,
workers and threads given on the command line, as docker-compose would through its
environment), then `--clients` threads, each with its own keep-alive connection, send GETs
for `--duration` seconds: item list pages (random page, 50 items), a filtered list and item
details, in the proportions of MIX. `--think` seconds pass between a client's requests (0:
back to back, the server saturated; 1: people reading the answers). It prints req/s,
p50/p95/p99 latency and errors (non-200 answers and failed connections) side by side, with
the load average, which matters: the clients run on the same 2 cores as the server.

Only 127.0.0.1 is contacted; every loop stops at its deadline. Needs DATABASE_URL (PostgreSQL;
its name is the base of the factor databases' names, as for bench/api.py, which prepares them).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sys
import threading
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import Server, database_url_for, load_average, prepare

# (weight, kind): what a client asks for next.
MIX = [(6, "list"), (1, "filtered"), (3, "detail")]


def targets(database_url: str) -> dict:
    connection = psycopg2.connect(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM interventions_planitem ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return {"ids": ids, "pages": max(1, len(ids) // 50)}


def path_for(kind: str, rng: random.Random, known: dict) -> str:
    if kind == "list":
        return f"/api/v1/items/?page={rng.randint(1, known['pages'])}"
    if kind == "filtered":
        return "/api/v1/items/?policy=NISP-2018&status=on_track"
    return f"/api/v1/items/{rng.choice(known['ids'])}/"


def run_clients(port: int, key: str, clients: int, duration: float, think: float,
                known: dict) -> dict:  # fmt: skip
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    kinds = [kind for weight, kind in MIX for _ in range(weight)]
    deadline = time.monotonic() + duration

    def client(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], []
        while time.monotonic() < deadline:
            path = path_for(rng.choice(kinds), rng, known)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed.append(str(response.status))
                else:
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                connection.close()
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    return {
        "requests": len(latencies), "rps": len(latencies) / wall, "p50": percentile(0.50),
        "p95": percentile(0.95), "p99": percentile(0.99), "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }  # fmt: skip


def parse_config(text: str) -> tuple[str, int, int]:
    """`sync:3` or `gthread:2x4` -> (worker class, workers, threads)."""
    worker_class, _, shape = text.partition(":")
    workers, _, threads = shape.partition("x")
    return worker_class, int(workers), int(threads or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--database-name", default="{base}_bench_f{factor}")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds per configuration")
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 0.0],
                        help="seconds between a client's requests; several to compare")  # fmt: skip
    parser.add_argument("--configs", nargs="+", default=["sync:3", "gthread:2x4"])
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the base of the factor's name).")
    database_url = database_url_for(base_url, args.factor, args.database_name)
    key = prepare(database_url, args.factor)
    known = targets(database_url)

    rows = []
    for config in args.configs:
        worker_class, workers, threads = parse_config(config)
        extra = ("--worker-class", worker_class, "--threads", str(threads))
        server = Server(database_url, args.port, workers, extra)
        try:
            for think in args.think:
                result = run_clients(args.port, key, args.clients, args.duration, think, known)
                rows.append((config, think, result, load_average()))
                print(f"  {config} think {think}s: {result['rps']:.0f} req/s, p50 "
                      f"{result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 "
                      f"{result['p99']:.0f} ms, {result['errors']} errors "
                      f"{result['error_kinds'] or ''} (load {load_average()})")  # fmt: skip
        finally:
            server.stop()

    print()
    print(f"x{args.factor}, {args.clients} clients x {args.duration:.0f} s each, mix "
          f"{', '.join(f'{w}0% {k}' for w, k in MIX)}; the clients share the 2 cores")  # fmt: skip
    header = ("workers", "think s", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
              "load avg")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for config, think, r, load in rows:
        print(f"| {config} | {think:g} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.0f} | "
              f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} | {load} |")  # fmt: skip


if __name__ == "__main__":
    main()
