"""Labels for the figures' keys, in the active language, at the moment a page or file is made.

The frozen snapshot of a report holds keys and values only (statuses, terms, the reasons an
item needs attention); its words come from here, so one snapshot reads in English or Urdu.
"""

from __future__ import annotations

import copy
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import geography
from interventions.models import PlanItem
from reporting.models import ProgressUpdate

NOT_REPORTED = "none"
STATUS_LABELS = {
    **dict(ProgressUpdate.Status.choices),
    NOT_REPORTED: gettext_lazy("No approved update"),
}


def status_label(key: str) -> str:
    return str(STATUS_LABELS.get(key, key))


def confidence_label(key: str) -> str:
    return str(dict(ProgressUpdate.Confidence.choices).get(key, key))


def term_label(key: str) -> str:
    return str(dict(PlanItem.Term.choices).get(key, key))


SEVERITY_LABELS = {
    "high": gettext_lazy("high"),
    "medium": gettext_lazy("medium"),
    "low": gettext_lazy("low"),
}


def severity_label(key: str) -> str:
    return str(SEVERITY_LABELS.get(key, key))


def reason_text(reason: dict | str) -> str:
    """One reason an item needs attention or is an exception, in the active language; a report
    frozen before reasons had keys kept their English text, shown as it was."""
    if isinstance(reason, str):
        return reason
    code = reason["code"]
    if code == "status":
        return status_label(reason["status"])
    if code == "confidence":
        return _("Confidence %(rating)s") % {"rating": confidence_label(reason["confidence"])}
    if code == "confidence_fell":
        return _("Confidence fell from %(before)s to %(now)s") % {
            "before": confidence_label(reason["from"]),
            "now": confidence_label(reason["to"]),
        }
    if code == "overdue":
        return _("Overdue: due %(date)s") % {"date": reason["due_date"]}
    # The ranked exceptions' own reasons (committee.exceptions.RULES).
    if code == "confidence_red":
        return _("Confidence red")
    if code == "confidence_amber_red":
        return _("Confidence amber/red")
    if code == "silent_two_periods":
        return _("No report for two quarters")
    if code == "completed_without_evidence":
        return _("Completed without evidence")
    if code == "priority":
        return _("Priority %(priorities)s") % {"priorities": ", ".join(reason["priorities"])}
    return code


def reasons_text(reasons: list) -> str:
    """An exception's reasons in one line, as the agenda and the report show them."""
    return "; ".join(reason_text(reason) for reason in reasons)


def frozen(figures: dict) -> dict:
    """What a report keeps: the figures without the words that name their keys."""
    snapshot = copy.deepcopy(figures)
    snapshot["statuses"] = [{"key": status["key"]} for status in figures["statuses"]]
    for group in snapshot["by_term"]:
        group.pop("name", None)
    for policy in snapshot["timeline"]:
        for window in policy["windows"]:
            window.pop("term_label", None)
    if snapshot["scope"]["policy"] is None:
        snapshot["scope"]["title"] = None
    # Any word left (a budget flag's name) is stored as text, never as a lazy translation.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def labelled(snapshot: dict) -> dict:
    """The snapshot (or live figures) with every key's label in the active language."""
    figures = copy.deepcopy(snapshot)
    figures["statuses"] = [
        {"key": status["key"], "label": status_label(status["key"])}
        for status in snapshot["statuses"]
    ]
    for group in figures["by_term"]:
        group["name"] = term_label(group["key"])
    for policy in figures.get("timeline", []):
        for window in policy["windows"]:
            window["term_label"] = term_label(window["term"])
    if figures["scope"]["policy"] is None:
        figures["scope"]["title"] = _("All policies")
    # A place the figures were narrowed to, worded now (older snapshots have none).
    figures["scope"]["place"] = geography.place_title(
        level=snapshot["scope"].get("level", ""), province=snapshot["scope"].get("province", "")
    )
    for entry in figures["attention"]:
        entry["reasons"] = [reason_text(reason) for reason in entry["reasons"]]
    exceptions = figures.get("exceptions", {})
    for entry in [*exceptions.get("top", []), *exceptions.get("all", [])]:
        entry["reasons"] = [reason_text(reason) for reason in entry["reasons"]]
        entry["reason"] = "; ".join(entry["reasons"])
    return figures
