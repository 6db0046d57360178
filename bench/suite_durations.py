"""Which tests got slower: two runs of the suite compared test by test.

Each input is what pytest printed with `--durations=0` (every phase of every test timed):

    make test PYTEST_ARGS="--durations=0" > before.txt     # on the older commit
    make test PYTEST_ARGS="--durations=0" > after.txt      # on the newer one
    python bench/suite_durations.py before.txt after.txt

A test's time is its setup, call and teardown together. A test counts as slower when it takes
both `--ratio` times as long and `--seconds` more; below that the machine's noise decides
(run the two on the same machine, at the same load: the script prints nothing of its own).
Session fixtures are billed to the first test that needs them on each worker, so a test that
moved first in a worker's order can look slower without being so; it is listed all the same.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

# "12.34s call     tests/api/test_x.py::test_y[param]"
PHASE = re.compile(r"^(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S.*)$")
SUMMARY = re.compile(r"^=*\s*(\d+ passed.*) in ([\d.]+)s")


def durations(path: Path) -> tuple[dict[str, float], str]:
    """Seconds per test id, and the run's summary line ("1354 passed ... in 849.11s")."""
    seconds: dict[str, float] = defaultdict(float)
    summary = ""
    for line in path.read_text(errors="replace").splitlines():
        if match := PHASE.match(line.strip()):
            seconds[match[3]] += float(match[1])
        elif match := SUMMARY.match(line.strip()):
            summary = f"{match[1]} in {float(match[2]):.0f} s"
    if not seconds:
        raise SystemExit(f"{path}: no durations; run pytest with --durations=0")
    return dict(seconds), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ratio", type=float, default=1.5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--top", type=int, default=15, help="Rows in each table.")
    args = parser.parse_args()
    before, before_summary = durations(args.before)
    after, after_summary = durations(args.after)
    common = before.keys() & after.keys()

    def changed(slower: bool) -> list[tuple[str, float, float]]:
        rows = []
        for test in common:
            old, new = (before[test], after[test]) if slower else (after[test], before[test])
            if new >= args.ratio * old and new - old >= args.seconds:
                rows.append((test, before[test], after[test]))
        return sorted(rows, key=lambda row: abs(row[2] - row[1]), reverse=True)

    print(f"before: {before_summary or args.before}; summed {sum(before.values()):.0f} s")
    print(f"after:  {after_summary or args.after}; summed {sum(after.values()):.0f} s")
    old, new = sum(before[t] for t in common), sum(after[t] for t in common)
    print(
        f"{len(common)} tests in both, {len(after.keys() - before.keys())} only after, "
        f"{len(before.keys() - after.keys())} only before (new, gone, or under pytest's 5 ms "
        "in one run); the tests in both: "
        f"{old:.0f} s before, {new:.0f} s after"
    )
    for title, rows in (("slower", changed(True)), ("faster", changed(False))):
        print(f"\n{len(rows)} {title} (x{args.ratio} and {args.seconds} s or more)")
        if rows:
            print("| before s | after s | test |\n|---|---|---|")
        for test, old, new in rows[: args.top]:
            print(f"| {old:.1f} | {new:.1f} | {test} |")


if __name__ == "__main__":
    main()
