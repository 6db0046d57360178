"""What the public view shows: the public items of each policy with their latest approved status
and rating (reporting.status), dated narratives from approved updates, evidence marked public,
the NAP points with their successors, and the same as open data.

Every read starts from the one rule for an anonymous reader (PlanItem.objects.visible_to and
ProgressUpdate.objects.visible_to with no user): public items only, approved updates not marked
stricter, files marked public. No officer's or reviewer's name, no reviewer's comment, no draft
ever leaves here. Pages are cached per data version and language (public_views); the throttle
keeps one address from flooding them.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from committee.labels import NOT_REPORTED, STATUS_LABELS
from core.api.throttling import FailOpenThrottleMixin
from core.models import DataVersion
from interventions.models import ItemLink, PlanItem, Policy, Responsibility
from reporting.models import EvidenceFile, ProgressUpdate
from reporting.selectors import nap_crosswalk
from reporting.status import latest_approved_by_item, with_current_status

ANONYMOUS = AnonymousUser()
STATUS_KEYS = [*ProgressUpdate.Status.values, NOT_REPORTED]
NARRATIVES_PER_ITEM = 12


class PublicRateThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Requests per client address to the public pages and downloads (rate "public")."""

    scope = "public"

    def get_rate(self):
        # Read at request time so that settings overrides (tests, env) take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_items() -> QuerySet[PlanItem]:
    """The items anyone may read, with their current (latest approved) status."""
    return with_current_status(PlanItem.objects.visible_to(ANONYMOUS))


def last_updated() -> datetime.datetime | None:
    """When the data last changed (the data version's bump): each page says so."""
    return DataVersion.objects.filter(pk=1).values_list("bumped_at", flat=True).first()


def _agencies(item: PlanItem) -> list[dict]:
    return [
        {"code": r.agency.code, "name": r.agency.name, "role": r.get_role_display()}
        for r in item.responsibilities.all()
    ]


def _responsibilities() -> Prefetch:
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("agency").order_by("position"),
    )


def status_groups(items: list[PlanItem]) -> list[dict]:
    """Per pillar (the top theme), its public items by current status: the summary chart."""
    groups: OrderedDict[str, dict] = OrderedDict()
    for item in items:
        theme = item.theme
        while theme is not None and theme.parent_id is not None:
            theme = theme.parent
        key = theme.key if theme else ""
        group = groups.setdefault(
            key,
            {
                "key": key or "-",
                "name": theme.name if theme else str(_("No theme")),
                "by_status": dict.fromkeys(STATUS_KEYS, 0),
            },
        )
        group["by_status"][item.current_status or NOT_REPORTED] += 1
    return list(groups.values())


def statuses() -> list[dict]:
    return [{"key": key, "label": str(STATUS_LABELS[key])} for key in STATUS_KEYS]


def policies_overview() -> list[dict]:
    """Every policy (policies are public documents) with how many of its items are public."""
    counts: dict[int, int] = {}
    for policy_id in public_items().values_list("policy_id", flat=True):
        counts[policy_id] = counts.get(policy_id, 0) + 1
    return [
        {"policy": policy, "public_items": counts.get(policy.pk, 0)}
        for policy in Policy.objects.order_by("position", "code")
    ]


ITEMS_PER_PAGE = 100


def policy_page(policy: Policy, page_number: int = 1) -> dict | None:
    """A policy's themes, the chart of all its public items, and one page of those items, each
    with agencies and current status. None for a page past the last."""
    items = list(
        public_items().filter(policy=policy).select_related("theme__parent__parent")
        .order_by("position")
    )  # fmt: skip
    page = Paginator(items, ITEMS_PER_PAGE).get_page(page_number)
    if page.number != page_number:
        return None
    shown = list(page.object_list)
    prefetch_related_objects(shown, _responsibilities())
    return {
        "policy": policy,
        "themes": list(policy.themes.filter(parent=None).order_by("position")),
        "rows": [{"item": item, "agencies": _agencies(item)} for item in shown],
        "page": page,
        "groups": status_groups(items),
        "statuses": statuses(),
    }


def item_page(item_id: int) -> dict | None:
    """One public item: its source text, agencies, current status, dated narratives from
    approved updates (no names, no reviewer comments), files marked public, its links to other
    public items. None when the item is not public (a 404, as for a missing one)."""
    readable = PlanItem.objects.visible_to(ANONYMOUS)
    item = (
        with_current_status(readable)
        .select_related("policy", "theme__parent__parent")
        .prefetch_related(_responsibilities())
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return None
    updates = list(
        ProgressUpdate.objects.visible_to(ANONYMOUS)
        .filter(item=item)
        .select_related("period", "agency")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceFile.objects.visible_to(ANONYMOUS).order_by("uploaded_at"),
                to_attr="public_evidence",
            )
        )
        .order_by("-period__start", "-reviewed_at", "-pk")[:NARRATIVES_PER_ITEM]
    )
    narratives = [
        {
            "period": update.period.label,
            "approved_on": timezone.localdate(update.reviewed_at) if update.reviewed_at else None,
            "agency": update.agency.code,
            "status": update.get_status_display(),
            "percent": update.percent_complete,
            "rating": update.get_confidence_display(),
            "narrative": update.narrative,
            "is_sample": update.is_sample,
            "evidence": [
                {"id": f.pk, "update_id": update.pk, "name": f.original_name}
                for f in update.public_evidence
            ],
        }
        for update in updates
    ]
    readable_ids = readable.values("pk")
    links = [
        {"relation": link.get_relation_display(), "item": link.to_item}
        for link in ItemLink.objects.filter(from_item=item, to_item__in=readable_ids)
        .select_related("to_item__policy")
        .order_by("to_item__policy__position", "to_item__position")
    ] + [
        {"relation": link.get_relation_display(), "item": link.from_item, "incoming": True}
        for link in ItemLink.objects.filter(to_item=item, from_item__in=readable_ids)
        .select_related("from_item__policy")
        .order_by("from_item__policy__position", "from_item__position")
    ]
    return {
        "item": item,
        "agencies": _agencies(item),
        "narratives": narratives,
        "links": links,
    }


def crosswalk() -> list[dict]:
    """The NAP points and their successors, public ones only."""
    return nap_crosswalk(items=PlanItem.objects.visible_to(ANONYMOUS))


def public_evidence(update_id: int, file_id: int) -> EvidenceFile | None:
    return (
        EvidenceFile.objects.visible_to(ANONYMOUS)
        .filter(update_id=update_id, pk=file_id)
        .select_related("update")
        .first()
    )


# --- open data: the same content as a table -------------------------------------------------

OPEN_DATA_COLUMNS = [
    ("policy", _("Policy")),
    ("ref", _("Ref")),
    ("kind", _("Kind")),
    ("pillar", _("Pillar or section")),
    ("text", _("Text as the source states it")),
    ("agencies", _("Responsible agencies")),
    ("status", _("Current status (latest approved update)")),
    ("percent_complete", _("Percent complete")),
    ("rating", _("Rating")),
    ("last_approved", _("Last approved")),
    ("latest_narrative", _("Latest approved narrative")),
    ("is_sample", _("Sample data")),
]


def open_data_rows() -> list[dict]:
    """One record per public item: what the public pages show, as plain values."""
    # The latest approved update the public may read, by the one order (any database engine).
    latest = {
        item_id: update["narrative"]
        for item_id, update in latest_approved_by_item(
            public_items(),
            timezone.localdate(),
            "narrative",
            updates=ProgressUpdate.objects.visible_to(ANONYMOUS),
        ).items()
    }
    items = (
        public_items()
        .select_related("policy", "theme__parent__parent")
        .prefetch_related(_responsibilities())
        .order_by("policy__position", "position")
    )
    records = []
    for item in items:
        theme = item.theme
        while theme is not None and theme.parent_id is not None:
            theme = theme.parent
        approved = item.last_approved_at
        records.append(
            {
                "policy": item.policy.code,
                "ref": item.ref,
                "kind": item.kind,
                "pillar": theme.name if theme else "",
                "text": item.text,
                "agencies": [a["code"] for a in _agencies(item)],
                "status": item.current_status,
                "percent_complete": item.current_percent,
                "rating": item.current_confidence,
                "last_approved": timezone.localdate(approved).isoformat() if approved else None,
                "latest_narrative": latest.get(item.pk, ""),
                "is_sample": bool(item.current_is_sample),
            }
        )
    return records
