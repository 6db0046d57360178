"""Sign-in lockout (django-axes): per account and per address, and the secretary's unlock."""

import pytest
from django.urls import reverse

from agencies.models import User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
LOGIN = "/accounts/login/"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_the_limit_even_with_the_right_password(client, limit):
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI")
    statuses = [sign_in(client, officer.username, "wrong").status_code for _ in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]

    # From another address too: the account itself is locked.
    locked = sign_in(client, officer.username, PASSWORD, address="10.0.0.2")

    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many wrong passwords (3)" in text
    assert "committee secretary or an administrator" in text
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_for_every_account_after_the_limit(client, limit):
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI")
    for n in range(limit):
        sign_in(client, f"guess{n}", "wrong", address="10.9.9.9")

    assert sign_in(client, officer.username, PASSWORD, address="10.9.9.9").status_code == 429
    assert sign_in(client, officer.username, PASSWORD, address="10.0.0.7").status_code == 302


def test_the_secretary_unlocks_an_account_and_its_owner_signs_in(client, limit):
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI")
    secretary = user_with_role(User.Role.COMMITTEE_SECRETARY)
    for _ in range(limit):
        sign_in(client, officer.username, "wrong")
    assert sign_in(client, officer.username, PASSWORD, address="10.0.0.2").status_code == 429

    client.force_login(secretary)
    page = client.get(reverse("agencies:lockout_list"))
    assert page.status_code == 200
    assert officer.username in page.content.decode()
    client.post(reverse("agencies:lockout_list"), {"username": officer.username})
    client.post(reverse("agencies:lockout_list"), {"ip_address": "10.0.0.1"})
    client.logout()

    assert sign_in(client, officer.username, PASSWORD, address="10.0.0.1").status_code == 302


def test_a_desk_officer_cannot_see_or_clear_lockouts(client, limit):
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI")
    client.force_login(officer)
    assert client.get(reverse("agencies:lockout_list")).status_code == 403
    assert client.post(reverse("agencies:lockout_list"), {"username": "x"}).status_code == 403


def test_unlocking_needs_an_account_or_an_address(client):
    client.force_login(user_with_role(User.Role.COMMITTEE_SECRETARY))
    response = client.post(reverse("agencies:lockout_list"), {}, follow=True)
    assert "Name either an account or an address to unlock." in response.content.decode()
