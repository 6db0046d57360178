"""The garbage collector's thresholds while a process builds a great many objects at once.

Laying out a report's PDF creates millions of short-lived boxes; at the default thresholds the
collector scans them again and again (a quarter of the NISP 2018 report's time: 4.2 s against
3.1 s with these thresholds). The web workers use the same numbers (gunicorn.conf.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FEWER_COLLECTIONS = (50_000, 20, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect rarely inside the block; the thresholds before it are restored after it."""
    before = gc.get_threshold()
    gc.set_threshold(*FEWER_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
