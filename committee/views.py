"""The committee's dashboard page: parse the choice, read the figures, render."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from agencies import geography
from agencies.models import Province
from committee import dashboard as committee_dashboard
from committee.figures import committee_figures
from committee.labels import labelled
from core.data_version import data_version_current
from core.quarters import Quarter
from interventions.models import PlanItem, Policy, visibility_class
from reporting.selectors import nap_crosswalk

SCORECARD_ROWS = 100
BODY_CACHE_SECONDS = 15 * 60


@login_required
def dashboard(request):
    """The Advisory Committee's view of a quarter: every figure from committee_figures."""
    today = timezone.localdate()
    policies = list(Policy.objects.order_by("position", "code"))
    choice = committee_dashboard.choose(request.GET, policies, today)
    context = {
        "choice": choice,
        "policies": policies,
        "quarters": committee_dashboard.quarter_options(policies, today),
        "all_policies": committee_dashboard.ALL_POLICIES,
        "levels": geography.Level.choices,
        "provinces": Province.choices,
        "body_cache_seconds": 0,  # an error page is not cached
    }
    if choice.errors:
        return render(request, "committee/dashboard.html", context, status=400)
    # The page body depends only on the data, the day, the language and the query string:
    # cached per data version like the figures (the header's user menu is outside it). On a
    # hit the figures are not even read: at x100 unpickling them alone takes seconds.
    context["body_cache_seconds"] = BODY_CACHE_SECONDS
    # The reader's visibility class too: restricted items are named only to those who read
    # every item; others see them counted as "restricted: N".
    visibility = visibility_class(request.user)
    context["body_cache_key"] = (
        f"{get_language()}:{visibility}:{data_version_current()}:{today}:{request.GET.urlencode()}"
    )
    fragment = make_template_fragment_key("committee_dashboard", [context["body_cache_key"]])
    body = _cached(fragment)
    if body is not None:
        # Our own page body as rendered (and escaped) before.
        context["body_html"] = mark_safe(body)
        return render(request, "committee/dashboard.html", context)
    # The figures' keys worded in the reader's language (the figures themselves are English).
    figures = labelled(
        committee_figures(
            quarter=choice.quarter,
            policy=choice.policy,
            today=today,
            level=choice.level,
            province=choice.province,
            visibility=visibility,
        )
    )
    links = committee_dashboard.Links(choice.policy, choice.level, choice.province)
    # The real plan has some 90 agencies; a synthetic one at scale thousands: show the first
    # ones in the chosen order unless all are asked for.
    agencies = figures["by_agency"]
    shown = len(agencies) if request.GET.get("agencies") == "all" else SCORECARD_ROWS
    rows, columns, sort = committee_dashboard.scorecard(
        agencies, request.GET.get("sort", committee_dashboard.DEFAULT_SORT), links, limit=shown
    )
    context.update(
        {
            "figures": figures,
            "place_title": geography.place_title(level=choice.level, province=choice.province),
            # Carried by the page's own links (sorting, show all) with the quarter and policy.
            "place_query": urlencode(
                {k: v for k, v in (("level", choice.level), ("province", choice.province)) if v}
            ),
            "as_of": datetime.date.fromisoformat(figures["as_of"]),
            "is_current": choice.quarter == Quarter.of(today),
            "today_year": today.year,
            "scorecard": rows,
            "scorecard_hidden": len(agencies) > shown,
            "scorecard_columns": columns,
            "sort": sort,
            "links": links,
            "policy_links": links.by_policy(figures),
            # Callables: the template calls them only when its cached body must be rebuilt.
            "pillar_links": links.by_pillar,
            "agency_links": links.by_agency(rows),
            "owner_gap_query": links.scope(no_owner="true"),
            "crosswalk": lambda: nap_crosswalk(
                as_of=choice.quarter.end, items=PlanItem.objects.for_visibility_class(visibility)
            ),
            # Below the top, behind "and N more": the rest of the ranked list.
            "more_exceptions": figures["exceptions"]["all"][figures["exceptions"]["cap"] :],
        }
    )
    return render(request, "committee/dashboard.html", context)


def _cached(key: str) -> str | None:
    try:
        return caches["figures"].get(key)
    except Exception:  # an unreachable cache: render afresh
        return None
