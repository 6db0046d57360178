"""A meeting's agenda and record, web and API: the secretary orders and drops points, members
comment, the secretary drops an action only with a reason, and the minutes PDF holds the
decisions and actions."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from committee import services
from committee.models import ActionItem, AgendaItem, MeetingComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(people, moi_item):
    """An ad hoc meeting with three points, in order A, B, C; B decided, with an MOI action."""
    secretary = people["secretary"]
    meeting = services.meeting_create(
        user=secretary, title="Ad hoc review", kind="ad_hoc", date=timezone.localdate(),
        build_agenda=False,
    )  # fmt: skip
    for title in ("A", "B", "C"):
        services.agenda_item_add(user=secretary, meeting=meeting, title=title)
    return meeting


def titles(meeting) -> list[str]:
    return list(meeting.agenda.order_by("position").values_list("title", flat=True))


def point(meeting, title) -> AgendaItem:
    return meeting.agenda.get(title=title)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_secretary_reorders_and_drops_points_on_the_web(client, people, meeting):
    client.force_login(people["secretary"])
    response = client.post(reverse("committee:agenda_move", args=[point(meeting, "C").pk, "up"]))
    assert response.status_code == 302
    assert titles(meeting) == ["A", "C", "B"]
    client.post(reverse("committee:agenda_move", args=[point(meeting, "A").pk, "down"]))
    assert titles(meeting) == ["C", "A", "B"]
    # The first point cannot go further up: said in words, nothing moves.
    response = client.post(
        reverse("committee:agenda_move", args=[point(meeting, "C").pk, "up"]), follow=True
    )
    assert "That point cannot move further." in response.content.decode()
    assert titles(meeting) == ["C", "A", "B"]
    client.post(reverse("committee:agenda_drop", args=[point(meeting, "A").pk]))
    assert titles(meeting) == ["C", "B"]
    assert list(meeting.agenda.order_by("position").values_list("position", flat=True)) == [1, 2]
    record = AgendaItem.history.filter(title="B").latest("history_date")
    assert (record.history_user, record.history_change_reason) == (
        people["secretary"], "Agenda renumbered",
    )  # fmt: skip


def test_a_point_with_a_decision_is_not_dropped(client, people, meeting):
    b = point(meeting, "B")
    services.decision_record(user=people["secretary"], point=b, text="Decided")
    client.force_login(people["secretary"])
    response = client.post(reverse("committee:agenda_drop", args=[b.pk]), follow=True)
    assert "A decision was recorded on this point: keep it." in response.content.decode()
    assert titles(meeting) == ["A", "B", "C"]


def test_members_may_not_reorder_or_drop_and_outsiders_see_nothing(client, people, meeting):
    c = point(meeting, "C")
    client.force_login(people["committee"])
    assert client.post(reverse("committee:agenda_move", args=[c.pk, "up"])).status_code == 403
    assert client.post(reverse("committee:agenda_drop", args=[c.pk])).status_code == 403
    client.force_login(people["officer"])
    assert client.post(reverse("committee:agenda_drop", args=[c.pk])).status_code == 404
    assert titles(meeting) == ["A", "B", "C"]


def test_the_secretary_reorders_and_drops_points_through_the_api(people, meeting):
    secretary = api(people["secretary"])
    base = f"/api/v1/meetings/{meeting.pk}/agenda"
    response = secretary.post(
        f"{base}/{point(meeting, 'A').pk}/move/", {"direction": "down"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert [p["title"] for p in response.json()["agenda"]] == ["B", "A", "C"]
    response = secretary.post(
        f"{base}/{point(meeting, 'C').pk}/move/", {"direction": "sideways"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"direction"}
    response = secretary.post(f"{base}/{point(meeting, 'C').pk}/drop/")
    assert [p["title"] for p in response.json()["agenda"]] == ["B", "A"]
    assert [p["position"] for p in response.json()["agenda"]] == [1, 2]
    assert secretary.post(f"{base}/999999/drop/").status_code == 404


def test_members_may_not_reorder_or_drop_through_the_api(people, meeting):
    base = f"/api/v1/meetings/{meeting.pk}/agenda/{point(meeting, 'C').pk}"
    member = api(people["committee"])
    assert member.post(f"{base}/move/", {"direction": "up"}, format="json").status_code == 403
    assert member.post(f"{base}/drop/").status_code == 403
    assert api(people["officer"]).post(f"{base}/drop/").status_code == 404
    assert titles(meeting) == ["A", "B", "C"]


def test_members_comment_on_a_meeting_web_and_api(client, people, meeting):
    client.force_login(people["committee"])
    response = client.post(
        reverse("committee:meeting_comment", args=[meeting.pk]), {"text": "Ask KP for figures."}
    )
    assert response.status_code == 302
    # An empty comment is refused in words; nothing is added.
    response = client.post(
        reverse("committee:meeting_comment", args=[meeting.pk]), {"text": "  "}, follow=True
    )
    assert "Write a comment." in response.content.decode()
    response = api(people["committee"]).post(
        f"/api/v1/meetings/{meeting.pk}/comments/", {"text": "And Sindh."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"] == "committee"
    page = client.get(reverse("committee:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Ask KP for figures." in page
    assert "And Sindh." in page
    assert list(MeetingComment.objects.values_list("author__username", flat=True)) == [
        "committee", "committee",
    ]  # fmt: skip
    # Officers are not the committee: the meeting does not exist for them.
    client.force_login(people["officer"])
    response = client.post(reverse("committee:meeting_comment", args=[meeting.pk]), {"text": "x"})
    assert response.status_code == 404
    assert MeetingComment.objects.count() == 2


@pytest.fixture
def action(people, meeting):
    decision = services.decision_record(
        user=people["secretary"], point=point(meeting, "B"), text="MOI to convene the committees"
    )
    return services.action_item_create(
        user=people["secretary"], decision=decision, text="Convene them",
        owner=people["officer"].agency,
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip


def test_an_action_is_dropped_only_with_a_reason(client, people, action):
    client.force_login(people["secretary"])
    url = reverse("committee:action_drop", args=[action.pk])
    response = client.post(url, {"drop_reason": "   "}, follow=True)
    assert "Say why the action is dropped." in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.closed_at) == ("open", None)
    client.post(url, {"drop_reason": "Overtaken by the new NACTA act."})
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DROPPED
    assert action.drop_reason == "Overtaken by the new NACTA act."
    assert action.is_closed
    assert action.history.latest("history_date").history_change_reason == (
        "Dropped: Overtaken by the new NACTA act."
    )


def test_only_the_secretary_drops_an_action(client, people, action):
    client.force_login(people["officer"])
    url = reverse("committee:action_drop", args=[action.pk])
    response = client.post(url, {"drop_reason": "We would rather not."})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_the_minutes_pdf_holds_the_decisions_and_actions(client, people, meeting, action):
    services.meeting_update(
        user=people["secretary"], meeting=meeting, minutes="The chair opened the meeting.",
        attendees=[people["committee"]], guests="",
    )  # fmt: skip
    client.force_login(people["committee"])
    response = client.get(reverse("committee:meeting_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Ad hoc review" in text
    assert "MOI to convene the committees" in text
    assert "Convene them" in text
    assert "MOI" in text
    assert "The chair opened the meeting." in text
    client.force_login(people["officer"])
    response = client.get(reverse("committee:meeting_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 404


def test_the_committee_pages_live_under_committee_and_old_addresses_redirect(
    client, people, meeting, action
):
    client.force_login(people["committee"])
    assert client.get("/committee/meetings/").status_code == 200
    assert client.get(f"/committee/meetings/{meeting.pk}/").status_code == 200
    listed = client.get("/committee/action-items/", {"owner": "MOI", "status": "open"})
    assert listed.status_code == 200
    assert [a.pk for a in listed.context["actions"]] == [action.pk]
    assert (
        client.get("/committee/action-items/", {"status": "done"}).context["actions"].count() == 0
    )
    bad = client.get("/committee/action-items/", {"owner": "NO-SUCH"})
    assert bad.status_code == 400
    assert client.get(f"/committee/action-items/{action.pk}/").status_code == 200
    old = client.get("/committee/actions/", {"owner": "MOI"})
    assert (old.status_code, old["Location"]) == (301, "/committee/action-items/?owner=MOI")
    old = client.get(f"/committee/actions/{action.pk}/")
    assert (old.status_code, old["Location"]) == (301, f"/committee/action-items/{action.pk}/")


def test_the_meeting_and_action_pages_read_in_urdu(client, people, meeting, action):
    people["secretary"].language = "ur"
    people["secretary"].save()
    client.force_login(people["secretary"])
    page = client.get(reverse("committee:meeting_detail", args=[meeting.pk])).content.decode()
    for urdu in ("ایجنڈا (3)", "فیصلہ درج کیجیے", "حاضری اور رودادِ اجلاس", "خصوصی اجلاس"):
        assert urdu in page
    assert "Record a decision" not in page
    page = client.get(reverse("committee:action_detail", args=[action.pk])).content.decode()
    assert "MOI کے لیے اقدام" in page
    assert "اقدام ختم کیجیے" in page
    response = client.post(
        reverse("committee:action_drop", args=[action.pk]), {"drop_reason": ""}, follow=True
    )
    assert "بتائیے کہ اقدام کیوں ختم کیا جا رہا ہے۔" in response.content.decode()
