"""Every kind of response carries the Content-Security-Policy; scripts only from our files."""

import pytest

from agencies.models import User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def secretary_client(client, plan):
    client.force_login(user_with_role(User.Role.COMMITTEE_SECRETARY, is_staff=True))
    return client


def test_the_sign_in_page_has_a_strict_policy(client):
    rules = policy(client.get("/accounts/login/"))
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'"]  # no nonce used: no inline script at all
    assert rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/items/",
        "/dashboard/",
        "/compliance/",
        "/crosswalk/",
        "/reports/",
        "/account/tokens/",
        "/account/lockouts/",
        "/admin/",
        "/api/v1/policies/",
        "/api/schema/",
    ],
)
def test_every_page_type_carries_the_policy(secretary_client, url):
    response = secretary_client.get(url)
    assert response.status_code == 200, url
    rules = policy(response)
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    assert rules["style-src"] == ["'self'"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/redoc/"])
def test_the_api_docs_allow_inline_styles_but_no_inline_script(secretary_client, url):
    response = secretary_client.get(url)
    assert response.status_code == 200
    rules = policy(response)
    assert "'unsafe-inline'" in rules["style-src"]
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "fonts.googleapis.com" not in response.content.decode()


def test_the_docs_pages_run_no_inline_script(secretary_client):
    for url in ("/api/docs/", "/api/docs/redoc/"):
        page = secretary_client.get(url).content.decode()
        assert "<script>" not in page, url
