"""The OpenAPI document is valid, and real responses of the main endpoints match it."""

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.api.helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_as, people):
    response = api_as(people["committee"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def openapi(schema):
    return OpenAPI.from_dict(schema)


def check(openapi, response):
    """Raises if the response (status, headers, body) does not match the document."""
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def test_the_document_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/items/" in schema["paths"]
    assert "/api/v1/updates/{id}/return/" in schema["paths"]


def test_the_document_needs_authentication():
    assert APIClient().get("/api/schema/").status_code == 401


def test_docs_page_is_served_from_our_own_static_files(api_as, people):
    client = api_as(people["committee"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_read_endpoints_answer_as_documented(openapi, api_as, people, moi_item, period):
    indicator = moi_item.indicators.get()
    approve(moi_item, period, people, indicator_values={indicator.pk: "Met"})
    client = api_as(people["committee"])
    for url in [
        "/api/v1/items/?page_size=300",
        f"/api/v1/items/{moi_item.pk}/",
        f"/api/v1/items/{moi_item.pk}/updates/",
        "/api/v1/policies/",
        "/api/v1/policies/NISP-2018/",
        "/api/v1/themes/?policy=NISP-2018",
        "/api/v1/agencies/?page_size=500",
        "/api/v1/periods/?policy=NISP-2018&state=open",
        "/api/v1/crosswalk/?page_size=500",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        check(openapi, response)


def test_downloads_answer_as_documented(openapi, api_as, people, plan):
    client = api_as(people["committee"])
    for fmt in ("csv", "xlsx"):
        check(openapi, client.get("/api/v1/items/", {"format": fmt, "policy": "NAP-2014"}))


def test_writes_answer_as_documented(openapi, api_as, people, moi_item, period):
    officer = api_as(people["officer"])
    indicator = moi_item.indicators.get()
    created = officer.post(
        f"/api/v1/items/{moi_item.pk}/updates/",
        {"period": period.pk, "status": "in_progress", "percent_complete": 10,
         "confidence": "green", "narrative": "Started.", "budget_released": 1000.5,
         "indicator_values": [{"indicator": indicator.pk, "value": "1 of 4"}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    check(openapi, created)
    url = f"/api/v1/updates/{created.json()['id']}/"
    check(openapi, officer.patch(url, {"version": 1, "budget_spent": 10}, format="json"))
    check(openapi, officer.post(f"{url}submit/", {"version": 2}, format="json"))
    check(openapi, api_as(people["reviewer"]).post(f"{url}approve/", {}, format="json"))


def test_errors_answer_as_documented(openapi, api_as, people, moi_item, period):
    officer = api_as(people["officer"])
    responses = [
        APIClient().get("/api/v1/items/"),
        officer.get("/api/v1/items/", {"agency": "NO-SUCH"}),
        officer.get("/api/v1/items/999999/"),
        api_as(people["outsider"]).post(
            f"/api/v1/items/{moi_item.pk}/updates/",
            {"period": period.pk, "status": "in_progress", "percent_complete": 10,
             "confidence": "green", "narrative": "Started."},
            format="json",
        ),
        officer.post(f"/api/v1/items/{moi_item.pk}/updates/", {"period": period.pk}, format="json"),
    ]  # fmt: skip
    assert [r.status_code for r in responses] == [401, 400, 404, 403, 400]
    for response in responses:
        check(openapi, response)


def test_report_endpoints_answer_as_documented(openapi, api_as, people, plan):
    from committee.reports import generation, services
    from core.quarters import Quarter
    from tests.committee.reports import seed_quarter

    seed_quarter()
    report = services.report_request(
        user=people["secretary"], quarter=Quarter.parse("2025Q3"), policy=None
    )
    generation.report_generate(report.pk)
    committee, secretary = api_as(people["committee"]), api_as(people["secretary"])
    responses = [
        committee.get("/api/v1/reports/"),
        committee.get(f"/api/v1/reports/{report.pk}/"),
        committee.get(f"/api/v1/reports/{report.pk}/files/csv/"),
        secretary.post(
            "/api/v1/reports/", {"quarter": "2025Q3", "scope": "NISP-2018"}, format="json"
        ),
        secretary.post("/api/v1/reports/", {"quarter": "2025Q9", "scope": "ALL"}, format="json"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 201, 400]
    for response in responses:
        check(openapi, response)
