"""People make and revoke their own API tokens in the web; operators have a command."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from agencies.models import ApiToken
from tests.api.conftest import client_with_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/tokens/"


@pytest.fixture
def person(db):
    return UserFactory(username="analyst")


@pytest.fixture
def browser(client, person):
    client.force_login(person)
    return client


def create(browser, **data):
    return browser.post(PAGE, {"name": "Punjab dashboard", **data})


def test_a_new_token_shows_its_key_once_and_stores_only_its_hash(browser, person, plan):
    response = create(browser)
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=person)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert not token.read_only
    assert key not in browser.get(PAGE).content.decode()
    assert client_with_token(key).get("/api/v1/policies/").status_code == 200


def test_read_only_box_makes_a_read_only_token(browser, person):
    create(browser, read_only="on")
    assert ApiToken.objects.get(user=person).read_only


def test_a_blank_name_is_a_field_error_and_creates_nothing(browser):
    response = browser.post(PAGE, {"name": "  "})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_key_working(browser, person, plan):
    key = create(browser).context["new_key"]
    token = ApiToken.objects.get(user=person)
    response = browser.post(reverse("agencies:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_with_token(key).get("/api/v1/policies/").status_code == 401


def test_nobody_revokes_someone_elses_token(browser, plan):
    other = UserFactory(username="someone.else")
    call_command("create_api_token", other.username, stdout=io.StringIO(), stderr=io.StringIO())
    token = ApiToken.objects.get(user=other)
    response = browser.post(reverse("agencies:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_lists_only_your_own_tokens(browser, person):
    other = UserFactory(username="someone.else")
    ApiToken.objects.create(user=other, name="Not yours", prefix="abcdefgh", key_hash="x" * 64)
    create(browser)
    page = browser.get(PAGE).content.decode()
    assert "Punjab dashboard" in page
    assert "Not yours" not in page


def test_token_forms_need_the_csrf_token(person):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(PAGE, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_links_to_the_tokens_page(browser, plan):
    assert f'href="{PAGE}"' in browser.get(reverse("interventions:home")).content.decode()


def test_operators_command_prints_a_working_key(person, plan):
    out = io.StringIO()
    call_command("create_api_token", "analyst", "--read-only", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=person)
    assert token.read_only
    client = client_with_token(key)
    assert client.get("/api/v1/policies/").status_code == 200
    assert client.post("/api/v1/items/1/updates/", {}, format="json").status_code == 403


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
