"""Load the policy fixtures into the database: all files in one transaction, nothing on error.

The loader owns what the sources say (texts, wordings, references) and never overwrites what
people fill in later (indicator units and targets, a term the committee set, an owner the
secretary assigned); a record is saved only when its source-owned fields changed, so a rerun
writes no history.

It removes only what it owns and the fixtures no longer state: a responsibility, a cross-policy
link, a registry body. Progress data is never removed: an item that loses an owner keeps its
updates, and a body that people or records still refer to is refused with the references named.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.db import IntegrityError, models, transaction

from agencies.models import Agency, AgencyAlias
from agencies.selectors import normalize_alias
from interventions.fixture_reader import FixtureError, Record, read_fixture
from interventions.models import (
    Cadence,
    Committee,
    CommitteeMember,
    ContextNote,
    Indicator,
    ItemLink,
    PlanItem,
    Policy,
    PolicyLink,
    Priority,
    Responsibility,
    Theme,
)

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
AGENCY_FILE = "agencies.yaml"
POLICY_FILES = ("nisp-2018.yaml", "nap-2014.yaml", "nsp-2022.yaml")
CROSSWALK_FILE = "crosswalk.yaml"

PROVINCES = ["PUNJAB", "SINDH", "KP", "BALOCHISTAN", "GB", "AJK", "ICT"]

# Records the loader rebuilds from the fixtures; anything else pointing at a body is people's data.
_LOADER_OWNED = {"agencyalias", "responsibility", "agency", "planitem", "committeemember"}

# Policy fields that state a fact of the source; each needs its own citation.
FACT_FIELDS = ("oversight_body", "reporting_cadence", "review_cadence", "priority_review_cadence")


def _values(enum: type[models.TextChoices]) -> list[str]:
    return [str(v) for v in enum.values]


# Indicators worded as a count ("No. of reports prepared by JID") are reported as numbers; the
# rest ("Committee(s) established") as descriptions. The committee can change either later.
_COUNT_WORDING = ("no. of", "no of", "number of", "%", "percentage", "amount of", "budget")


def measure_of(description: str) -> str:
    if description.lower().startswith(_COUNT_WORDING):
        return Indicator.Measure.NUMBER
    return Indicator.Measure.TEXT


class Loader:
    def __init__(self, fixtures_dir: Path) -> None:
        self.dir = fixtures_dir
        self.counts: Counter[str] = Counter()
        self.agencies: dict[str, Agency] = {}

    # --- generic write -------------------------------------------------------------------
    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        create_only: dict[str, Any] | None = None,
    ) -> models.Model:
        """Create, or update only the fields that differ; count what happened."""
        name = model._meta.verbose_name_plural
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            obj.save()
            self.counts[f"{name} created"] += 1
            return obj
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save()
            self.counts[f"{name} updated"] += 1
        return obj

    # --- agencies ------------------------------------------------------------------------
    def load_agencies(self, top: Record) -> None:
        records = top.children("agencies")
        if not records:
            raise top.error("agencies", "the registry is empty")
        for record in records:
            source = record.source(required=False)
            province = record.choice("province", PROVINCES, required=False)
            agency = self.upsert(
                Agency,
                {"code": record.text("code")},
                {
                    "name": record.text("name"),
                    "kind": record.choice("kind", _values(Agency.Kind)),
                    "level": record.choice("level", _values(Agency.Level), required=False),
                    "province": province,
                    "note": record.text("note", required=False),
                    **(source.as_fields() if source else {}),
                },
            )
            self.agencies[agency.code] = agency
            aliases = [agency.code, agency.name, *record.strings("aliases")]
            stale = agency.aliases.exclude(normalized__in=[normalize_alias(a) for a in aliases])
            if stale.exists():
                self.counts["agency aliases removed"] += stale.count()
                stale.delete()
            for alias in aliases:
                self.add_alias(record, agency, alias)
        for record in records:
            agency = self.agencies[record.text("code")]
            parent_code = record.text("parent", required=False)
            parent = self.agency(record, "parent", parent_code) if parent_code else None
            if agency.parent_id != (parent.pk if parent else None):
                agency.parent = parent
                agency.save()
            members = [self.agency(record, "members", code) for code in record.strings("members")]
            if members and agency.kind != Agency.Kind.GROUP:
                raise record.error("members", "only a group (kind: group) has members")
            if {m.pk for m in members} != set(agency.members.values_list("pk", flat=True)):
                agency.members.set(members)
                self.counts["group memberships updated"] += 1
        self.registry_codes = {record.text("code") for record in records}

    def prune_agencies(self) -> None:
        """Delete bodies the registry no longer lists, unless people's data refers to them."""
        stale = Agency.objects.filter(is_synthetic=False).exclude(code__in=self.registry_codes)
        for agency in stale.order_by("code"):
            references = []
            for relation in agency._meta.related_objects:
                model = relation.related_model
                if model._meta.model_name in _LOADER_OWNED or model._meta.model_name.startswith(
                    "historical"
                ):
                    continue
                accessor = relation.get_accessor_name()
                count = getattr(agency, accessor).count() if relation.multiple else 0
                if count:
                    references.append(f"{count} {model._meta.verbose_name_plural}")
            if references:
                raise FixtureError(
                    f"{AGENCY_FILE}: agency {agency.code} ({agency.name}) is no longer in the "
                    f"registry, but {', '.join(references)} still refer to it; move them to "
                    "another body first, then load again. Nothing was changed."
                )
            agency.responsibilities.all().delete()
            agency.group_responsibilities.all().delete()
            agency.delete()
            self.counts["agencies removed"] += 1

    def add_alias(self, record: Record, agency: Agency, alias: str) -> None:
        normalized = normalize_alias(alias)
        existing = AgencyAlias.objects.filter(normalized=normalized).first()
        if existing is None:
            AgencyAlias.objects.create(agency=agency, alias=alias, normalized=normalized)
            self.counts["agency aliases created"] += 1
        elif existing.agency_id != agency.pk:
            raise record.error("aliases", f"{alias!r} already names agency {existing.agency.code}")

    def agency(self, record: Record, field: str, code: str) -> Agency:
        if code not in self.agencies:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise record.error(field, f"unknown agency code {code!r}")
            self.agencies[code] = agency
        return self.agencies[code]

    # --- policies ------------------------------------------------------------------------
    def load_policy(self, top: Record, position: int) -> Policy:
        record = top.child("policy")
        cadences = _values(Cadence)
        issuer = record.text("issuing_body", required=False)
        citations = record.child("citations", required=False)
        cited = {}
        for field in FACT_FIELDS:
            if record.text(field, required=False):
                if citations is None or citations.data.get(field) is None:
                    raise record.error(field, "needs its own citation under 'citations'")
                ref = citations.source(field)
                cited[field] = {"file": ref.file, "first": ref.first, "last": ref.last}
        policy = self.upsert(
            Policy,
            {"code": record.text("code")},
            {
                "title": record.text("title"),
                "start_year": record.integer("start_year"),
                "end_year": record.integer("end_year", required=False),
                "issuing_body": self.agency(record, "issuing_body", issuer) if issuer else None,
                "oversight_body": record.text("oversight_body", required=False),
                "reporting_cadence": record.choice("reporting_cadence", cadences),
                "review_cadence": record.choice("review_cadence", cadences, required=False),
                "priority_review_cadence": record.choice(
                    "priority_review_cadence", cadences, required=False
                ),
                "citations": cited,
                "note": record.text("note", required=False),
                "position": position,
                **record.source().as_fields(),
            },
        )
        themes = self.load_themes(top, policy)
        priorities = self.load_priorities(top, policy)
        self.load_committees(top, policy)
        self.load_items(top, policy, record.child("default_timeline", required=False), themes)
        self.link_priorities(top, policy, priorities)
        return policy

    def load_themes(self, top: Record, policy: Policy) -> dict[str, Theme]:
        themes: dict[str, Theme] = {}
        for position, record in enumerate(top.children("themes")):
            key = record.text("key")
            parent_key = record.text("parent", required=False)
            if parent_key and parent_key not in themes:
                raise record.error("parent", f"unknown or later theme key {parent_key!r}")
            themes[key] = self.upsert(
                Theme,
                {"policy": policy, "key": key},
                {
                    "name": record.text("name"),
                    "parent": themes[parent_key] if parent_key else None,
                    "position": position,
                    **record.source().as_fields(),
                },
            )
        return themes

    def load_priorities(self, top: Record, policy: Policy) -> dict[int, Priority]:
        priorities = {}
        for record in top.children("priorities"):
            rank = record.integer("rank")
            priorities[rank] = self.upsert(
                Priority,
                {"policy": policy, "rank": rank},
                {
                    "prong": record.text("prong"),
                    "text": record.text("text"),
                    **record.source().as_fields(),
                },
            )
        return priorities

    def load_committees(self, top: Record, policy: Policy) -> None:
        for record in top.children("committees"):
            committee = self.upsert(
                Committee,
                {"code": record.text("code")},
                {
                    "policy": policy,
                    "name": record.text("name"),
                    "role": record.text("role", required=False),
                    "cadence": record.choice("cadence", _values(Cadence), required=False),
                    "note": record.text("note", required=False),
                    **record.source().as_fields(),
                },
            )
            for position, member in enumerate(record.children("members")):
                code = member.text("agency", required=False)
                self.upsert(
                    CommitteeMember,
                    {"committee": committee, "as_written": member.text("as_written")},
                    {
                        "agency": self.agency(member, "agency", code) if code else None,
                        "note": member.text("note", required=False),
                        "position": position,
                    },
                )

    # --- items ---------------------------------------------------------------------------
    def load_items(
        self,
        top: Record,
        policy: Policy,
        default_timeline: Record | None,
        themes: dict[str, Theme],
    ) -> None:
        records = top.children("items")
        items: dict[str, PlanItem] = {}
        for position, record in enumerate(records):
            ref = record.text("ref")
            if ref in items:
                raise record.error("ref", f"{ref!r} is used twice in {policy.code}")
            items[ref] = self.load_item(record, policy, position, default_timeline, themes)
        for record in records:
            item = items[record.text("ref")]
            parent_ref = record.text("parent_ref", required=False)
            if parent_ref and parent_ref not in items:
                raise record.error("parent_ref", f"no item {parent_ref!r} in {policy.code}")
            parent = items[parent_ref] if parent_ref else None
            if item.parent_id != (parent.pk if parent else None):
                item.parent = parent
                item.save()
            for other in item.shares_cells_with:
                if other not in items or other == item.ref:
                    raise record.error("shares_cells_with", f"no other item {other!r}")

    def load_item(
        self,
        record: Record,
        policy: Policy,
        position: int,
        default_timeline: Record | None,
        themes: dict[str, Theme],
    ) -> PlanItem:
        theme_key = record.text("theme", required=False)
        if theme_key and theme_key not in themes:
            raise record.error("theme", f"unknown theme key {theme_key!r} in {policy.code}")
        timeline = record.child("timeline", required=False) or default_timeline
        budget = record.child("budget")
        values = {
            "theme": themes[theme_key] if theme_key else None,
            "kind": record.choice("kind", _values(PlanItem.Kind)),
            "text": record.text("text"),
            "position": position,
            "start_year": timeline.integer("start_year", required=False) if timeline else None,
            "end_year": timeline.integer("end_year", required=False) if timeline else None,
            "due_date": timeline.date("due_date") if timeline else None,
            "timeline_as_written": timeline.text("as_written", required=False) if timeline else "",
            "budget_kind": budget.choice("kind", _values(PlanItem.BudgetKind)),
            "budget_as_written": budget.text("as_written", required=False),
            "budget_amount": budget.decimal("amount"),
            "evidence": record.choice("evidence", _values(PlanItem.Evidence), required=False),
            "source_urls": record.strings("source_urls"),
            "notes": record.strings("notes"),
            "text_lines": self.text_lines(record),
            "shares_cells_with": record.strings("shares_cells_with"),
            **record.source().as_fields(),
        }
        term = timeline.choice("term", _values(PlanItem.Term), required=False) if timeline else ""
        # The committee may set a term later; a reload must not undo that.
        item = self.upsert(
            PlanItem,
            {"policy": policy, "ref": record.text("ref")},
            values,
            create_only={"term": term or PlanItem.Term.UNKNOWN},
        )
        deciders = [
            self.agency(budget, "determined_by", c) for c in budget.strings("determined_by")
        ]
        if {d.pk for d in deciders} != set(item.budget_determined_by.values_list("pk", flat=True)):
            item.budget_determined_by.set(deciders)
        self.load_responsibilities(record, item)
        self.load_indicators(record, item)
        for index, note in enumerate(record.children("context")):
            self.upsert(
                ContextNote,
                {"item": item, "position": index},
                {
                    "date": note.date("date"),
                    "text": note.text("text"),
                    **note.source().as_fields(),
                },
            )
        return item

    def text_lines(self, record: Record) -> list[list[int]]:
        value = record.data.get("text_lines") or []
        if not isinstance(value, list) or not all(
            isinstance(r, list) and len(r) == 2 and all(isinstance(n, int) for n in r)
            for r in value
        ):
            raise record.error(
                "text_lines", f"must be a list of [first, last] pairs, got {value!r}"
            )
        return value

    def load_responsibilities(self, record: Record, item: PlanItem) -> None:
        position = 0
        seen: set[int] = set()
        for cell in record.children("responsibilities"):
            as_written = cell.text("as_written")
            for role in Responsibility.Role:
                field = role.value
                for code in cell.strings(field):
                    named = self.agency(cell, field, code)
                    group = named if named.kind == Agency.Kind.GROUP else None
                    for agency in group.members.all() if group else [named]:
                        # The first mention wins: a lead named again through a group stays lead.
                        if agency.pk in seen:
                            continue
                        seen.add(agency.pk)
                        self.upsert(
                            Responsibility,
                            {"item": item, "agency": agency},
                            {
                                "role": role,
                                "as_written": as_written,
                                "via_group": group,
                                "position": position,
                            },
                        )
                        position += 1
                    if group and not group.members.exists():
                        raise cell.error(field, f"group {code!r} has no members to expand to")
        # Owners the fixtures no longer state go; owners the secretary assigned stay. Updates
        # point at the item and the agency, not at the responsibility, so none is lost.
        stale = item.responsibilities.filter(assignment__isnull=True).exclude(agency__in=seen)
        removed = len(stale)
        if removed:
            stale.delete()
            self.counts["responsibilities removed"] += removed

    def load_indicators(self, record: Record, item: PlanItem) -> None:
        for position, description in enumerate(record.strings("indicators")):
            if not description:
                raise record.error("indicators", f"entry {position} is empty")
            self.upsert(
                Indicator,
                {"item": item, "description": description},
                {"position": position},
                create_only={"measure": measure_of(description)},
            )

    def link_priorities(self, top: Record, policy: Policy, priorities: dict[int, Priority]):
        for record in top.children("items"):
            ranks = record.integers("priorities")
            if not ranks:
                continue
            missing = [rank for rank in ranks if rank not in priorities]
            if missing:
                raise record.error("priorities", f"no priority ranks {missing} in {policy.code}")
            item = PlanItem.objects.get(policy=policy, ref=record.text("ref"))
            item.priorities.add(*(priorities[rank] for rank in ranks))

    # --- crosswalk -----------------------------------------------------------------------
    def load_links(self, top: Record) -> None:
        kept: set[int] = set()
        for record in top.children("links"):
            ends = []
            for field in ("from", "to"):
                end = record.child(field)
                item = PlanItem.objects.filter(
                    policy__code=end.text("policy"), ref=end.text("ref")
                ).first()
                if item is None:
                    raise record.error(
                        field, f"no item {end.text('policy')} {end.text('ref')!r} is loaded"
                    )
                ends.append(item)
            link = self.upsert(
                ItemLink,
                {"from_item": ends[0], "to_item": ends[1]},
                {
                    "relation": record.choice("relation", _values(ItemLink.Relation)),
                    "rationale": record.text("rationale"),
                    "uncertain_reason": record.text("uncertain", required=False),
                    **record.source().as_fields(),
                },
            )
            kept.add(link.pk)
        # Links added by hand carry no source file; only loaded links the fixtures dropped go.
        self.prune(ItemLink.objects.exclude(source_file="").exclude(pk__in=kept))
        kept = set()
        for record in top.children("policy_links"):
            end = record.child("from")
            item = PlanItem.objects.filter(
                policy__code=end.text("policy"), ref=end.text("ref")
            ).first()
            if item is None:
                raise record.error("from", f"no item {end.text('policy')} {end.text('ref')!r}")
            code = record.child("to").text("policy")
            policy = Policy.objects.filter(code=code).first()
            if policy is None:
                raise record.error("to", f"no policy {code!r} is loaded")
            link = self.upsert(
                PolicyLink,
                {"from_item": item, "to_policy": policy},
                {"rationale": record.text("rationale"), **record.source().as_fields()},
            )
            kept.add(link.pk)
        self.prune(PolicyLink.objects.exclude(source_file="").exclude(pk__in=kept))

    def prune(self, queryset: models.QuerySet) -> None:
        removed = queryset.count()
        if removed:
            queryset.delete()
            self.counts[f"{queryset.model._meta.verbose_name_plural} removed"] += removed

    # --- all -----------------------------------------------------------------------------
    def run(self) -> Counter[str]:
        agency_path = self.dir / AGENCY_FILE
        if not agency_path.exists():
            raise FixtureError(f"{AGENCY_FILE}: missing from {self.dir}")
        self.load_agencies(read_fixture(agency_path))
        for position, name in enumerate(POLICY_FILES):
            path = self.dir / name
            if path.exists():
                self.load_policy(read_fixture(path), position)
        crosswalk = self.dir / CROSSWALK_FILE
        if crosswalk.exists():
            self.load_links(read_fixture(crosswalk))
        self.prune_agencies()
        return self.counts


def load_policies(fixtures_dir: Path = FIXTURES_DIR) -> Counter[str]:
    """Load or update every fixture; on any error nothing is written and FixtureError says why."""
    try:
        with transaction.atomic():
            return Loader(fixtures_dir).run()
    except IntegrityError as exc:
        raise FixtureError(f"the fixtures break a database rule: {exc}") from exc
