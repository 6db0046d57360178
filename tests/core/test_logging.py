"""JSON log lines carrying the request id and the person; Sentry off unless a DSN is set."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.logging import JsonFormatter, RequestContextFilter
from core.middleware import RequestIdMiddleware
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """A logger writing through the project's formatter and filter into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("tests.core.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_log_line_inside_a_request_names_the_request_and_the_person(json_log):
    logger, stream = json_log
    person = UserFactory()
    request = RequestFactory().get("/items/", HTTP_X_REQUEST_ID="proxy-given-id-123")
    request.user = person

    def view(request):
        logger.info("Listing items for %s", "MOI")
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(request)

    (line,) = lines(stream)
    assert line["message"] == "Listing items for MOI"
    assert line["level"] == "INFO"
    assert line["logger"] == "tests.core.json"
    assert line["request_id"] == "proxy-given-id-123" == response["X-Request-ID"]
    assert line["user_id"] == person.pk
    assert line["timestamp"].startswith("20")


def test_outside_a_request_the_ids_are_null(json_log):
    logger, stream = json_log
    logger.warning("Beat tick")
    (line,) = lines(stream)
    assert (line["request_id"], line["user_id"], line["level"]) == (None, None, "WARNING")


def test_a_request_id_that_is_not_an_id_is_replaced():
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="evil\nforged log line")
    response = RequestIdMiddleware(lambda r: HttpResponse())(request)
    assert "\n" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32


def sentry_state(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    environment.update(DEBUG="1", **env)
    code = (
        "import django, sentry_sdk; django.setup(); "
        "print('on' if sentry_sdk.get_client().is_active() else 'off')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "nisp_tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_sentry_is_off_unless_a_dsn_is_set():
    assert sentry_state() == "off"
    # A DSN at a closed local port: set up, and nothing is sent by starting.
    assert sentry_state(SENTRY_DSN="http://public@127.0.0.1:9/1") == "on"


def test_production_logs_are_json_lines():
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "LOG_FORMAT", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    code = "import django, logging; django.setup(); logging.getLogger('x').warning('hello')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **environment,
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "DJANGO_SETTINGS_MODULE": "nisp_tracker.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert {"timestamp", "level", "logger", "message", "request_id", "user_id"} <= set(line)
    assert line["message"] == "hello"
