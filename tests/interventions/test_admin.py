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
