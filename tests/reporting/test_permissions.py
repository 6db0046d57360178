"""Each role against each action, on the Ministry of Interior's item, enforced on the server."""

import pytest
from django.urls import reverse

from reporting.models import Comment, ProgressUpdate
from tests.progress import update_form

pytestmark = pytest.mark.django_db

ROLES = ["officer", "reviewer", "outsider", "outside_reviewer", "committee", "secretary"]


@pytest.fixture
def submitted(people, moi_item, period):
    from reporting.services import UpdateData, update_create, update_submit

    update = update_create(
        user=people["officer"],
        item=moi_item,
        period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative="Started."),
    )  # fmt: skip
    return update_submit(user=people["officer"], update=update, version=update.version)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("officer", 302), ("reviewer", 403), ("outsider", 403), ("outside_reviewer", 403),
     ("committee", 403), ("secretary", 403)],
)  # fmt: skip
def test_who_may_draft_an_update(client, people, moi_item, period, role, expected):
    client.force_login(people[role])
    response = client.post(
        reverse("reporting:update_create", args=[moi_item.pk]), update_form(period)
    )
    assert response.status_code == expected
    assert ProgressUpdate.objects.exists() == (expected == 302)


@pytest.mark.parametrize(
    ("role", "decision", "final_state"),
    [
        ("reviewer", "approve", "approved"),
        ("reviewer", "return", "returned"),
        ("secretary", "return", "returned"),
        ("secretary", "approve", "submitted"),
        ("officer", "approve", "submitted"),
        ("outside_reviewer", "approve", "submitted"),
        ("outside_reviewer", "return", "submitted"),
        ("committee", "approve", "submitted"),
    ],
)
def test_who_may_approve_or_return(client, people, submitted, role, decision, final_state):
    client.force_login(people[role])
    response = client.post(
        reverse("reporting:update_review", args=[submitted.pk]),
        {"decision": decision, "comment": "Checked.", "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.state == final_state
    allowed = final_state != "submitted"
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agencys_officer_edits_its_update(client, people, moi_item, period, role):
    from reporting.services import UpdateData, update_create

    update = update_create(
        user=people["officer"], item=moi_item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative="Draft."),
    )  # fmt: skip
    client.force_login(people[role])
    url = reverse("reporting:update_edit", args=[update.pk])
    response = client.post(url, update_form(period, narrative="Changed.", version=1))
    update.refresh_from_db()
    if role == "officer":
        assert update.narrative == "Changed."
    else:
        assert update.narrative == "Draft."
        # A draft is private to its agency: outside it the draft does not exist (404, as in
        # the API); inside it (the reviewer) the form is forbidden (403).
        inside = people[role].agency_id == update.agency_id
        assert response.status_code == (403 if inside else 404)


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [("officer", True), ("reviewer", True), ("outsider", False), ("outside_reviewer", False),
     ("committee", False), ("secretary", False)],
)  # fmt: skip
def test_drafts_stay_inside_their_agency(client, people, moi_item, period, role, sees_draft):
    from reporting.services import UpdateData, update_create

    update_create(
        user=people["officer"], item=moi_item, period=period,
        data=UpdateData(status="in_progress", percent_complete=10, confidence="green",
                        narrative="Private working note."),
    )  # fmt: skip
    client.force_login(people[role])
    page = client.get(reverse("reporting:item_detail", args=[moi_item.pk]))
    assert page.status_code == 200
    assert (b"Private working note." in page.content) == sees_draft


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("officer", False), ("outsider", False), ("reviewer", True), ("committee", True),
     ("secretary", True)],
)  # fmt: skip
def test_who_may_comment(client, people, moi_item, role, allowed):
    client.force_login(people[role])
    response = client.post(
        reverse("reporting:comment_add", args=[moi_item.pk]), {"text": "Please explain."}
    )
    assert response.status_code == (302 if allowed else 403)
    assert Comment.objects.filter(item=moi_item).exists() == allowed


@pytest.mark.parametrize(
    "url_name", ["reporting:my_items", "reporting:review_queue", "reporting:compliance",
                 "reporting:item_list", "interventions:home"],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_log_in(client, plan, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_csrf_is_enforced_on_update_forms(people, moi_item, period):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["officer"])
    response = client.post(
        reverse("reporting:update_create", args=[moi_item.pk]), update_form(period)
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_compliance_counts_for_the_current_period(client, people, submitted, period):
    client.force_login(people["committee"])
    response = client.get(reverse("reporting:compliance"))
    assert response.context["period"] == period
    moi = next(row for row in response.context["rows"] if row["agency"].code == "MOI")
    assert (moi["submitted"], moi["approved"]) == (1, 0)
    assert moi["not_reported"] == moi["owed"] - 1
