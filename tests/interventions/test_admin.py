import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/interventions/planitem/?q=NACTA",
        "/admin/interventions/planitem/?policy__id__exact=1",
        "/admin/interventions/priority/",
        "/admin/interventions/itemlink/",
        "/admin/interventions/committee/",
        "/admin/agencies/agency/?q=MoI",
        "/admin/agencies/agency/?kind__exact=group",
    ],
)
def test_admin_lists_are_searchable_and_filterable(plan, admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_admin_item_page_shows_responsibilities_and_history(plan, admin_client):
    from interventions.models import PlanItem

    item = PlanItem.objects.get(policy__code="NAP-2014", ref="1")
    response = admin_client.get(f"/admin/interventions/planitem/{item.pk}/change/")
    assert response.status_code == 200
    assert b"NACTA" in response.content
    history = admin_client.get(f"/admin/interventions/planitem/{item.pk}/history/")
    assert history.status_code == 200


def test_admin_is_closed_to_non_staff(plan, client):
    client.force_login(UserFactory())
    response = client.get("/admin/interventions/planitem/")
    assert response.status_code == 302


def test_secretary_adds_an_nsp_commitment_with_its_authority(plan, client):
    from interventions.models import PlanItem, Policy

    secretary = UserFactory(is_staff=True, is_superuser=True, username="acis.secretary")
    client.force_login(secretary)
    nsp = Policy.objects.get(code="NSP-2022")
    form = {
        "policy": nsp.pk,
        "ref": "NSP-ADDED-01",
        "kind": "commitment",
        "text": "Commitment as stated in the NSC minutes.",
        "position": 999,
        "term": "unknown",
        "budget_kind": "missing",
        "budget_currency": "PKR",
        "evidence": "R",
        "source_urls": "[]",
        "notes": "[]",
        "text_lines": "[]",
        "responsibilities-TOTAL_FORMS": 0, "responsibilities-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 0, "indicators-INITIAL_FORMS": 0,
        "context_notes-TOTAL_FORMS": 0, "context_notes-INITIAL_FORMS": 0,
    }  # fmt: skip
    missing_authority = client.post("/admin/interventions/planitem/add/", form)
    assert missing_authority.status_code == 200
    assert not PlanItem.objects.filter(ref="NSP-ADDED-01").exists()

    form["authority"] = "NSC 36th meeting minutes, 27 Dec 2021, item 3"
    response = client.post("/admin/interventions/planitem/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = PlanItem.objects.get(ref="NSP-ADDED-01")
    assert added.entered_by == secretary
    assert added.authority.startswith("NSC 36th meeting")
