"""Choosing the interface language: remembered per user and per browser; English as today."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from agencies.models import User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
# Each response carries its own CSRF token; all else must be the same.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def officer(plan):
    return user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer")


def test_pages_are_english_left_to_right_until_urdu_is_chosen(client, officer):
    client.force_login(officer)
    page = client.get(reverse("reporting:my_items")).content.decode()
    assert '<html lang="en-gb" dir="ltr">' in page
    assert ">My items<" in page
    assert 'name="language" value="ur"' in page


def test_choosing_urdu_saves_it_on_the_user_and_turns_pages_right_to_left(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("agencies:set_language"), {"language": "ur", "next": reverse("reporting:my_items")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:my_items")
    officer.refresh_from_db()
    assert officer.language == "ur"
    page = client.get(reverse("reporting:my_items")).content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert "میرے نکات" in page  # My items
    assert "لاگ آؤٹ" in page  # Log out


def test_the_saved_language_follows_the_user_to_another_browser(client, officer):
    officer.language = "ur"
    officer.save()
    client.force_login(officer)  # a fresh client: no language cookie
    page = client.get(reverse("reporting:my_items")).content.decode()
    assert 'dir="rtl"' in page


def test_switching_back_to_english_shows_the_page_as_before(client, officer):
    client.force_login(officer)
    english = client.get(reverse("reporting:my_items")).content.decode()
    client.post(reverse("agencies:set_language"), {"language": "ur"})
    client.post(reverse("agencies:set_language"), {"language": "en-gb"})
    officer.refresh_from_db()
    assert officer.language == "en-gb"
    again = client.get(reverse("reporting:my_items")).content.decode()
    assert CSRF.sub("", again) == CSRF.sub("", english)


def test_a_visitor_who_is_not_signed_in_keeps_the_choice_in_a_cookie(client, plan):
    response = client.post(reverse("agencies:set_language"), {"language": "ur"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ur"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="ur" dir="rtl">' in page
    assert "لاگ اِن" in page


def test_an_unknown_language_changes_nothing(client, officer):
    client.force_login(officer)
    client.post(reverse("agencies:set_language"), {"language": "fr"})
    officer.refresh_from_db()
    assert officer.language == ""
    assert 'dir="ltr"' in client.get(reverse("reporting:my_items")).content.decode()


def test_the_switcher_takes_only_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("agencies:set_language")).status_code == 405
