"""The committee's dashboard page: parse the choice, read the figures, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from committee import dashboard as committee_dashboard
from committee import dashboard_body
from interventions.models import Policy, visibility_class


@login_required
def dashboard(request):
    """The Advisory Committee's view of a quarter: every figure from committee_figures."""
    today = timezone.localdate()
    policies = list(Policy.objects.order_by("position", "code"))
    choice = committee_dashboard.choose(request.GET, policies, today)
    if choice.errors:
        return render(
            request,
            "committee/dashboard.html",
            dashboard_body.controls(choice, policies, today),
            status=400,
        )
    # The reader's visibility class too: restricted items are named only to those who read
    # every item; others see them counted as "restricted: N".
    visibility = visibility_class(request.user)
    # The body depends only on the data, the day, the language, that class and the query
    # string: kept per data version like the figures (the header's user menu is outside it).
    body = dashboard_body.body(choice, policies, request.GET, today, visibility)
    # Our own page body as rendered (and escaped) before.
    return render(request, "committee/dashboard.html", {"body_html": mark_safe(body)})
