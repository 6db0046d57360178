"""The dashboard's body: what it shows for a choice, and where it is kept once rendered.

The body depends only on the data, the day, the language, the reader's visibility class and
the query string, never on the person: it is cached per those (the header's user menu is
outside it), and committee.warming renders the default one ahead, after each change, with the
same context and key as the page.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.translation import get_language

from agencies import geography
from agencies.models import Province
from committee import dashboard
from committee.figures import committee_figures
from committee.figures_cache import kept
from committee.labels import labelled
from core.data_version import data_version_current
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from reporting.selectors import nap_crosswalk

TEMPLATE = "committee/includes/dashboard_body.html"
SCORECARD_ROWS = 100


def cache_key(visibility: str, today: datetime.date, params: QueryDict) -> str:
    """The body's key in the active language."""
    return (
        f"committee-dashboard:v2:{get_language()}:{visibility}:{data_version_current()}:"
        f"{today}:{params.urlencode()}"
    )


def context(
    choice: dashboard.Choice, params: QueryDict, today: datetime.date, visibility: str
) -> dict:
    """What the body template reads for the choice, in the active language."""
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
    links = dashboard.Links(choice.policy, choice.level, choice.province)
    # The real plan has some 90 agencies; a synthetic one at scale thousands: show the first
    # ones in the chosen order unless all are asked for.
    agencies = figures["by_agency"]
    shown = len(agencies) if params.get("agencies") == "all" else SCORECARD_ROWS
    rows, columns, sort = dashboard.scorecard(
        agencies, params.get("sort", dashboard.DEFAULT_SORT), links, limit=shown
    )
    return {
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
        # Callables: computed only where the template shows them.
        "pillar_links": links.by_pillar,
        "agency_links": links.by_agency(rows),
        "owner_gap_query": links.scope(no_owner="true"),
        "crosswalk": lambda: nap_crosswalk(
            as_of=choice.quarter.end, items=PlanItem.objects.for_visibility_class(visibility)
        ),
        # Below the top, behind "and N more": the rest of the ranked list.
        "more_exceptions": figures["exceptions"]["all"][figures["exceptions"]["cap"] :],
    }


def controls(choice: dashboard.Choice, policies: list[Policy], today: datetime.date) -> dict:
    """The quarter, policy and place choosers: the page's error answer shows them too."""
    return {
        "choice": choice,
        "policies": policies,
        "quarters": dashboard.quarter_options(policies, today),
        "all_policies": dashboard.ALL_POLICIES,
        "levels": geography.Level.choices,
        "provinces": Province.choices,
    }


def body(
    choice: dashboard.Choice,
    policies: list[Policy],
    params: QueryDict,
    today: datetime.date,
    visibility: str,
) -> str:
    """The body for the choice in the active language: read back, or rendered and kept. The
    page and the warm-up both come here. On a hit the figures are not even read: at x100
    unpickling them alone takes seconds."""
    return kept(
        cache_key(visibility, today, params),
        lambda: render_to_string(
            TEMPLATE,
            {**controls(choice, policies, today), **context(choice, params, today, visibility)},
        ),
    )
