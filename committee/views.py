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
    context = {
        **dashboard_body.controls(choice, policies, today),
        "body_cache_seconds": 0,  # an error page is not cached
    }
    if choice.errors:
        return render(request, "committee/dashboard.html", context, status=400)
    # The page body depends only on the data, the day, the language and the query string:
    # cached per data version like the figures (the header's user menu is outside it). On a
    # hit the figures are not even read: at x100 unpickling them alone takes seconds.
    context["body_cache_seconds"] = dashboard_body.CACHE_SECONDS
    # The reader's visibility class too: restricted items are named only to those who read
    # every item; others see them counted as "restricted: N".
    visibility = visibility_class(request.user)
    context["body_cache_key"] = dashboard_body.cache_key(visibility, today, request.GET)
    body = dashboard_body.cached(context["body_cache_key"])
    if body is not None:
        # Our own page body as rendered (and escaped) before.
        context["body_html"] = mark_safe(body)
        return render(request, "committee/dashboard.html", context)
    context.update(dashboard_body.context(choice, request.GET, today, visibility))
    return render(request, "committee/dashboard.html", context)
