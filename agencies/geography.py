"""Where a body works: federal, provincial or in the special areas, and in which provinces.

Since the 18th amendment most internal-security work is provincial, so the committee splits
its figures by level and by province. The registry gives each body a level and a province;
the rule below is written once, as a database condition (`counts_for`), and every view reads
it: the item list's filters, the dashboard, the ranked exceptions and the report (through
`places`, which evaluates the same condition for every level and province in one query).

- the *special areas* are Gilgit-Baltistan and Azad Jammu and Kashmir (regions the registry
  groups with the provinces by convention); every other provincial body is *provincial*;
- a provincial body with no province of its own (a collective record such as All Home
  Departments, which no source enumerates) counts for each province and special area;
- a group wording counts for each of its members (Federal and Provincial Governments: both).
"""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, TextChoices
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Province


class Level(TextChoices):
    FEDERAL = "federal", _("Federal")
    PROVINCIAL = "provincial", _("Provincial")
    SPECIAL = "special", _("Special areas")


SPECIAL_AREAS = (Province.GB, Province.AJK)
# A provincial body with no province: a collective record working in every province.
_COLLECTIVE = Q(level=Agency.Level.PROVINCIAL, province="")


def _own(level: str, province: str) -> Q:
    """The body's own level and province (not its members') count for both given."""
    condition = Q()
    if level == Level.FEDERAL:
        condition &= Q(level=Agency.Level.FEDERAL)
    elif level == Level.PROVINCIAL:
        condition &= Q(level=Agency.Level.PROVINCIAL) & ~Q(province__in=SPECIAL_AREAS)
    elif level == Level.SPECIAL:
        condition &= _COLLECTIVE | Q(level=Agency.Level.PROVINCIAL, province__in=SPECIAL_AREAS)
    if province:
        condition &= Q(province=province) | _COLLECTIVE
    return condition


def counts_for(*, level: str = "", province: str = "") -> Q:
    """The condition on an Agency that it counts for a level and/or a province: by its own
    place or, for a group wording, a member's. One SQL condition, no query of its own, so a
    filter built on it (agencies_for, as a subquery) costs the list no extra query."""
    own = _own(level, province)
    member = Agency.members.through.objects.filter(
        from_agency=OuterRef("pk"), to_agency__in=Agency.objects.filter(own)
    )
    return own | Q(Exists(member))


def places() -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Per agency id: the levels and provinces it counts for (counts_for, read for every
    level and province in one query)."""
    keys = [("level", key) for key in Level.values] + [("province", key) for key in Province.values]
    flags = {
        f"{kind}_{key}": ExpressionWrapper(counts_for(**{kind: key}), output_field=BooleanField())
        for kind, key in keys
    }
    out = {}
    for row in Agency.objects.annotate(**flags).values("pk", *flags):
        levels = frozenset(key for kind, key in keys if kind == "level" and row[f"level_{key}"])
        provinces = frozenset(
            key for kind, key in keys if kind == "province" and row[f"province_{key}"]
        )
        out[row["pk"]] = (levels, provinces)
    return out


def agencies_for(*, level: str = "", province: str = ""):
    """The bodies that count for a level and/or a province (both when both are given)."""
    return Agency.objects.filter(counts_for(level=level, province=province))


def place_title(*, level: str = "", province: str = "") -> str:
    """How a page or a report names a scope narrowed to a level and/or a province, in the
    active language ("Provincial · Sindh"); empty when it is not narrowed."""
    parts = [str(Level(level).label)] if level else []
    if province:
        parts.append(str(Province(province).label))
    return " · ".join(parts)
