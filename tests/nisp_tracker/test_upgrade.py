"""An existing database, built and used by the first round's code, migrates without losing a row.

The old code is taken from git (the commit the first round landed), run in its own folder on a
fresh database exactly as an operator ran it: migrate, load the plan, open the periods, seed the
demo's sample progress and generate a quarterly report. Then today's `manage.py migrate` runs on
that database. Both runs are separate processes on the frozen test day.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from core.quarters import Quarter
from tests.conftest import TEST_NOW

ROOT = Path(settings.BASE_DIR)
# The first round's last commit on main: the schema every deployed database started from.
FIRST_ROUND = "768b66d"

# Rows each run writes by design: Django's own bookkeeping grows as apps and models are added.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}

# Runs a manage.py command on the frozen test day, so the old code's "today" is the suite's.
FROZEN_MANAGE = """
import datetime, runpy, sys, time_machine
time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()
sys.argv = ["manage.py", *sys.argv[2:]]
runpy.run_path("manage.py", run_name="__main__")
"""

# Counts every table's rows and reads the rows the committee's history rests on, in plain SQL,
# so the same script reads the old schema and the new one.
READ_ROWS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT id, item_id, period_id, state, status, narrative, submitted_at"
        " FROM reporting_progressupdate ORDER BY id"
    )
    updates = [list(row) for row in cursor.fetchall()]
    cursor.execute(
        "SELECT id, quarter, scope, version, state, pdf FROM reporting_quarterlyreport ORDER BY id"
    )
    reports = [list(row) for row in cursor.fetchall()]
print(json.dumps({"counts": counts, "updates": updates, "reports": reports}, default=str))
"""

# Today's models read the moved report and the old updates.
READ_WITH_TODAYS_MODELS = """
import json, django
django.setup()
from committee.models import QuarterlyReport
from reporting.models import ProgressUpdate
report = QuarterlyReport.objects.get()
print(json.dumps({
    "report": [
        report.pk, report.quarter, report.scope, report.state,
        report.pdf.storage.exists(report.pdf.name),
    ],
    "updates": ProgressUpdate.objects.count(),
    "submitted_without_first_submission": ProgressUpdate.objects.exclude(state="draft")
        .filter(first_submitted_at__isnull=True).count(),
}))
"""


@pytest.fixture
def fresh_database(tmp_path):
    """A database of its own on the engine the suite runs on, dropped afterwards."""
    url = settings.DATABASES["default"]
    if url["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"nisp_upgrade_{uuid.uuid4().hex[:8]}"
    admin = _psql_args(url)
    subprocess.run([*admin, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    try:
        yield _with_name(name)
    finally:
        subprocess.run(
            [*admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
            check=True,
            capture_output=True,
        )


def _psql_args(url: dict) -> list[str]:
    return [
        "psql",
        "-h",
        url["HOST"] or "127.0.0.1",
        "-p",
        str(url["PORT"] or 5432),
        "-U",
        url["USER"],
        "-d",
        "postgres",
        "-q",
    ]


def _with_name(name: str) -> str:
    parsed = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{parsed}/{name}"


def _environment(database_url: str, media: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS", "CELERY", "NISP_"))
    }
    env.update(
        DATABASE_URL=database_url,
        DEBUG="1",
        SECRET_KEY="upgrade-test-only",
        ALLOWED_HOSTS="testserver",
        MEDIA_ROOT=str(media),
        VAR_DIR=str(media.parent / "var"),
        PYTHONPATH="",
    )
    return env


def _run(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", FROZEN_MANAGE, TEST_NOW.isoformat(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def _read(cwd: Path, env: dict[str, str], script: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env={**env, "DJANGO_SETTINGS_MODULE": "nisp_tracker.settings", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _first_round_checkout(folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", FIRST_ROUND], capture_output=True, check=False
    )
    assert archive.returncode == 0, (
        f"The first round's code ({FIRST_ROUND}) is not in this clone's history: "
        f"{archive.stderr.decode()[-500:]}"
    )
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def test_a_database_built_by_the_first_round_migrates_without_losing_a_row(
    tmp_path, fresh_database
):
    old_code = _first_round_checkout(tmp_path / "first-round")
    env = _environment(fresh_database, tmp_path / "media")
    last_quarter = Quarter.of(TEST_NOW.date()).previous()

    _run(old_code, env, "migrate", "--noinput", "-v0")
    _run(old_code, env, "load_policies")
    _run(old_code, env, "ensure_periods")
    _run(old_code, env, "seed_demo")
    _run(old_code, env, "generate_report", last_quarter.label, "--policy", "NAP-2014")
    before = _read(old_code, env, READ_ROWS)
    assert before["updates"], "the first round's demo wrote no progress updates to carry over"
    assert len(before["reports"]) == 1

    _run(ROOT, env, "migrate", "--noinput", "-v0")
    after = _read(ROOT, env, READ_ROWS)

    lost = {
        table: (rows, after["counts"].get(table))
        for table, rows in before["counts"].items()
        if after["counts"].get(table) != rows and table not in BOOKKEEPING
    }
    assert lost == {}, f"tables whose rows changed in the upgrade (before, after): {lost}"
    assert after["updates"] == before["updates"]
    assert after["reports"] == before["reports"]

    today = _read(ROOT, env, READ_WITH_TODAYS_MODELS)
    report_id, quarter, scope, _version, state, _pdf = before["reports"][0]
    assert today["report"] == [report_id, quarter, scope, state, True]
    assert today["updates"] == len(before["updates"])
    # The late rule reads first_submitted_at; the upgrade fills it for every submitted update.
    assert today["submitted_without_first_submission"] == 0
