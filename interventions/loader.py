"""Load the policy fixtures into the database: all files in one transaction, nothing on error.

The loader owns what the sources say (texts, wordings, references) and never overwrites what
people fill in later (indicator units and targets, a term the committee set, an owner the
secretary assigned); a record is saved only when its source-owned fields changed, so a rerun
writes no history.

It removes only what it owns and the fixtures no longer state: a responsibility, a cross-policy
link, a registry body. Progress data is never removed: an item that loses an owner keeps its
updates, and a body that people or records still refer to is refused with the references named.

Speed: each model's existing rows are read once and compared in memory (`Rows`); new rows are
written with bulk inserts (history rows too), so a cold load is a few hundred statements and an
unchanged reload a few dozen, whatever the number of items.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.db import IntegrityError, models, transaction
from simple_history.utils import bulk_create_with_history

from agencies.models import Agency, AgencyAlias
from agencies.selectors import normalize_alias
from core.data_version import data_version_bump
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


# The natural key each loaded model is found by; the loader's lookups name these fields in order.
KEYS: dict[type[models.Model], tuple[str, ...]] = {
    Agency: ("code",),
    Policy: ("code",),
    Theme: ("policy", "key"),
    Priority: ("policy", "rank"),
    Committee: ("code",),
    CommitteeMember: ("committee", "as_written"),
    PlanItem: ("policy", "ref"),
    Responsibility: ("item", "agency"),
    Indicator: ("item", "description"),
    ContextNote: ("item", "position"),
    ItemLink: ("from_item", "to_item"),
    PolicyLink: ("from_item", "to_policy"),
}

# Synthetic copies (make_scale_data) are never the fixtures' to compare; leaving them out keeps
# a reload at x100 as cheap as at x1.
SCOPES: dict[type[models.Model], dict[str, Any]] = {
    Agency: {"is_synthetic": False},
    PlanItem: {"is_synthetic": False},
    Responsibility: {"item__is_synthetic": False},
    Indicator: {"item__is_synthetic": False},
    ContextNote: {"item__is_synthetic": False},
}


def _key_part(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _has_history(model: type[models.Model]) -> bool:
    return hasattr(model, "history")


class Loader:
    def __init__(self, fixtures_dir: Path) -> None:
        self.dir = fixtures_dir
        self.counts: Counter[str] = Counter()
        self.agencies: dict[str, Agency] = {}
        self.items: dict[tuple[str, str], PlanItem] = {}
        self.policies: dict[str, Policy] = {}
        self._rows: dict[type[models.Model], dict[tuple, models.Model]] = {}
        self._pending: dict[type[models.Model], list[models.Model]] = {}

    # --- generic write -------------------------------------------------------------------
    def rows(self, model: type[models.Model]) -> dict[tuple, models.Model]:
        """Every existing row of a loaded model by its natural key, read once."""
        if model not in self._rows:
            attnames = [model._meta.get_field(name).attname for name in KEYS[model]]
            queryset = model.objects.filter(**SCOPES.get(model, {})).order_by()
            self._rows[model] = {
                tuple(getattr(obj, a) for a in attnames): obj for obj in queryset.iterator(2000)
            }
        return self._rows[model]

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        create_only: dict[str, Any] | None = None,
        defer: bool = False,
    ) -> models.Model:
        """Create, or update only the fields that differ; count what happened.

        With defer, a new row waits for `flush` to be inserted in bulk with its siblings.
        """
        name = model._meta.verbose_name_plural
        key = tuple(_key_part(lookup[field]) for field in KEYS[model])
        rows = self.rows(model)
        obj = rows.get(key) if None not in key else None
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            if defer:
                self._pending.setdefault(model, []).append(obj)
            else:
                obj.save()
                rows[key] = obj
            self.counts[f"{name} created"] += 1
            return obj
        changed = [field for field, value in values.items() if not self._same(obj, field, value)]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save()
            self.counts[f"{name} updated"] += 1
        return obj

    @staticmethod
    def _same(obj: models.Model, field: str, value: Any) -> bool:
        # Compare relations by id: reading `obj.theme` would cost a query per row.
        model_field = obj._meta.get_field(field)
        if model_field.is_relation:
            return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
        return getattr(obj, field) == value

    def flush(self, model: type[models.Model], parent: str | None = None) -> None:
        """Insert a model's pending rows in bulk; with `parent`, parents before their children."""
        pending = self._pending.pop(model, [])
        while pending:
            if parent:
                ready = [o for o in pending if getattr(o, parent) is None or getattr(o, parent).pk]
            else:
                ready = pending
            if _has_history(model):
                bulk_create_with_history(ready, model, batch_size=1000)
            else:
                model.objects.bulk_create(ready, batch_size=1000)
            attnames = [model._meta.get_field(name).attname for name in KEYS[model]]
            rows = self.rows(model)
            for obj in ready:
                rows[tuple(getattr(obj, a) for a in attnames)] = obj
            ready_ids = {id(o) for o in ready}
            pending = [o for o in pending if id(o) not in ready_ids]

    # --- agencies ------------------------------------------------------------------------
    def load_agencies(self, top: Record) -> None:
        records = top.children("agencies")
        if not records:
            raise top.error("agencies", "the registry is empty")
        # Aliases and memberships of every body, read once: {normalized: (id, agency id)}.
        self.aliases = {
            normalized: (pk, agency_id)
            for pk, normalized, agency_id in AgencyAlias.objects.values_list(
                "pk", "normalized", "agency_id"
            )
        }
        self.memberships: dict[int, set[int]] = {}
        for group_id, member_id in Agency.members.through.objects.values_list(
            "from_agency_id", "to_agency_id"
        ):
            self.memberships.setdefault(group_id, set()).add(member_id)
        parents: dict[str, str] = {}
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
                defer=True,
            )
            self.agencies[agency.code] = agency
            parents[agency.code] = record.text("parent", required=False)
        # A new body is inserted with its parent already set, so its history starts right.
        for record in records:
            agency = self.agencies[record.text("code")]
            if agency.pk is None and parents[agency.code]:
                agency.parent = self.agency(record, "parent", parents[agency.code])
        self.flush(Agency, parent="parent")
        new_aliases: list[AgencyAlias] = []
        stale_aliases: list[int] = []
        by_owner: dict[int, list[tuple[str, int]]] = {}
        for normalized, (pk, owner) in self.aliases.items():
            by_owner.setdefault(owner, []).append((normalized, pk))
        for record in records:
            agency = self.agencies[record.text("code")]
            aliases = [agency.code, agency.name, *record.strings("aliases")]
            wanted = {normalize_alias(a) for a in aliases}
            stale = [pk for n, pk in by_owner.get(agency.pk, []) if n not in wanted]
            for normalized, _ in by_owner.get(agency.pk, []):
                if normalized not in wanted:
                    del self.aliases[normalized]
            stale_aliases += stale
            for alias in aliases:
                self.add_alias(record, agency, alias, new_aliases)
        if stale_aliases:
            AgencyAlias.objects.filter(pk__in=stale_aliases).delete()
            self.counts["agency aliases removed"] += len(stale_aliases)
        AgencyAlias.objects.bulk_create(new_aliases, batch_size=1000)
        new_members = []
        for record in records:
            agency = self.agencies[record.text("code")]
            parent_code = parents[agency.code]
            parent = self.agency(record, "parent", parent_code) if parent_code else None
            if agency.parent_id != (parent.pk if parent else None):
                agency.parent = parent
                agency.save()
            members = [self.agency(record, "members", code) for code in record.strings("members")]
            if members and agency.kind != Agency.Kind.GROUP:
                raise record.error("members", "only a group (kind: group) has members")
            wanted_ids = {m.pk for m in members}
            had = self.memberships.get(agency.pk, set())
            if wanted_ids != had:
                if had:
                    agency.members.set(members)
                else:
                    new_members += [
                        Agency.members.through(from_agency_id=agency.pk, to_agency_id=m.pk)
                        for m in members
                    ]
                self.memberships[agency.pk] = wanted_ids
                self.counts["group memberships updated"] += 1
        Agency.members.through.objects.bulk_create(new_members, batch_size=1000)
        self.registry_codes = {record.text("code") for record in records}

    def group_members(self, group: Agency) -> list[Agency]:
        by_pk = {a.pk: a for a in self.agencies.values()}
        ids = self.memberships.get(group.pk, set())
        missing = [pk for pk in ids if pk not in by_pk]
        if missing:
            by_pk.update({a.pk: a for a in Agency.objects.filter(pk__in=missing)})
        return sorted((by_pk[pk] for pk in ids), key=lambda a: a.code)

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

    def add_alias(self, record: Record, agency: Agency, alias: str, new: list[AgencyAlias]) -> None:
        normalized = normalize_alias(alias)
        existing = self.aliases.get(normalized)
        if existing is None:
            new.append(AgencyAlias(agency=agency, alias=alias, normalized=normalized))
            self.aliases[normalized] = (None, agency.pk)
            self.counts["agency aliases created"] += 1
        elif existing[1] != agency.pk:
            owner = Agency.objects.get(pk=existing[1])
            raise record.error("aliases", f"{alias!r} already names agency {owner.code}")

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
        self.policies[policy.code] = policy
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
                    defer=True,
                )
        self.flush(CommitteeMember)

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
        parents: dict[str, PlanItem | None] = {}
        for record in records:
            item = items[record.text("ref")]
            parent_ref = record.text("parent_ref", required=False)
            if parent_ref and parent_ref not in items:
                raise record.error("parent_ref", f"no item {parent_ref!r} in {policy.code}")
            parents[item.ref] = items[parent_ref] if parent_ref else None
            for other in item.shares_cells_with:
                if other not in items or other == item.ref:
                    raise record.error("shares_cells_with", f"no other item {other!r}")
            # A new item is inserted with its parent set, so its first history row is right.
            if item.pk is None:
                item.parent = parents[item.ref]
        self.flush(PlanItem, parent="parent")
        for ref, item in items.items():
            parent = parents[ref]
            if item.parent_id != (parent.pk if parent else None):
                item.parent = parent
                item.save()
            self.items[(policy.code, ref)] = item
        self.load_item_relations(records, items)

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
        return self.upsert(
            PlanItem,
            {"policy": policy, "ref": record.text("ref")},
            values,
            create_only={"term": term or PlanItem.Term.UNKNOWN},
            defer=True,
        )

    def load_item_relations(self, records: list[Record], items: dict[str, PlanItem]) -> None:
        """Budget bodies, owners, indicators and context of a policy's items, once they exist."""
        through = PlanItem.budget_determined_by.through
        ids = [item.pk for item in items.values()]
        deciders_had: dict[int, set[int]] = {}
        for item_id, agency_id in through.objects.filter(planitem_id__in=ids).values_list(
            "planitem_id", "agency_id"
        ):
            deciders_had.setdefault(item_id, set()).add(agency_id)
        self.responsibilities_had: dict[int, list[Responsibility]] = {}
        for responsibility in self.rows(Responsibility).values():
            self.responsibilities_had.setdefault(responsibility.item_id, []).append(responsibility)
        new_deciders = []
        for record in records:
            item = items[record.text("ref")]
            budget = record.child("budget")
            deciders = [
                self.agency(budget, "determined_by", c) for c in budget.strings("determined_by")
            ]
            had = deciders_had.get(item.pk, set())
            if {d.pk for d in deciders} != had:
                if had:
                    item.budget_determined_by.set(deciders)
                else:
                    new_deciders += [through(planitem_id=item.pk, agency_id=d.pk) for d in deciders]
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
                    defer=True,
                )
        through.objects.bulk_create(new_deciders, batch_size=1000)
        for model in (Responsibility, Indicator, ContextNote):
            self.flush(model)

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
                    members = self.group_members(group) if group else [named]
                    for agency in members:
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
                            defer=True,
                        )
                        position += 1
                    if group and not members:
                        raise cell.error(field, f"group {code!r} has no members to expand to")
        # Owners the fixtures no longer state go; owners the secretary assigned stay. Updates
        # point at the item and the agency, not at the responsibility, so none is lost.
        stale = [
            r.pk
            for r in self.responsibilities_had.get(item.pk, [])
            if r.assignment_id is None and r.agency_id not in seen
        ]
        if stale:
            Responsibility.objects.filter(pk__in=stale).delete()
            self.counts["responsibilities removed"] += len(stale)

    def load_indicators(self, record: Record, item: PlanItem) -> None:
        for position, description in enumerate(record.strings("indicators")):
            if not description:
                raise record.error("indicators", f"entry {position} is empty")
            self.upsert(
                Indicator,
                {"item": item, "description": description},
                {"position": position},
                create_only={"measure": measure_of(description)},
                defer=True,
            )

    def link_priorities(self, top: Record, policy: Policy, priorities: dict[int, Priority]):
        through = PlanItem.priorities.through
        had = set(
            through.objects.filter(priority__policy=policy).values_list(
                "planitem_id", "priority_id"
            )
        )
        new = []
        for record in top.children("items"):
            ranks = record.integers("priorities")
            if not ranks:
                continue
            missing = [rank for rank in ranks if rank not in priorities]
            if missing:
                raise record.error("priorities", f"no priority ranks {missing} in {policy.code}")
            item = self.items[(policy.code, record.text("ref"))]
            for rank in ranks:
                pair = (item.pk, priorities[rank].pk)
                if pair not in had:
                    had.add(pair)
                    new.append(through(planitem_id=item.pk, priority_id=priorities[rank].pk))
        through.objects.bulk_create(new, batch_size=1000)

    # --- crosswalk -----------------------------------------------------------------------
    def item(self, policy_code: str, ref: str) -> PlanItem | None:
        if (policy_code, ref) not in self.items:
            found = PlanItem.objects.filter(policy__code=policy_code, ref=ref).first()
            if found is None:
                return None
            self.items[(policy_code, ref)] = found
        return self.items[(policy_code, ref)]

    def load_links(self, top: Record) -> None:
        kept: set[tuple] = set()
        for record in top.children("links"):
            ends = []
            for field in ("from", "to"):
                end = record.child(field)
                item = self.item(end.text("policy"), end.text("ref"))
                if item is None:
                    raise record.error(
                        field, f"no item {end.text('policy')} {end.text('ref')!r} is loaded"
                    )
                ends.append(item)
            self.upsert(
                ItemLink,
                {"from_item": ends[0], "to_item": ends[1]},
                {
                    "relation": record.choice("relation", _values(ItemLink.Relation)),
                    "rationale": record.text("rationale"),
                    "uncertain_reason": record.text("uncertain", required=False),
                    **record.source().as_fields(),
                },
                defer=True,
            )
            kept.add((ends[0].pk, ends[1].pk))
        # Links added by hand carry no source file; only loaded links the fixtures dropped go.
        self.prune_rows(ItemLink, kept)
        self.flush(ItemLink)
        kept = set()
        for record in top.children("policy_links"):
            end = record.child("from")
            item = self.item(end.text("policy"), end.text("ref"))
            if item is None:
                raise record.error("from", f"no item {end.text('policy')} {end.text('ref')!r}")
            code = record.child("to").text("policy")
            policy = self.policies.get(code) or Policy.objects.filter(code=code).first()
            if policy is None:
                raise record.error("to", f"no policy {code!r} is loaded")
            self.upsert(
                PolicyLink,
                {"from_item": item, "to_policy": policy},
                {"rationale": record.text("rationale"), **record.source().as_fields()},
                defer=True,
            )
            kept.add((item.pk, policy.pk))
        self.prune_rows(PolicyLink, kept)
        self.flush(PolicyLink)

    def prune_rows(self, model: type[models.Model], kept: set[tuple]) -> None:
        """Delete loaded rows (those with a source file) whose key the fixtures no longer state."""
        stale = [
            obj.pk
            for key, obj in self.rows(model).items()
            if key not in kept and obj.source_file and obj.pk
        ]
        if stale:
            self.prune(model.objects.filter(pk__in=stale))

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
            counts = Loader(fixtures_dir).run()
            if counts:
                data_version_bump()
            return counts
    except IntegrityError as exc:
        raise FixtureError(f"the fixtures break a database rule: {exc}") from exc
