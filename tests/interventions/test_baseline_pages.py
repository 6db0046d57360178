"""The plan section of the item page, proposing a change, and the secretary's queue."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from interventions import services
from interventions.models import BaselineRevision, ChangeRequest

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2027, 2, 10, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def as_(client, user):
    client.force_login(user)
    return client


def test_item_page_shows_no_due_date_set_and_offers_a_change_to_its_reviewer(
    client, people, moi_item
):
    page = as_(client, people["reviewer"]).get(reverse("reporting:item_detail", args=[moi_item.pk]))
    content = page.content.decode()
    assert "no due date set" in content
    assert reverse("interventions:change_request_create", args=[moi_item.pk]) in content
    other = as_(client, people["outside_reviewer"]).get(
        reverse("reporting:item_detail", args=[moi_item.pk])
    )
    assert reverse("interventions:change_request_create", args=[moi_item.pk]) not in (
        other.content.decode()
    )


def test_a_reviewer_proposes_and_the_secretary_approves_on_the_web(client, people, moi_item):
    url = reverse("interventions:change_request_create", args=[moi_item.pk])
    response = as_(client, people["reviewer"]).post(
        url, {"scope": "item", "due_date": "2027-12-31", "reason": "Agreed timeline"}
    )
    assert response.status_code == 302
    request = ChangeRequest.objects.get(item=moi_item)
    queue = as_(client, people["secretary"]).get(reverse("interventions:change_request_queue"))
    assert "Agreed timeline" in queue.content.decode()
    decide = reverse("interventions:change_request_decide", args=[request.pk])
    client.post(decide, {"decision": "approve", "authority": ""})
    assert ChangeRequest.objects.get(pk=request.pk).state == "pending", "approval needs authority"
    client.post(decide, {"decision": "approve", "authority": "ACIS 2027Q1, decision 4"})
    assert ChangeRequest.objects.get(pk=request.pk).state == "approved"
    page = client.get(reverse("reporting:item_detail", args=[moi_item.pk])).content.decode()
    assert "31 Dec 2027 · revision 1" in page
    assert "ACIS 2027Q1, decision 4" in page
    assert "Agreed timeline" in page, "the revision history says why"


def test_a_proposal_with_no_value_or_reason_is_refused_in_plain_words(client, people, moi_item):
    url = reverse("interventions:change_request_create", args=[moi_item.pk])
    response = as_(client, people["reviewer"]).post(url, {"scope": "item", "reason": ""})
    assert response.status_code == 200
    assert "Fill in at least one new value" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_outsiders_cannot_propose_or_see_the_queue(client, people, moi_item):
    as_(client, people["outside_reviewer"])
    url = reverse("interventions:change_request_create", args=[moi_item.pk])
    assert (
        client.post(url, {"scope": "item", "due_date": "2027-12-31", "reason": "x"}).status_code
        == 403
    )
    assert client.get(reverse("interventions:change_request_queue")).status_code == 403
    assert client.get(reverse("interventions:due_dates_bulk")).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_the_secretary_sets_due_dates_for_a_whole_policy_with_one_reason(client, people):
    response = as_(client, people["secretary"]).post(
        reverse("interventions:due_dates_bulk"),
        {
            "policy": people["reviewer"].agency.issued_policies.get(code="NISP-2018").pk,
            "refs": "1, 2, 3",
            "due_date": "2028-06-30",
            "reason": "Carried forward into the next policy",
            "authority": "ACIS 2027Q1, decision 2",
        },
    )
    assert response.status_code == 302
    assert BaselineRevision.objects.filter(due_date=datetime.date(2028, 6, 30)).count() == 3
    bad = client.post(
        reverse("interventions:due_dates_bulk"),
        {"policy": "", "due_date": "2028-06-30", "reason": "x", "authority": "y"},
    )
    assert bad.status_code == 200
    assert "policy" in bad.context["form"].errors


def test_item_page_query_count_with_revisions_stays_fixed(
    client, people, moi_item, django_assert_max_num_queries
):
    for day in ("2027-06-30", "2027-09-30", "2027-12-31"):
        services.change_request_approve(
            user=people["secretary"],
            request=services.change_request_propose(
                user=people["secretary"], item=moi_item,
                values={"due_date": datetime.date.fromisoformat(day)}, reason="x",
            ),
            authority="ACIS",
        )  # fmt: skip
    as_(client, people["committee"]).get(reverse("reporting:item_detail", args=[moi_item.pk]))
    # The pinned item page (30) plus the plan section's two reads: revisions, pending requests.
    with django_assert_max_num_queries(32):
        response = client.get(reverse("reporting:item_detail", args=[moi_item.pk]))
    assert response.status_code == 200
