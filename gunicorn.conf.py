"""gunicorn's settings for the web service: the image's command (docker-compose.yml) and
bench/api.py load this file, so production and the benchmark run the same workers.

Sync workers, as many as GUNICORN_WORKERS (3 by default, 2 cores plus one). The requests are
short and CPU-bound (a page of items is a few tens of milliseconds of Python), so threads
would only contend for the interpreter lock; gthread was not measured faster here.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = "-"


def post_fork(server, worker):
    # A full garbage collection over a request's objects costs ~100 ms and, at the default
    # thresholds, ran about every fifth item-list request: it was the p95 tail (287 -> 86 ms
    # in-process with these thresholds). Freezing moves what was imported before the fork out
    # of the collector's scans; raising the first threshold makes collections rare.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
