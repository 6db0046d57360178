"""schemathesis over every operation of the document, with a bounded number of examples
each: no request it makes may get a server error, or an answer the document does not describe
(status, content type, headers, body)."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from agencies.services import api_token_create
from tests.api.wsgi import in_process_app

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


# The CSV and XLSX downloads are actions of the item list, read through its own filter set
# (tests/api/test_items.py checks that they filter as it does): the coverage phase drives each
# filter's edge values through the JSON list, and the downloads get the fuzzing phase only.
# Their ~400 coverage cases, each a file built from the whole plan, were a third of this time.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path-regex": "^/api/v1/items/(csv|xlsx)/$",
                "phases": {"coverage": {"enabled": False}},
            }
        ]
    }
)


def load_schema():
    """The document the server serves, built when the tests are collected; requests go to
    this Django, in-process."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = in_process_app
    return loaded


# The committee's papers: a desk officer would only ever get 404 there.
SECRETARY_PATHS = ("/api/v1/reports/", "/api/v1/meetings/")


@pytest.fixture
def tokens(people):
    """The committee secretary for the committee's papers, a desk officer for the rest."""
    return {
        role: api_token_create(user=people[role], name="fuzzing")[1]
        for role in ("officer", "secretary")
    }


schema = load_schema()


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error_or_an_undocumented_answer(case, tokens, moi_item, period):
    role = "secretary" if case.path.startswith(SECRETARY_PATHS) else "officer"
    case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
