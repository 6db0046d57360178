"""The quarterly review as a cycle: ranked exceptions, meeting, decision, action, closure."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies import geography
from agencies.models import Agency
from committee import exceptions, services
from committee.figures import committee_figures
from committee.labels import reason_text, reasons_text
from committee.models import ActionItem, AgendaItem
from core.quarters import Quarter
from reporting.models import Notification


def row(**overrides):
    base = {
        "id": 1, "policy": "NISP-2018", "ref": "1", "text": "t", "confidence": "",
        "previous_confidence": "", "status": "in_progress", "overdue": False, "due_date": None,
        "reported": True, "reported_previous": True, "has_evidence": False, "priority": [],
        "lead": ["MOI"], "agencies": ["MOI"], "levels": [], "provinces": [],
        "reported_by": "MOI", "confidence_rationale": "", "narrative": "", "challenges": "",
        "next_steps": "", "last_approved": None, "is_sample": False,
    }  # fmt: skip
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("overrides", "rule", "score", "severity", "reason"),
    [
        ({"confidence": "red"}, "confidence_red", 5, "medium", "Confidence red"),
        ({"confidence": "amber_red"}, "confidence_amber_red", 4, "medium",
         "Confidence amber/red"),
        ({"previous_confidence": "green", "confidence": "amber"}, "confidence_fell", 3, "low",
         "Confidence fell from Green to Amber"),
        ({"status": "completed"}, "completed_without_evidence", 2, "low",
         "Completed without evidence"),
        ({"overdue": True, "due_date": "2026-06-30"}, "overdue", 4, "medium",
         "Overdue: due 2026-06-30"),
        ({"reported": False, "reported_previous": False}, "silent_two_periods", 3, "low",
         "No report for two quarters"),
    ],
)  # fmt: skip
def test_each_severity_rule_fires_with_its_weight_and_reason(
    overrides, rule, score, severity, reason
):
    [entry] = exceptions.rank([row(**overrides)])
    assert entry["rules"] == [rule]
    assert [reason["code"] for reason in entry["reasons"]] == [rule]
    assert (entry["score"], entry["severity"], reasons_text(entry["reasons"])) == (
        score,
        severity,
        reason,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"previous_confidence": "amber", "confidence": "green"},  # rose: no rule
        {"previous_confidence": "", "confidence": "amber"},  # first rating: nothing to fall from
        {"reported": False, "reported_previous": True},  # silent one quarter only
        {"reported": True, "reported_previous": False},
        {"status": "completed", "has_evidence": True},
    ],
)
def test_near_misses_fire_no_rule(overrides):
    assert exceptions.rank([row(**overrides)]) == []


def test_rules_add_up_and_a_priority_adds_one_reason_and_point():
    [entry] = exceptions.rank(
        [row(confidence="red", overdue=True, due_date="2026-06-30", priority=["NISP-2018 4"])]
    )
    assert entry["rules"] == ["confidence_red", "overdue"]
    assert (entry["score"], entry["severity"]) == (10, "high")
    assert reason_text(entry["reasons"][-1]) == "Priority NISP-2018 4"
    assert entry["is_priority"]


@pytest.mark.parametrize(("score", "severity"), [(7, "high"), (6, "medium"), (4, "medium"),
                                                 (3, "low"), (2, "low")])  # fmt: skip
def test_severity_bands(score, severity):
    assert exceptions.severity_of(score) == severity


def test_equal_scores_rank_more_reasons_first_after_priority():
    rows = [
        row(id=1, confidence="red"),  # 5, one rule
        # 5 from two rules: confidence fell (3) and completed without evidence (2)
        row(id=2, status="completed", previous_confidence="green", confidence="amber"),
        row(id=3, overdue=True, priority=["NISP-2018 1"]),  # 4 + priority 1 = 5, one rule
    ]
    assert [entry["id"] for entry in exceptions.rank(rows)] == [3, 2, 1]


def test_nothing_wrong_is_no_exception_even_for_a_priority_item():
    assert (
        exceptions.rank([row(priority=["NISP-2018 1"]), row(status="completed", has_evidence=True)])
        == []
    )


def test_ranking_by_score_then_priority_then_plan_order():
    rows = [
        row(id=1, overdue=True),
        row(id=2, confidence="red"),
        row(id=3, overdue=True, priority=["NISP-2018 2"]),
        row(id=4, overdue=True),
    ]
    ranked = exceptions.rank(rows)
    # red 5 = overdue 4 + priority 1: the priority item first among equals; then plan order.
    assert [entry["id"] for entry in ranked] == [3, 2, 1, 4]
    assert [entry["rank"] for entry in ranked] == [1, 2, 3, 4]


def test_the_cap_keeps_the_top_and_counts_the_rest(settings):
    settings.EXCEPTIONS_TOP = 2
    listed = exceptions.ranked_exceptions([row(id=n, overdue=True) for n in range(5)])
    assert [e["id"] for e in listed["top"]] == [0, 1]
    assert listed["more"] == 3
    assert listed["count"] == len(listed["all"]) == 5


def test_under_the_cap_everything_is_the_top_and_an_explicit_cap_wins(settings):
    settings.EXCEPTIONS_TOP = 15
    rows = [row(id=n, overdue=True) for n in range(3)]
    listed = exceptions.ranked_exceptions(rows)
    assert (len(listed["top"]), listed["more"], listed["cap"]) == (3, 0, 15)
    assert exceptions.ranked_exceptions(rows, cap=1)["more"] == 2


def test_a_place_narrows_the_ranked_list_and_its_cap_counts_again():
    rows = [row(id=1, overdue=True, provinces=["KP"], levels=["provincial"]),
            row(id=2, overdue=True, provinces=["SINDH"], levels=["provincial"]),
            row(id=3, overdue=True, levels=["federal"])]  # fmt: skip
    listed = exceptions.ranked_exceptions(rows, cap=1)
    kp = exceptions.filtered(listed, province="KP")
    assert ([e["id"] for e in kp["all"]], kp["more"]) == ([1], 0)
    provincial = exceptions.filtered(listed, level="provincial")
    assert ([e["id"] for e in provincial["top"]], provincial["more"]) == ([1], 1)


@pytest.mark.django_db
def test_group_wording_counts_for_every_province(plan):
    places = geography.places()
    all_hd = Agency.objects.get(code="ALL-HD")
    assert {"PUNJAB", "SINDH", "KP", "BALOCHISTAN"} <= places[all_hd.pk][1]
    govts = Agency.objects.get(code="ALL-GOVTS")
    assert {"federal", "provincial"} <= places[govts.pk][0]
    kp = geography.agencies_for(province="KP").values_list("code", flat=True)
    assert "HD-KP" in kp
    assert "ALL-HD" in kp
    assert "MOI" not in kp


@pytest.mark.django_db
def test_figures_split_by_province(plan):
    quarter = Quarter.of(timezone.localdate())
    whole = committee_figures(quarter=quarter)
    kp = committee_figures(quarter=quarter, province="KP")
    assert 0 < kp["totals"]["items"] < whole["totals"]["items"]
    assert {row["key"] for row in whole["by_level"]} == {"federal", "provincial", "special"}


@pytest.fixture
def cycle(people, moi_item):
    meeting = services.meeting_create(
        user=people["secretary"],
        title="Quarterly review",
        date=timezone.localdate(),
        attendees=[people["committee"]],
    )
    point = meeting.agenda.first() or services.agenda_item_add(
        user=people["secretary"], meeting=meeting, title="MOI item", item=moi_item
    )
    return meeting, point


def test_meeting_agenda_comes_from_the_ranked_exceptions(people, cycle):
    meeting, _ = cycle
    quarter = Quarter.parse(meeting.quarter)
    top = committee_figures(quarter=quarter)["exceptions"]["top"]
    drafted = list(
        meeting.agenda.filter(kind=AgendaItem.Kind.EXCEPTION).values_list("item_id", flat=True)
    )
    assert drafted == [entry["id"] for entry in top]


def test_web_cycle_meeting_decision_action_done_closed(client, people, cycle, moi_item):
    meeting, point = cycle
    client.force_login(people["secretary"])
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("committee:decision_add", args=[point.pk]),
        {
            "text": "MOI to convene the committees",
            "action": "Convene them",
            "owner": "MOI",
            "due_date": due,
        },
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert action.owner.code == "MOI"
    assert action.status == "open"

    client.force_login(people["officer"])
    assert "Convene them" in client.get(reverse("reporting:my_items")).content.decode()
    # Done without evidence: refused, nothing changes.
    response = client.post(reverse("committee:action_detail", args=[action.pk]), {"status": "done"})
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "open"
    client.post(
        reverse("committee:action_detail", args=[action.pk]),
        {"status": "done", "evidence": "Minutes of the 4 committees, ref 12/2026"},
    )
    action.refresh_from_db()
    assert action.status == "done"

    client.force_login(people["outsider"])
    assert client.get(reverse("committee:action_detail", args=[action.pk])).status_code == 404
    assert client.get(reverse("committee:meeting_detail", args=[meeting.pk])).status_code == 404

    client.force_login(people["secretary"])
    client.post(reverse("committee:action_close", args=[action.pk]))
    action.refresh_from_db()
    assert action.is_closed
    assert [h.history_change_reason for h in action.history.order_by("history_date")][
        -1
    ] == "Closed by the secretary"


def test_api_cycle(client, people, cycle):
    meeting, point = cycle
    client.force_login(people["secretary"])
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/decisions/",
        {
            "agenda_item": point.pk,
            "text": "Decided",
            "action": "Do it",
            "owner": "MOI",
            "due_date": due,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    action_id = response.json()["actions"][0]["id"]
    client.force_login(people["officer"])
    listed = client.get("/api/v1/action-items/?owner=MOI&status=open").json()
    assert [a["id"] for a in listed["results"]] == [action_id]
    response = client.patch(
        f"/api/v1/action-items/{action_id}/", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.patch(
        f"/api/v1/action-items/{action_id}/",
        {"status": "done", "evidence": "Notification 4/2026"},
        content_type="application/json",
    )
    assert response.json()["status"] == "done"
    assert client.post(f"/api/v1/action-items/{action_id}/close/").status_code == 403
    client.force_login(people["outsider"])
    assert client.get(f"/api/v1/action-items/{action_id}/").status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_overdue_action_escalates_once(
    people, cycle, mailoutbox, django_capture_on_commit_callbacks
):
    _, point = cycle
    decision = services.decision_record(user=people["secretary"], point=point, text="Act")
    action = services.action_item_create(
        user=people["secretary"],
        decision=decision,
        text="Report back",
        owner=people["officer"].agency,
        due_date=timezone.localdate(),
    )
    later = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_escalate_overdue(today=later) == [action]
    assert services.actions_escalate_overdue(today=later) == []
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"officer.moi", "reviewer.moi", "secretary"} <= told
    assert "officer.kp" not in told
    assert any("overdue" in m.subject for m in mailoutbox)


def test_next_report_shows_the_action_closed_from_its_frozen_snapshot(client, people, cycle):
    from committee.reports import generation
    from committee.reports import services as report_services

    _, point = cycle
    decision = services.decision_record(user=people["secretary"], point=point, text="Act")
    action = services.action_item_create(
        user=people["secretary"],
        decision=decision,
        text="Report back",
        owner=people["officer"].agency,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.action_item_update(
        user=people["officer"], action=action, status="done", evidence="Letter 7"
    )
    quarter = Quarter.of(timezone.localdate())
    report = report_services.report_request(user=people["secretary"], quarter=quarter, policy=None)
    report = generation.report_generate(report.pk)
    report.refresh_from_db()
    closed = report.snapshot["follow_up"]["closed"]
    assert [row["id"] for row in closed] == [action.pk]
    # Reopened later: the frozen report still says closed.
    ActionItem.objects.filter(pk=action.pk).update(status="in_progress", completed_at=None)
    client.force_login(people["secretary"])
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    assert "Decisions and actions since last quarter (1)" in page
    assert "Closed (1)" in page
    assert "Letter 7" in page
