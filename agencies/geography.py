"""Where a body works: federal, provincial or in the special areas, and in which provinces.

Since the 18th amendment most internal-security work is provincial, so the committee splits
its figures by level and by province. The registry gives each body a level and a province;
this module reads them once for every view (dashboard, exceptions, item list, report):

- the *special areas* are Gilgit-Baltistan and Azad Jammu and Kashmir (regions the registry
  groups with the provinces by convention); every other provincial body is *provincial*;
- a provincial body with no province of its own (a collective record such as All Home
  Departments, which no source enumerates) counts for each province and special area;
- a group wording counts for each of its members (Federal and Provincial Governments: both).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, TextChoices

from agencies.models import Agency, Province


class Level(TextChoices):
    FEDERAL = "federal", "Federal"
    PROVINCIAL = "provincial", "Provincial"
    SPECIAL = "special", "Special areas"


SPECIAL_AREAS = (Province.GB, Province.AJK)


def _level_of(level: str, province: str) -> str | None:
    if level == Agency.Level.FEDERAL:
        return Level.FEDERAL
    if level == Agency.Level.PROVINCIAL:
        return Level.SPECIAL if province in SPECIAL_AREAS else Level.PROVINCIAL
    return None


def places() -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Per agency id: the levels and provinces it counts for. Two queries."""
    rows = {
        pk: (level, province)
        for pk, level, province in Agency.objects.values_list("pk", "level", "province")
    }
    out: dict[int, tuple[set[str], set[str]]] = {}
    for pk, (level, province) in rows.items():
        if level == Agency.Level.PROVINCIAL and not province:
            # A collective record: it works in every province and special area.
            levels, provinces = {Level.PROVINCIAL, Level.SPECIAL}, set(Province.values)
        else:
            found = _level_of(level, province)
            levels = {found} if found else set()
            provinces = {province} if province else set()
        out[pk] = (levels, provinces)
    members = Agency.members.through.objects.values_list("from_agency_id", "to_agency_id")
    for group_id, member_id in members:
        levels, provinces = out[group_id]
        member_levels, member_provinces = out[member_id]
        out[group_id] = (levels | member_levels, provinces | member_provinces)
    return {
        pk: (frozenset(levels), frozenset(provinces)) for pk, (levels, provinces) in out.items()
    }


def agencies_for(*, level: str = "", province: str = "") -> QuerySet[Agency]:
    """The bodies that count for a level and/or a province (both when both are given)."""
    chosen = [
        pk
        for pk, (levels, provinces) in places().items()
        if (not level or level in levels) and (not province or province in provinces)
    ]
    return Agency.objects.filter(Q(pk__in=chosen))
