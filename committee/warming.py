"""The dashboard kept ready: after a change, a worker computes again the figures the committee's
dashboard opens on and renders its body in each language, so a member seldom waits for them
(1.6 s at x10, 18 s at x100).

Every committed change of the data version (core.data_version.data_changed) asks for one
warm-up, FIGURES_WARM_DELAY_SECONDS later; the changes made meanwhile share it (a mark in the
cache says one is pending). The warm-up goes through the figures cache (committee.figures) and
the body's (committee.dashboard_body), for the dashboard's default choice (this quarter, its
default policy) and each class of signed-in reader. Asking can fail (no broker): the write that
asked has committed and is never failed.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import QueryDict
from django.utils import timezone, translation

from committee import dashboard, dashboard_body
from committee.figures import committee_figures
from core.tasks import enqueue
from interventions.models import Policy

log = logging.getLogger(__name__)

WARM_TASK = "committee.warm_dashboard_figures"
PENDING = "committee-figures-warm-pending"
# Signed-in readers: the committee's class and everyone else's (the public view has its own).
READER_CLASSES = ("all", "official")


def warm_soon(**_signal) -> None:
    """Ask for one warm-up after the delay, unless one is already pending."""
    delay = settings.FIGURES_WARM_DELAY_SECONDS
    if not delay:
        return
    try:
        # Pending for the delay and some: a warm-up lost with its worker stops no later one.
        if caches["default"].add(PENDING, True, timeout=delay + 300):
            enqueue(WARM_TASK, countdown=delay)
    except Exception:  # the broker or the cache unreachable: the figures wait for a reader
        log.warning("Could not ask for the dashboard's figures to be computed again")


def warm_dashboard_figures(today: datetime.date | None = None) -> list[str]:
    """Compute (or find cached) the default dashboard's figures for each reader class; returns
    the scopes warmed."""
    # From here on a change asks for a warm-up of its own: this one may read the data before it.
    caches["default"].delete(PENDING)
    today = today or timezone.localdate()
    policies = list(Policy.objects.order_by("position", "code"))
    default = QueryDict()
    choice = dashboard.choose(default, policies, today)
    for visibility in READER_CLASSES:
        committee_figures(
            quarter=choice.quarter, policy=choice.policy, today=today, visibility=visibility
        )
        # The page's body too, in each language: the first reader then only reads it back.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                dashboard_body.body(choice, policies, default, today, visibility)
    return [f"{choice.quarter}:{choice.scope}:{visibility}" for visibility in READER_CLASSES]
