"""The dashboard's body: what it shows for a choice, and where it is kept once rendered.

The body depends only on the data, the day, the language, the reader's visibility class and
the query string, never on the person: it is cached per those (the header's user menu is
outside it), and committee.warming renders the default one ahead, after each change, with the
same context and key as the page.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.translation import get_language

from agencies import geography
from agencies.models import Province
from committee import dashboard
from committee.figures import committee_figures
from committee.labels import labelled
from core.data_version import data_version_current
from core.quarters import Quarter
from interventions.models import PlanItem, Policy
from reporting.selectors import nap_crosswalk

TEMPLATE = "committee/includes/dashboard_body.html"
SCORECARD_ROWS = 100
CACHE_SECONDS = 15 * 60


def cache_key(visibility: str, today: datetime.date, params: QueryDict) -> str:
    """The body's key in the active language (the template's `{% cache %}` takes it)."""
    return f"{get_language()}:{visibility}:{data_version_current()}:{today}:{params.urlencode()}"


def fragment_key(body_key: str) -> str:
    """Where `{% cache ... committee_dashboard body_key using="figures" %}` keeps the body."""
    return make_template_fragment_key("committee_dashboard", [body_key])


def cached(body_key: str) -> str | None:
    try:
        return caches["figures"].get(fragment_key(body_key))
    except Exception:  # an unreachable cache: render afresh
        return None


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


def render_ahead(
    choice: dashboard.Choice,
    policies: list[Policy],
    params: QueryDict,
    today: datetime.date,
    visibility: str,
) -> bool:
    """Render the body into the cache as the page would, in the active language, unless it is
    there already; True when it rendered."""
    body_key = cache_key(visibility, today, params)
    if cached(body_key) is not None:
        return False
    body = render_to_string(
        TEMPLATE,
        {**controls(choice, policies, today), **context(choice, params, today, visibility)},
    )
    caches["figures"].set(fragment_key(body_key), body, CACHE_SECONDS)
    return True
