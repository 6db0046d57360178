"""Log records that say which request and which person they belong to, as JSON lines.

The request id and the person are read from the request being served (RequestIdMiddleware sets
it for the current context), so any logger anywhere in the code gets them without passing them.
"""

from __future__ import annotations

import contextvars
import logging

from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    # A session user not yet loaded stays unloaded: a log line must not run a query (that
    # query could itself log, and loop).
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id (None outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        record.request_id = getattr(request, "request_id", None) if request else None
        record.user_id = _user_id(request) if request else None
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: timestamp, level, logger, message, request_id, user_id."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)


def sentry_init(*, dsn: str, environment: str) -> bool:
    """Send errors to Sentry when a DSN is configured; nothing is sent (or loaded) otherwise."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Officers' names and addresses stay out of error reports.
        send_default_pii=False,
    )
    return True
