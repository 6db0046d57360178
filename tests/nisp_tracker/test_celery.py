import pytest

from nisp_tracker.tasks import heartbeat

pytestmark = pytest.mark.integration


def test_a_task_sent_through_the_broker_is_run_by_a_real_worker(celery_worker):
    result = heartbeat.apply_async(kwargs={"echo": "round trip"}, queue=celery_worker.queue)
    payload = result.get(timeout=30)
    assert payload["echo"] == "round trip"
    assert result.successful()
