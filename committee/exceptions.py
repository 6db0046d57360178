"""The ranked exceptions: which items most need a decision from the committee this quarter.

Each rule below gives an item a weight and a reason (a key and its values, worded in
committee.labels only when shown); an item is an exception when at least one rule fires, and
its score is the sum of its weights. The list is ranked by score, then priority items first,
then the number of reasons, then plan order, so two readers never rank alike items
differently. The dashboard, the quarterly report and a meeting's agenda all read the one
list, computed in committee.figures and so frozen with a report.

The rules read the figures' rows only: "overdue" is the figures' flag (reporting.status'
rule against the due date in force), never spelt again here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from reporting.models import ProgressUpdate

Confidence = ProgressUpdate.Confidence
Status = ProgressUpdate.Status
CONFIDENCE_RANK = {value: rank for rank, value in enumerate(Confidence.values)}


def _no_parameters(row: dict) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    """One reason an item is an exception: its key (the reason's code), its weight, when it
    fires, and the values its wording needs. The words themselves are in committee.labels,
    so a frozen report stores keys and values and reads in the reader's language."""

    key: str
    weight: int
    fires: Callable[[dict], bool]
    parameters: Callable[[dict], dict] = _no_parameters


def _fell(row: dict) -> bool:
    before, now = row["previous_confidence"], row["confidence"]
    return bool(before and now) and CONFIDENCE_RANK[now] > CONFIDENCE_RANK[before]


RULES: tuple[Rule, ...] = (
    Rule("confidence_red", 5, lambda r: r["confidence"] == Confidence.RED),
    Rule("confidence_amber_red", 4, lambda r: r["confidence"] == Confidence.AMBER_RED),
    Rule("overdue", 4, lambda r: r["overdue"], lambda r: {"due_date": r["due_date"]}),
    Rule(
        "confidence_fell",
        3,
        _fell,
        lambda r: {"from": r["previous_confidence"], "to": r["confidence"]},
    ),
    Rule("silent_two_periods", 3, lambda r: not r["reported"] and not r["reported_previous"]),
    Rule(
        "completed_without_evidence",
        2,
        lambda r: r["status"] == Status.COMPLETED and not r["has_evidence"],
    ),
)
# Weighs only with another rule: a priority item on track is no exception.
PRIORITY_WEIGHT = 1


def severity_of(score: int) -> str:
    if score >= 7:
        return "high"
    if score >= 4:
        return "medium"
    return "low"


def rank(rows: list[dict]) -> list[dict]:
    """Every exception among `rows` (the figures' item rows, in plan order), best first."""
    ranked = []
    for order, row in enumerate(rows):
        fired = [rule for rule in RULES if rule.fires(row)]
        if not fired:
            continue
        score = sum(rule.weight for rule in fired) + (PRIORITY_WEIGHT if row["priority"] else 0)
        reasons = [{"code": rule.key, **rule.parameters(row)} for rule in fired]
        if row["priority"]:
            reasons.append({"code": "priority", "priorities": list(row["priority"])})
        ranked.append(
            {
                "id": row["id"],
                "policy": row["policy"],
                "ref": row["ref"],
                "text": row["text"],
                "score": score,
                "severity": severity_of(score),
                "rules": [rule.key for rule in fired],
                # Keys and values (committee.labels.reason_text words them).
                "reasons": reasons,
                "is_priority": bool(row["priority"]),
                "agencies": row["lead"] or row["agencies"],
                "levels": row["levels"],
                "provinces": row["provinces"],
                "status": row["status"],
                "confidence": row["confidence"],
                "reported_by": row["reported_by"],
                "explanation": row["confidence_rationale"] or row["narrative"],
                "challenges": row["challenges"],
                "next_steps": row["next_steps"],
                "last_approved": row["last_approved"],
                "is_sample": row["is_sample"],
                "_order": order,
            }
        )
    ranked.sort(key=lambda e: (-e["score"], not e["is_priority"], -len(e["rules"]), e["_order"]))
    for position, entry in enumerate(ranked, start=1):
        del entry["_order"]
        entry["rank"] = position
    return ranked


def ranked_exceptions(rows: list[dict], cap: int | None = None) -> dict:
    """The ranked list and its top: `cap` entries (settings.EXCEPTIONS_TOP, 15 by default)."""
    cap = settings.EXCEPTIONS_TOP if cap is None else cap
    everything = rank(rows)
    return {
        "cap": cap,
        "count": len(everything),
        "more": max(len(everything) - cap, 0),
        "top": everything[:cap],
        "all": everything,
    }


def filtered(exceptions: dict, *, level: str = "", province: str = "") -> dict:
    """The same list narrowed to a level and/or province (a frozen report's, too)."""
    chosen = [
        entry
        for entry in exceptions["all"]
        if (not level or level in entry["levels"])
        and (not province or province in entry["provinces"])
    ]
    cap = exceptions["cap"]
    return {
        "cap": cap,
        "count": len(chosen),
        "more": max(len(chosen) - cap, 0),
        "top": chosen[:cap],
        "all": chosen,
    }
