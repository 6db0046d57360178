"""This Django as a WSGI app inside the test, for clients that speak HTTP (a generated client
over httpx, schemathesis) rather than Django's test client."""

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections


def in_process_app(environ, start_response):
    """Django as its test client runs it: starting or finishing a request must not close the
    test's database connection (the test's transaction holds the data)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        content = b"".join(response)
        response.close()
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)
    return [content]
