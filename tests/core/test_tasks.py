import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh web process has imported no task module; enqueue must still find the task by name.
SCRIPT = """
import django
django.setup()
from celery import current_app
from core.tasks import enqueue
assert "committee.schedule_quarterly_reports" not in current_app.tasks
current_app.conf.task_always_eager = True
enqueue("nisp_tracker.heartbeat", "ping")
assert "committee.schedule_quarterly_reports" in current_app.tasks
print("enqueued")
"""


def test_enqueue_by_name_works_in_a_process_that_imported_no_task_module(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nisp_tracker.settings",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "enqueued"
