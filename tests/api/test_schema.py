"""The OpenAPI document tells the truth: checked generically over every operation and every
response (so endpoints added later are held to the same rules), and against real responses."""

import json

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.api.helpers import approve

pytestmark = pytest.mark.django_db

BINARY = {"type": "string", "format": "binary"}


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _as_text(data: bytes, **parameters) -> str:
    # A file's bytes, checked as the `type: string, format: binary` the document declares.
    return data.decode("latin-1")


@pytest.fixture
def openapi(schema):
    binary_types = {
        media_type
        for operations in schema["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
        for media_type, content in response.get("content", {}).items()
        if content["schema"] == BINARY
    }
    config = Config(extra_media_type_deserializers=dict.fromkeys(binary_types, _as_text))
    return OpenAPI.from_dict(schema, config=config)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def check(openapi, response):
    """Raises if the response (status, headers, body) does not match the document."""
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def test_the_document_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/items/" in schema["paths"]
    assert "/api/v1/updates/{id}/return/" in schema["paths"]


def test_the_document_is_public_and_names_its_server(schema):
    assert schema["servers"] == [{"url": "http://testserver", "description": "This NISP Tracker"}]


def test_the_token_scheme_tells_clients_to_send_token_not_bearer(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert 'prefix="Token"' in schema["info"]["description"]


def test_every_download_is_binary_and_an_operation_of_its_own(schema):
    for path, _method, operation in operations(schema):
        media_types = set(operation["responses"].get("200", {}).get("content", {}))
        assert len(media_types) <= 1, (path, media_types)
        for response in operation["responses"].values():
            for media_type, content in response.get("content", {}).items():
                if media_type != "application/json":
                    assert content["schema"] == BINARY, (path, media_type)
    pdf = schema["paths"]["/api/v1/reports/{id}/files/pdf/"]["get"]["responses"]["200"]
    assert set(pdf["content"]) == {"application/pdf"}
    assert "PDF" in pdf["description"]


def test_every_id_in_a_path_is_an_integer(schema):
    for path, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith("id"):
                assert parameter["schema"] == {"type": "integer"}, (path, parameter)


def test_every_response_property_is_required(schema):
    for name, component in schema["components"]["schemas"].items():
        if "properties" in component and not name.endswith("Request"):
            assert set(component.get("required", [])) == set(component["properties"]), name
    assert "state" in schema["components"]["schemas"]["Period"]["required"]


def test_no_help_text_leaks_from_django_models(schema):
    assert "150 characters or fewer" not in json.dumps(schema)


def test_coded_fields_are_enums(schema):
    components = schema["components"]["schemas"]

    def is_enum(prop):
        refs = [prop, *prop.get("allOf", []), *prop.get("oneOf", [])]
        return any("enum" in p or p.get("$ref", "").endswith("Enum") for p in refs)

    for component, field in [("Period", "state"), ("Update", "state"), ("Update", "status"),
                             ("Update", "confidence"), ("IndicatorValue", "measure"),
                             ("Indicator", "measure"), ("Report", "state"), ("Agency", "kind"),
                             ("Responsibility", "role"), ("Timeline", "term"),
                             ("UpdateCreateRequest", "status")]:  # fmt: skip
        assert is_enum(components[component]["properties"][field]), (component, field)
    status = next(
        p for p in schema["paths"]["/api/v1/items/"]["get"]["parameters"] if p["name"] == "status"
    )
    assert "none" in status["schema"]["items"]["enum"]


def test_multi_value_parameters_are_repeated_parameters(schema):
    for path, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["schema"].get("type") == "array":
                assert (parameter["style"], parameter["explode"]) == ("form", True), path


def test_page_size_bounds_are_declared(schema):
    for _path, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 500)


def test_an_indicator_value_is_a_number_or_text_as_its_measure_says(schema):
    value = schema["components"]["schemas"]["IndicatorValue"]["properties"]
    assert value["value"]["oneOf"] == [{"type": "number"}, {"type": "string"}]
    assert "measure" in value["value"]["description"]


def test_amounts_are_documented_numbers(schema):
    update = schema["components"]["schemas"]["Update"]["properties"]
    for money in ("budget_released", "budget_spent"):
        assert update[money]["type"] == ["number", "null"]
        assert "decimal" in update[money]["description"]
    assert "decimal" in schema["info"]["description"]


def test_evidence_link_may_be_empty_so_is_not_declared_a_uri(schema):
    for component in ("Update", "UpdateCreateRequest", "UpdateEditRequest"):
        link = schema["components"]["schemas"][component]["properties"]["evidence_link"]
        assert "format" not in link or component != "Update", component
        assert "empty" in link["description"]


def test_cross_field_rules_are_described(schema):
    components = schema["components"]["schemas"]
    assert (
        "amber"
        in components["UpdateCreateRequest"]["properties"]["confidence_rationale"]["description"]
    )
    review = components["ReviewRequest"]
    assert "version" in review["required"]
    assert "comment_required" in review["properties"]["comment"]["description"]


def test_errors_are_typed_and_every_operation_declares_its_errors(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/FieldError"},
    }
    for code in ("stale_version", "period_not_open", "duplicate_update"):
        assert code in error["properties"]["code"]["description"]
    for path, method, operation in operations(schema):
        assert {"401", "403", "404", "429"} <= set(operation["responses"]), path
        if method != "get":
            assert {"400", "409"} <= set(operation["responses"]), path


def test_reads_declare_etags_and_creations_their_location(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        if method == "get" and "application/json" in responses["200"].get("content", {}):
            assert "ETag" in responses["200"]["headers"], path
            assert "304" in responses, path
        if "201" in responses:
            assert responses["201"]["headers"]["Location"]["required"] is True, path


def test_docs_page_is_served_from_our_own_static_files():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_read_endpoints_answer_as_documented(openapi, api_as, people, moi_item, period):
    indicator = moi_item.indicators.get()
    approve(moi_item, period, people, indicator_values={indicator.pk: "Met"})
    client = api_as(people["committee"])
    update = moi_item.updates.get()
    for url in [
        "/api/v1/items/?page_size=300",
        f"/api/v1/items/{moi_item.pk}/",
        f"/api/v1/items/{moi_item.pk}/updates/",
        "/api/v1/updates/?state=approved&policy=NISP-2018",
        f"/api/v1/updates/{update.pk}/",
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
    not_modified = client.get(f"/api/v1/items/{moi_item.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    check(openapi, not_modified)


def test_downloads_answer_as_documented(openapi, api_as, people, plan):
    client = api_as(people["committee"])
    for fmt in ("csv", "xlsx"):
        check(openapi, client.get(f"/api/v1/items/{fmt}/", {"policy": "NAP-2014"}))


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
    assert created.json()["evidence_link"] == ""
    url = f"/api/v1/updates/{created.json()['id']}/"
    check(openapi, officer.patch(url, {"version": 1, "budget_spent": 10}, format="json"))
    check(openapi, officer.post(f"{url}submit/", {"version": 2}, format="json"))
    check(openapi, api_as(people["reviewer"]).post(f"{url}approve/", {"version": 3}, format="json"))


def test_errors_answer_as_documented(openapi, api_as, people, moi_item, period):
    officer = api_as(people["officer"])
    new = {"period": period.pk, "status": "in_progress", "percent_complete": 10,
           "confidence": "green", "narrative": "Started."}  # fmt: skip
    responses = [
        APIClient().get("/api/v1/items/"),
        officer.get("/api/v1/items/", {"agency": "NO-SUCH"}),
        officer.get("/api/v1/items/999999/"),
        api_as(people["outsider"]).post(
            f"/api/v1/items/{moi_item.pk}/updates/", new, format="json"
        ),
        officer.post(f"/api/v1/items/{moi_item.pk}/updates/", {"period": period.pk}, format="json"),
        officer.post(f"/api/v1/items/{moi_item.pk}/updates/", new, format="json"),
        officer.post(f"/api/v1/items/{moi_item.pk}/updates/", new, format="json"),
    ]
    assert [r.status_code for r in responses] == [401, 400, 404, 403, 400, 201, 409]
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
        committee.get(f"/api/v1/reports/{report.pk}/files/pdf/"),
        secretary.post(
            "/api/v1/reports/", {"quarter": "2025Q3", "scope": "NISP-2018"}, format="json"
        ),
        secretary.post("/api/v1/reports/", {"quarter": "2025Q9", "scope": "ALL"}, format="json"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 201, 400]
    for response in responses:
        check(openapi, response)
