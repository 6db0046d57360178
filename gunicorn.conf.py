"""gunicorn's settings for the web service: the image's command (docker-compose.yml) and
bench/api.py and bench/load.py load this file, so production and the benchmarks run the same
workers.

gthread workers: GUNICORN_WORKERS processes (2 by default, one per core) of GUNICORN_THREADS
threads (4). A request spends part of its time waiting for PostgreSQL, which threads overlap;
two processes keep both cores busy. Measured with bench/load.py (x10 plan, 50 clients, 60 s
each, the 2-core machine shared, load average 11-14): gthread 2x4 served 11-13 req/s where
sync x3 served 8, both with 0 errors; on that machine neither met a p95 of 300 ms (3.5-7 s:
the clients were queueing for a fraction of two cores). Set GUNICORN_WORKER_CLASS=sync and
GUNICORN_THREADS=1 to go back to sync workers.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = "-"


def post_fork(server, worker):
    # A full garbage collection over a request's objects costs ~100 ms and, at the default
    # thresholds, ran about every fifth item-list request: it was the p95 tail (287 -> 86 ms
    # in-process with these thresholds). Freezing moves what was imported before the fork out
    # of the collector's scans; raising the first threshold makes collections rare.
    from core.collector import FEWER_COLLECTIONS  # the repository is on the path by now

    gc.freeze()
    gc.set_threshold(*FEWER_COLLECTIONS)
