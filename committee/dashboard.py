"""The committee dashboard's choices and links: which quarter and scope it shows, how its
scorecard sorts, and where each figure leads in the item list.

The figures themselves come from committee.figures, computed once for the dashboard and the
quarterly report; nothing here counts anything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from agencies import geography
from agencies.models import Province
from core.quarters import Quarter
from interventions.models import Policy, Theme

DEFAULT_POLICY = "NISP-2018"
ALL_POLICIES = "all"
# Scorecard columns: the sort key of each (a field of a by_agency row) and its heading.
SCORECARD_SORTS = {
    "agency": ("code", _("Agency")),
    "owned": ("owned", _("Items owned")),
    "reported": ("reported_share", _("Reported")),
    "good": ("good_share", _("On track or completed")),
    "overdue": ("overdue", _("Overdue")),
}
# Most overdue first: where the committee should look first.
DEFAULT_SORT = "-overdue"


@dataclass
class Choice:
    """The quarter and scope asked for, or the errors saying why they cannot be shown."""

    quarter: Quarter
    policy: Policy | None
    scope: str
    errors: list[str] = field(default_factory=list)
    # Narrowed to the items of bodies at a level and/or in a province (agencies.geography).
    level: str = ""
    province: str = ""


def choose(params: QueryDict, policies: list[Policy], today: datetime.date) -> Choice:
    """Read ?quarter=2026Q3&policy=NISP-2018|all&level=provincial&province=KP; defaults: this
    quarter, NISP 2018, every level and province."""
    current = Quarter.of(today)
    earliest = Quarter(_first_year(policies), 1)
    errors = []
    quarter = current
    asked = params.get("quarter", "").strip()
    if asked:
        try:
            quarter = Quarter.parse(asked)
        except ValidationError as error:
            errors += error.message_dict["quarter"]
        else:
            if quarter > current:
                errors.append(f"{quarter} has not begun yet: the latest quarter is {current}.")
            elif quarter < earliest:
                errors.append(f"{quarter} is before every policy: the earliest is {earliest}.")
    scope = params.get("policy", DEFAULT_POLICY).strip() or DEFAULT_POLICY
    by_code = {policy.code: policy for policy in policies}
    if scope != ALL_POLICIES and scope not in by_code:
        errors.append(f"“{scope}” is not a policy: choose one of {', '.join(by_code)} or all.")
    policy = by_code.get(scope)
    level = params.get("level", "").strip()
    if level and level not in geography.Level.values:
        errors.append(
            _("“%(level)s” is not a level: choose federal, provincial or special.")
            % {"level": level}
        )
    province = params.get("province", "").strip()
    if province and province not in Province.values:
        errors.append(
            _("“%(province)s” is not a province or area: choose one of %(known)s.")
            % {"province": province, "known": ", ".join(Province.values)}
        )
    return Choice(
        quarter=quarter, policy=policy, scope=scope, errors=errors, level=level, province=province
    )


def quarter_options(policies: list[Policy], today: datetime.date) -> list[str]:
    """Every quarter from the earliest policy's first to this one, newest first."""
    current = Quarter.of(today)
    earliest = Quarter(_first_year(policies), 1)
    options = [current]
    while options[-1] > earliest:
        options.append(options[-1].previous())
    return [quarter.label for quarter in options]


def _first_year(policies: list[Policy]) -> int:
    return min((policy.start_year for policy in policies), default=datetime.date.today().year)


def _query(**params) -> str:
    return urlencode({name: value for name, value in params.items() if value not in (None, "")})


class Links:
    """Item-list queries for the dashboard's figures, scoped like the dashboard.

    The item list filters by status, overdue and "no update this period" as they stand today,
    so for a past quarter a link shows today's items behind the figure (the page says so)."""

    def __init__(self, policy: Policy | None, level: str = "", province: str = ""):
        self.policy = policy.code if policy else None
        self.place = {"level": level, "province": province}

    def scope(self, **more) -> str:
        return _query(policy=self.policy, **self.place, **more)

    def by_policy(self, figures: dict) -> dict[str, str]:
        return {
            group["key"]: _query(policy=group["key"], **self.place)
            for group in figures["by_policy"]
        }

    def by_pillar(self) -> dict[str, str]:
        """Per pillar key ("NISP-2018 P3", as in the figures), its item-list query."""
        pillars = Theme.objects.filter(parent=None).values_list("pk", "policy__code", "key")
        if self.policy:
            pillars = pillars.filter(policy__code=self.policy)
        return {
            f"{code} {key}": _query(policy=code, theme=pk, **self.place)
            for pk, code, key in pillars
        }

    def by_agency(self, rows: list[dict]) -> dict[str, str]:
        """Per agency row given (the scorecard's shown rows), its item-list query."""
        return {row["code"]: self.scope(agency=row["code"]) for row in rows}


def _next_sort(key: str, sort: str) -> str:
    """A click on the sorted column reverses it; on another, sorts it largest first (agencies
    by code)."""
    if sort in (key, f"-{key}"):
        return key if sort.startswith("-") else f"-{key}"
    return key if key == "agency" else f"-{key}"


def scorecard(
    rows: list[dict], sort: str, links: Links, limit: int | None = None
) -> tuple[list[dict], list[dict], str]:
    """The first `limit` scorecard rows (all without one) sorted by `sort` ("overdue",
    "-good", …), each figure with its item-list query; and the column headings with the query
    that sorts by each. Links are built only for the rows returned: at scale there are
    thousands of agencies and a hundred are shown."""
    name = sort.removeprefix("-")
    if name not in SCORECARD_SORTS:
        sort, name = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    field_name = SCORECARD_SORTS[name][0]
    ordered = sorted(rows, key=lambda row: row["code"])
    ordered.sort(key=lambda row: row[field_name], reverse=sort.startswith("-"))
    columns = [
        {
            "key": key,
            "heading": heading,
            "sort": _next_sort(key, sort),
            "aria_sort": {key: "ascending", f"-{key}": "descending"}.get(sort, ""),
        }
        for key, (_, heading) in SCORECARD_SORTS.items()
    ]
    decorated = [
        {
            **row,
            "on_track": row["by_status"]["on_track"],
            "completed": row["by_status"]["completed"],
            "change": round(row["good_share"] - row["previous_good_share"], 1),
            "urls": {
                "owned": links.scope(agency=row["code"]),
                "on_track": links.scope(agency=row["code"], status="on_track"),
                "completed": links.scope(agency=row["code"], status="completed"),
                "overdue": links.scope(agency=row["code"], overdue="true"),
            },
        }
        for row in ordered[:limit]
    ]
    return decorated, columns, sort
