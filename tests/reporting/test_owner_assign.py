"""The secretary's form on the item page for an owner the source does not name: it records the
owner through interventions.services.item_owner_assign, shows errors in plain words, and is
closed to everyone else."""

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Agency
from interventions.models import OwnerAssignment, PlanItem, Responsibility

pytestmark = pytest.mark.django_db

AUTHORITY = "NSC meeting of 2026-03-02, minute 4"


@pytest.fixture
def item(plan):
    """An NSP commitment whose reference names no owner."""
    return PlanItem.objects.without_owner().filter(policy__code="NSP-2022").first()


def url(item):
    return reverse("reporting:owner_assign", args=[item.pk])


def test_secretary_records_an_owner_and_the_page_shows_its_authority(client, people, item):
    client.force_login(people["secretary"])
    response = client.post(url(item), {"agency": "NSD", "role": "lead", "authority": AUTHORITY})
    assert response.status_code == 302
    assignment = OwnerAssignment.objects.get(item=item)
    assert (assignment.agency.code, assignment.role, assignment.assigned_by) == (
        "NSD", "lead", people["secretary"]
    )  # fmt: skip
    assert assignment.responsibility.role == "lead"
    page = client.get(response.url).content.decode()
    assert "NSD recorded as lead on the authority of: NSC meeting" in page
    assert f"on the authority of: {AUTHORITY}" in page
    assert "Owner not stated in the source" not in page


def test_a_blank_authority_shows_the_reason_and_records_nothing(client, people, item):
    client.force_login(people["secretary"])
    response = client.post(url(item), {"agency": "NSD", "role": "lead", "authority": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The owner was not recorded" in html
    assert "Say what the assignment rests on" in html
    assert not OwnerAssignment.objects.exists()
    assert not item.responsibilities.exists()


def test_the_service_refusal_shows_under_its_field(client, people, item):
    """A second lead is the service's rule, not the form's: its message reaches the page."""
    client.force_login(people["secretary"])
    client.post(url(item), {"agency": "NSD", "role": "lead", "authority": AUTHORITY})
    response = client.post(url(item), {"agency": "NSC", "role": "lead", "authority": AUTHORITY})
    assert response.status_code == 400
    assert "This item already has a lead." in response.content.decode()
    assert list(item.responsibilities.values_list("agency__code", flat=True)) == ["NSD"]


def test_a_group_or_unknown_body_is_refused(client, people, item):
    assert Agency.objects.filter(code="ALL-GOVTS", kind=Agency.Kind.GROUP).exists()
    client.force_login(people["secretary"])
    for code in ("ALL-GOVTS", "NOT-A-BODY"):
        response = client.post(url(item), {"agency": code, "role": "lead", "authority": AUTHORITY})
        assert response.status_code == 400
        assert "Choose a body from the list." in response.content.decode()
    assert not OwnerAssignment.objects.exists()


@pytest.mark.parametrize("who", ["officer", "reviewer", "committee"])
def test_only_the_secretary_sees_the_form_and_may_post_it(client, people, item, who):
    client.force_login(people[who])
    page = client.get(reverse("reporting:item_detail", args=[item.pk])).content.decode()
    assert "Record the owner" not in page
    response = client.post(url(item), {"agency": "NSD", "role": "lead", "authority": AUTHORITY})
    assert response.status_code == 403
    assert not Responsibility.objects.filter(item=item).exists()


def test_the_secretary_sees_the_form_and_an_unknown_item_is_404(client, people, item):
    client.force_login(people["secretary"])
    page = client.get(reverse("reporting:item_detail", args=[item.pk])).content.decode()
    assert "Record the owner" in page
    assert 'name="csrfmiddlewaretoken"' in page
    missing = reverse("reporting:owner_assign", args=[999999])
    assert client.post(missing, {"agency": "NSD", "authority": AUTHORITY}).status_code == 404


def test_the_form_needs_a_post_with_a_csrf_token(people, item):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["secretary"])
    data = {"agency": "NSD", "role": "lead", "authority": AUTHORITY}
    assert browser.post(url(item), data).status_code == 403
    assert browser.get(url(item)).status_code == 405
    assert not OwnerAssignment.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, item):
    response = client.post(url(item), {"agency": "NSD", "authority": AUTHORITY})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not OwnerAssignment.objects.exists()
