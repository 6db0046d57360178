"""What the web view and the PDF show of a report: its frozen snapshot, labelled for reading.

Labels come from the keys at render time (committee.labels), in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committee import labels as key_labels
from committee.models import QuarterlyReport
from reporting.models import ProgressUpdate

# Explanations printed in full: past this many a long report's PDF was mostly the attention
# list (790 entries, 119 pages at ten times today's data), which the workbook carries whole.
EXPLAINED_SHOWN = 50
# Rows a long table prints in the PDF. Today's data prints whole (55 agencies, 69 indicators);
# at ten times it the per-agency and indicator tables were 44 of 160 pages and over half the
# rendering time. A cut table prints its most pressing rows, says so, and the workbook has
# every row.
PRINTED_ROWS = 100


def _money(row: dict) -> dict:
    return row.get("money") or {}


def _agency_rank(row: dict) -> tuple:
    """Most items overdue, then most not reported this quarter."""
    return -row["overdue"], row["reported"] - row["owned"]


def _budget_rank(row: dict) -> tuple:
    """Most items flagged (spending ahead of progress, money with no progress), then most
    money released."""
    return -(_money(row).get("flagged") or 0), -(_money(row).get("released") or 0)


def _indicator_rank(plan: bool):
    """Furthest from target first; last, those with nothing to measure (no target or value)."""
    field = "progress" if plan else "share_of_target"
    return lambda row: (row.get(field) is None, row.get(field) or 0)


def printed_tables(snapshot: dict, printed: bool) -> dict[str, dict]:
    """Each long table's rows as the document shows them: all of them on the web; in the PDF,
    a table longer than PRINTED_ROWS is cut to its first PRINTED_ROWS by rank, most pressing
    first (the sort is stable: ties keep the snapshot's order)."""
    tables = {
        "by_agency": (snapshot.get("by_agency") or [], _agency_rank),
        "budget_by_agency": (snapshot.get("by_agency") or [], _budget_rank),
        "indicators": (
            snapshot.get("indicators") or [],
            _indicator_rank(bool(snapshot.get("plan"))),
        ),
    }
    shown = {}
    for name, (rows, rank) in tables.items():
        cut = printed and len(rows) > PRINTED_ROWS
        kept = sorted(rows, key=rank)[:PRINTED_ROWS] if cut else rows
        shown[name] = {"rows": kept, "count": len(rows), "shown": len(kept), "cut": cut}
    return shown


def status_rows(by_status: dict[str, int], labels: dict[str, str]) -> list[dict]:
    """In the snapshot's order of statuses: a stored JSON object keeps no order of its keys."""
    total = sum(by_status.values())
    return [
        {
            "key": key,
            "label": label,
            "count": by_status[key],
            "share": round(100 * by_status[key] / total, 1) if total else 0.0,
        }
        for key, label in labels.items()
    ]


def left_out_text(report: QuarterlyReport, snapshot: dict) -> str:
    """The official edition's plain sentence on how many restricted items it leaves out (the
    PDF, web page, workbook and CSV all say it); blank for the committee's edition."""
    if not report.is_official_edition:
        return ""
    count = (snapshot.get("restricted") or {}).get("left_out", 0)
    return ngettext(
        "%(count)s restricted item left out: this official edition does not count it in any "
        "figure, list, annex, workbook or CSV.",
        "%(count)s restricted items left out: this official edition does not count them in any "
        "figure, list, annex, workbook or CSV.",
        count,
    ) % {"count": count}


def document_context(report: QuarterlyReport, snapshot: dict, printed: bool = False) -> dict:
    """What the report's template reads; `printed` for the PDF, which cuts long tables."""
    left_out = left_out_text(report, snapshot)
    snapshot = key_labels.labelled(snapshot)
    labels = {status["key"]: status["label"] for status in snapshot["statuses"]}
    attention = snapshot["attention"]
    explained = [entry for entry in attention if entry["last_approved"]]
    follow_up = snapshot.get("follow_up") or {}
    return {
        # Older snapshots have no follow-up or places: the template leaves those parts out.
        "follow_up_groups": [
            (follow_up.get("overdue"), _("Overdue")),
            (follow_up.get("open"), _("Open")),
            (follow_up.get("closed"), _("Closed")),
        ],
        "place_tables": [
            {"title": _("By level"), "column": _("Level"), "rows": snapshot.get("by_level", [])},
            {
                "title": _("By province"),
                "column": _("Province"),
                "rows": snapshot.get("by_province", []),
            },
        ],
        "report": report,
        "printed": printed_tables(snapshot, printed),
        "left_out_text": left_out,
        "figures": snapshot,
        "status_labels": labels,
        "status_keys": list(labels),
        "confidence_labels": dict(ProgressUpdate.Confidence.choices),
        # Items off track with an approved update carry their agency's explanation, the first
        # EXPLAINED_SHOWN of them in full (most reasons first: the ranked exceptions above lead
        # anyway); the rest, and those with no update to explain them, are listed compactly.
        # The workbook's Attention sheet gives every explanation.
        "attention_explained": explained[:EXPLAINED_SHOWN],
        "attention_further": explained[EXPLAINED_SHOWN:],
        "attention_unexplained": [entry for entry in attention if not entry["last_approved"]],
        "status_rows": status_rows(snapshot["totals"]["by_status"], labels),
        "group_tables": [
            {
                "id": "by-policy",
                "title": _("By policy"),
                "column": _("Policy"),
                "rows": snapshot["by_policy"],
            },
            {
                "id": "by-pillar",
                "title": _("By pillar"),
                "column": _("Pillar"),
                "rows": snapshot["by_pillar"],
            },
            {
                "id": "by-term",
                "title": _("By term"),
                "column": _("Term"),
                "rows": snapshot["by_term"],
            },
        ],
        "narratives": [
            {
                "id": "highlights",
                "title": _("Highlights: completed this quarter"),
                "texts": snapshot["highlights"],
                "empty": _("No item was completed this quarter."),
            },
            {
                "id": "challenges",
                "title": _("Challenges reported"),
                "texts": snapshot["challenges"],
                "empty": _("No challenges were reported."),
            },
            {
                "id": "risks",
                "title": _("Risks: low delivery confidence"),
                "texts": snapshot["risks"],
                "empty": _("No item is rated amber/red or red."),
            },
        ],
    }
