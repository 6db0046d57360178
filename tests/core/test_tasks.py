"""core.tasks.enqueue in a process that, like gunicorn's, never imported a task module."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_process_can_enqueue_a_task_no_module_of_it_imported():
    code = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "from core.tasks import enqueue\n"
        "assert 'committee.generate_quarterly_report' not in current_app.tasks\n"
        "enqueue('nisp_tracker.heartbeat', 'web')\n"  # eager: runs here, no broker
        "print('committee.generate_quarterly_report' in current_app.tasks)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "nisp_tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
