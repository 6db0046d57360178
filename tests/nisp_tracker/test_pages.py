import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login_from_home(client):
    response = client.get(reverse("interventions:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_a_csrf_protected_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b'name="username"' in response.content


def test_user_logs_in_with_correct_password_and_sees_home(client, user):
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("interventions:home")
    assert response.context["user"] == user
    assert b"Internal-security policies" in response.content


def test_wrong_password_is_refused_with_an_error(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert b"enter a correct" in response.content.lower()


def test_logout_is_a_post_and_ends_the_session(logged_in_client):
    response = logged_in_client.post(reverse("logout"))
    assert response.status_code == 302
    assert logged_in_client.get(reverse("interventions:home")).status_code == 302


def test_login_post_without_csrf_token_is_rejected(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("login"), {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 403
