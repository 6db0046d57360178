"""The ranked exceptions' reasons are keys with values: a frozen report stores no words, and
reads in the language of whoever opens it; a report frozen with English reasons still reads."""

from __future__ import annotations

import json

from django.utils import translation

from committee import exceptions
from committee.labels import labelled, reason_text, reasons_text
from tests.committee.test_meetings import row


def figures_with(entries: list[dict]) -> dict:
    """The smallest figures labelled() reads, holding these ranked exceptions."""
    return {
        "statuses": [],
        "by_term": [],
        "scope": {"policy": "NISP-2018", "title": "NISP"},
        "attention": [],
        "exceptions": {"cap": 15, "count": len(entries), "more": 0, "top": entries, "all": entries},
    }


def test_each_reason_is_stored_as_a_key_and_its_values_never_as_words():
    [entry] = exceptions.rank(
        [
            row(
                confidence="amber_red",
                previous_confidence="green",
                overdue=True,
                due_date="2026-06-30",
                priority=["NISP-2018 3"],
            )
        ]
    )
    assert entry["reasons"] == [
        {"code": "confidence_amber_red"},
        {"code": "overdue", "due_date": "2026-06-30"},
        {"code": "confidence_fell", "from": "green", "to": "amber_red"},
        {"code": "priority", "priorities": ["NISP-2018 3"]},
    ]
    assert "reason" not in entry
    json.dumps(entry)  # what a report freezes


def test_the_reasons_are_worded_in_the_readers_language_when_shown():
    [entry] = exceptions.rank(
        [row(confidence="red", reported=False, reported_previous=False, priority=["NISP-2018 3"])]
    )
    with translation.override("en"):
        english = reasons_text(entry["reasons"])
    assert english == "Confidence red; No report for two quarters; Priority NISP-2018 3"
    with translation.override("ur"):
        urdu = labelled(figures_with([entry]))["exceptions"]["top"][0]
    assert urdu["reasons"] == ["اعتماد سرخ", "دو سہ ماہیوں سے کوئی رپورٹ نہیں", "ترجیح NISP-2018 3"]
    assert urdu["reason"] == "; ".join(urdu["reasons"])


def test_completed_without_evidence_and_a_fall_in_confidence_read_in_urdu():
    [entry] = exceptions.rank(
        [row(status="completed", previous_confidence="green", confidence="amber")]
    )
    with translation.override("ur"):
        worded = [reason_text(reason) for reason in entry["reasons"]]
    assert worded == ["اعتماد سبز سے کم ہو کر عنبری ہو گیا", "ثبوت کے بغیر مکمل"]


def test_a_report_frozen_with_english_reasons_still_reads_as_it_was():
    old = {
        "id": 1,
        "policy": "NISP-2018",
        "ref": "1",
        "reason": "Confidence red; Priority NISP-2018 3",
        "reasons": ["Confidence red", "Priority NISP-2018 3"],
    }
    with translation.override("ur"):
        shown = labelled(figures_with([old]))["exceptions"]["top"][0]
    assert shown["reasons"] == ["Confidence red", "Priority NISP-2018 3"]
    assert shown["reason"] == "Confidence red; Priority NISP-2018 3"
