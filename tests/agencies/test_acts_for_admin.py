"""The admin's "reports for" rows on a user go through agencies.services like every other writer:
a new grant passes the service's rules (who may grant, whom, which body) and is recorded with who
and why; a removal needs its reason on the history; a bad row changes nothing."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from agencies.models import ActsFor, Agency, User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PREFIX = "acts_for_grants"


class FormValues(HTMLParser):
    """What a browser would send for the page's main form as it stands."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_page(client, user) -> tuple[str, dict]:
    url = reverse("admin:agencies_user_change", args=[user.pk])
    parser = FormValues()
    parser.feed(client.get(url).content.decode())
    values = {k: v for k, v in parser.values.items() if "__prefix__" not in k}
    values.pop("_addanother", None)
    values.pop("_continue", None)
    return url, values


@pytest.fixture
def admin_client_of(client, plan):
    admin = User.objects.create_superuser("root", "root@interior.gov.pk", "a long passphrase 1")
    client.force_login(admin)
    return client, admin


def add_row(values: dict, agency: Agency, reason: str) -> dict:
    total = int(values[f"{PREFIX}-TOTAL_FORMS"][0])
    values = {**values, f"{PREFIX}-TOTAL_FORMS": [str(total + 1)]}
    values[f"{PREFIX}-{total}-agency"] = [str(agency.pk)]
    values[f"{PREFIX}-{total}-reason"] = [reason]
    values[f"{PREFIX}-{total}-user"] = values.get(f"{PREFIX}-0-user", [""])
    return values


def test_a_grant_added_in_the_admin_is_recorded_with_who_and_why(admin_client_of):
    client, admin = admin_client_of
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    kp = Agency.objects.get(code="HD-KP")
    url, values = change_page(client, officer)
    response = client.post(url, add_row(values, kp, "Covers KP while its officer is away."))
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = ActsFor.objects.get(user=officer, agency=kp)
    assert (grant.granted_by, grant.reason) == (admin, "Covers KP while its officer is away.")
    record = grant.history.get()
    assert (record.history_user, record.history_change_reason) == (
        admin, "Covers KP while its officer is away."
    )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "agency_code", "reason", "message"),
    [
        (User.Role.DESK_OFFICER, "MOI", "Own agency.", "own agency"),
        (User.Role.DESK_OFFICER, "ALL-GOVTS", "A group.", "group wording"),
        (User.Role.COMMITTEE_MEMBER, "HD-KP", "A member.", "Only desk officers and agency"),
        (User.Role.DESK_OFFICER, "HD-KP", "   ", "Say why"),
    ],
)
def test_a_grant_the_service_refuses_is_refused_in_the_admin_too(
    admin_client_of, role, agency_code, reason, message
):
    client, _ = admin_client_of
    person = user_with_role(role, "MOI" if role == User.Role.DESK_OFFICER else None,
                            username="person")  # fmt: skip
    url, values = change_page(client, person)
    response = client.post(url, add_row(values, Agency.objects.get(code=agency_code), reason))
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not ActsFor.objects.exists()


def test_a_removal_needs_its_reason_and_goes_on_the_history(admin_client_of):
    from agencies import services

    client, admin = admin_client_of
    officer = user_with_role(User.Role.DESK_OFFICER, "MOI", username="officer.moi")
    kp = Agency.objects.get(code="HD-KP")
    services.acts_for_grant(by=admin, user=officer, agency=kp, reason="Covers KP.")
    url, values = change_page(client, officer)
    values[f"{PREFIX}-0-DELETE"] = ["on"]
    response = client.post(url, values)
    assert response.status_code == 200
    assert "Say why this person stops reporting for HD-KP" in response.content.decode()
    assert ActsFor.objects.filter(user=officer, agency=kp).exists()

    values[f"{PREFIX}-0-end_reason"] = ["The KP officer is back."]
    assert client.post(url, values).status_code == 302
    assert not ActsFor.objects.filter(user=officer, agency=kp).exists()
    removal = ActsFor.history.filter(history_type="-").get()
    assert (removal.history_user, removal.history_change_reason) == (
        admin, "The KP officer is back."
    )  # fmt: skip


def test_a_grant_given_on_the_add_user_page_is_recorded_with_the_new_user(admin_client_of):
    client, admin = admin_client_of
    url = reverse("admin:agencies_user_add")
    parser = FormValues()
    parser.feed(client.get(url).content.decode())
    values = {k: v for k, v in parser.values.items() if "__prefix__" not in k}
    for button in ("_addanother", "_continue"):
        values.pop(button, None)
    moi, kp = Agency.objects.get(code="MOI"), Agency.objects.get(code="HD-KP")
    values.update(
        username=["officer.new"], password1=["a long passphrase 2"],
        password2=["a long passphrase 2"], role=[User.Role.DESK_OFFICER], agency=[str(moi.pk)],
    )  # fmt: skip
    response = client.post(url, add_row(values, kp, "Covers KP from the start."))
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = ActsFor.objects.get(user__username="officer.new", agency=kp)
    assert (grant.granted_by, grant.reason) == (admin, "Covers KP from the start.")
