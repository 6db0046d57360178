"""The provincial view: the dashboard, its ranked exceptions and the quarterly report narrowed
to a level and/or a province (agencies.geography), through the test client."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from committee.models import QuarterlyReport
from core.quarters import Quarter
from interventions.models import PlanItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("committee:dashboard")


@pytest.fixture
def member(client, plan):
    client.force_login(UserFactory(role=User.Role.COMMITTEE_MEMBER, username="member"))
    return client


def kp_items():
    return PlanItem.objects.filter(policy__code="NISP-2018").at_place(province="KP")


def test_the_dashboard_narrows_to_a_province_with_its_exceptions(member, settings):
    settings.EXCEPTIONS_TOP = 5
    response = member.get(URL, {"province": "KP"})
    assert response.status_code == 200
    figures = response.context["figures"]
    kp = set(kp_items().values_list("pk", flat=True))
    assert (
        0
        < figures["totals"]["items"]
        == len(kp)
        < PlanItem.objects.filter(policy__code="NISP-2018").count()
    )
    ranked = figures["exceptions"]
    # With no report yet every item is silent two quarters: each KP item is an exception.
    assert {entry["id"] for entry in ranked["all"]} == kp
    assert all("KP" in entry["provinces"] for entry in ranked["all"])
    page = response.content.decode()
    assert f"and {len(kp) - 5} more" in page
    assert re.search(r"<h1>(?:(?!</h1>).)*Khyber Pakhtunkhwa(?:(?!</h1>).)*</h1>", page, re.S)
    assert '<option value="KP" selected>' in page
    # Every link to the item list and every sort link keeps the province.
    assert "overdue=true" in page
    item_links = re.findall(r'href="/items/\?([^"]+)"', page)
    assert item_links
    assert all("province=KP" in link for link in item_links)
    sort_links = re.findall(r'href="\?(quarter=[^"]+sort=[^"]+)"', page)
    assert sort_links
    assert all("province=KP" in link for link in sort_links)


def test_the_dashboard_narrows_to_a_level(member):
    whole = member.get(URL).context["figures"]
    federal = member.get(URL, {"level": "federal"}).context["figures"]
    special = member.get(URL, {"level": "special", "province": "GB"}).context["figures"]
    assert 0 < federal["totals"]["items"] < whole["totals"]["items"]
    assert 0 < special["totals"]["items"] < whole["totals"]["items"]
    assert federal["scope"]["level"] == "federal"
    assert all("federal" in entry["levels"] for entry in federal["exceptions"]["all"])


def test_a_bad_level_or_province_is_a_400_in_words(member):
    response = member.get(URL, {"level": "district", "province": "Kashmir"})
    assert response.status_code == 400
    errors = response.context["choice"].errors
    assert any("“district” is not a level" in error for error in errors)
    assert any("“Kashmir” is not a province" in error for error in errors)


def test_a_report_requested_for_a_province_stores_and_says_its_scope(client, people):
    from committee.reports import generation
    from committee.reports import services as report_services

    client.force_login(people["secretary"])
    quarter = Quarter.of(timezone.localdate())
    response = client.post(
        reverse("committee:report_list"),
        {"quarter": quarter.label, "scope": "NISP-2018", "level": "provincial", "province": "KP"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = QuarterlyReport.objects.get()
    assert (report.level, report.province) == ("provincial", "KP")
    report = generation.report_generate(report.pk)
    report.refresh_from_db()
    assert report.snapshot["scope"]["province"] == "KP"
    assert report.snapshot["totals"]["items"] == kp_items().at_place(level="provincial").count()
    page = client.get(reverse("committee:report_detail", args=[report.pk])).content.decode()
    assert "Provincial · Khyber Pakhtunkhwa" in page
    from pypdf import PdfReader

    pdf = PdfReader(report.pdf.path)
    first = pdf.pages[0].extract_text()
    assert "Khyber Pakhtunkhwa" in first
    # A second request for the same scope is its version 2; another place is its own series.
    again = report_services.report_request(
        user=people["secretary"], quarter=quarter, policy=report_services.scope_policy("NISP-2018"),
        level="provincial", province="KP",
    )  # fmt: skip
    other = report_services.report_request(
        user=people["secretary"], quarter=quarter, policy=None, province="SINDH"
    )
    assert (again.version, other.version) == (2, 1)


def test_a_report_for_a_bad_province_is_refused_and_nothing_is_queued(client, people):
    client.force_login(people["secretary"])
    quarter = Quarter.of(timezone.localdate())
    response = client.post(
        reverse("committee:report_list"),
        {"quarter": quarter.label, "scope": "ALL", "province": "Kashmir"},
    )
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    assert not QuarterlyReport.objects.exists()


def test_a_narrowed_dashboard_costs_what_the_whole_one_does(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.data_version import data_version_bump

    def queries(params) -> int:
        data_version_bump()  # figures and page body computed afresh each time
        with CaptureQueriesContext(connection) as captured:
            assert member.get(URL, params).status_code == 200
        return len(captured)

    member.get(URL, {"policy": "all"})  # warm caches (content types, session)
    whole = queries({"policy": "all"})
    # The narrowing is one EXISTS inside the figures' reads, never a query of its own.
    assert queries({"policy": "all", "level": "provincial", "province": "SINDH"}) == whole
    assert queries({"province": "GB"}) == queries({})
