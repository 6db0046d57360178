"""The committee's dashboard page: parse the choice, read the figures, render."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from committee import dashboard as committee_dashboard
from committee.figures import committee_figures
from core.quarters import Quarter
from interventions.models import Policy
from reporting.selectors import nap_crosswalk

SCORECARD_ROWS = 100


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
    }
    if choice.errors:
        return render(request, "committee/dashboard.html", context, status=400)
    figures = committee_figures(quarter=choice.quarter, policy=choice.policy, today=today)
    links = committee_dashboard.Links(choice.policy)
    rows, columns, sort = committee_dashboard.scorecard(
        figures["by_agency"], request.GET.get("sort", committee_dashboard.DEFAULT_SORT), links
    )
    # The real plan has some 90 agencies; a synthetic one at scale thousands: show the first
    # ones in the chosen order unless all are asked for.
    shown = len(rows) if request.GET.get("agencies") == "all" else SCORECARD_ROWS
    context.update(
        {
            "figures": figures,
            "as_of": datetime.date.fromisoformat(figures["as_of"]),
            "is_current": choice.quarter == Quarter.of(today),
            "today_year": today.year,
            "scorecard": rows[:shown],
            "scorecard_hidden": len(rows) > shown,
            "scorecard_columns": columns,
            "sort": sort,
            "links": links,
            "policy_links": links.by_policy(figures),
            "pillar_links": links.by_pillar(),
            "agency_links": links.by_agency(figures),
            "owner_gap_query": links.scope(no_owner="true"),
            "crosswalk": nap_crosswalk(as_of=choice.quarter.end),
            # Below the top, behind "and N more": the rest of the ranked list.
            "more_exceptions": figures["exceptions"]["all"][figures["exceptions"]["cap"] :],
        }
    )
    return render(request, "committee/dashboard.html", context)
