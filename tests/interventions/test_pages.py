import csv
import io

import pytest
from django.urls import reverse

from interventions.models import PlanItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, plan):
    client.force_login(UserFactory(role="committee_member"))
    return client


def test_item_list_filters_by_agency_and_policy(reader):
    response = reader.get(reverse("reporting:item_list"), {"agency": "NACTA", "policy": "NAP-2014"})
    page = response.context["page"]
    assert page.paginator.count == 20
    assert all(i["policy__code"] == "NAP-2014" for i in page)
    assert all("NACTA" in [r["code"] for r in i["responsibilities"]] for i in page)


def test_group_code_selects_items_named_through_the_group(reader):
    # ALL-GOVTS is the one group a wording enumerates: "Federal and Provincial Govts.".
    response = reader.get(reverse("reporting:item_list"), {"agency": "ALL-GOVTS"})
    items = PlanItem.objects.filter(pk__in=[row["id"] for row in response.context["page"]])
    assert items
    for item in items:
        assert any(
            r.via_group and r.via_group.code == "ALL-GOVTS" for r in item.responsibilities.all()
        )


def test_item_list_search_and_unknown_filter_value(reader):
    found = reader.get(reverse("reporting:item_list"), {"q": "madrassa"})
    assert found.context["page"].paginator.count > 0
    bad = reader.get(reverse("reporting:item_list"), {"agency": "NOT-AN-AGENCY"})
    assert bad.status_code == 200
    assert "agency" in bad.context["filter"].form.errors


def test_overdue_and_no_update_filters(reader):
    overdue = reader.get(reverse("reporting:item_list"), {"overdue": "true", "policy": "NISP-2018"})
    # Annex A's window closed in 2022, but it sets no due date: no item is overdue until the
    # committee sets one (issue 18); all 178 are "no due date set" instead.
    assert overdue.context["page"].paginator.count == 0
    not_overdue = reader.get(
        reverse("reporting:item_list"), {"overdue": "false", "policy": "NISP-2018"}
    )
    assert not_overdue.context["page"].paginator.count == 178
    missing = reader.get(reverse("reporting:item_list"), {"no_update": "true"})
    assert missing.context["page"].paginator.count == 258


def test_item_list_query_count_does_not_grow_with_the_page(reader, django_assert_num_queries):
    # Session, user, count, items, responsibilities, and the three choice lists of the form.
    with django_assert_num_queries(8):
        response = reader.get(reverse("reporting:item_list"), {"page": 3})
    assert len(response.context["page"]) == 50
    # The form's policy choice looks its code up (a select of the codes is drawn anyway).
    with django_assert_num_queries(9):
        response = reader.get(reverse("reporting:item_list"), {"policy": "NAP-2014"})
    assert len(response.context["page"]) == 20
    assert response.content.decode().count('href="/items/') >= 20


def test_item_list_exports_csv_with_the_same_filters(reader):
    response = reader.get(reverse("reporting:item_list"), {"policy": "NAP-2014", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    # A byte-order mark, then readable headers (the export issue's columns).
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Id", "Policy", "Ref"]
    assert len(rows) == 21
    assert {row[1] for row in rows[1:]} == {"NAP-2014"}


def test_item_page_shows_source_lineage_and_fixed_query_count(
    reader, django_assert_max_num_queries
):
    from interventions.models import PlanItem

    point = PlanItem.objects.get(policy__code="NAP-2014", ref="2")
    # 30 before the plan section; it reads the revisions and the pending requests (2 more).
    with django_assert_max_num_queries(32):
        response = reader.get(reverse("reporting:item_detail", args=[point.pk]))
    content = response.content.decode()
    assert "004_f012727a730c6481.txt" in content
    assert "NISP-2018" in content, "the crosswalk lineage is shown"
    assert point.text[:40] in content


def test_nsp_page_shows_its_coverage_note(reader):
    response = reader.get(reverse("interventions:policy_detail", args=["NSP-2022"]))
    assert response.status_code == 200
    assert b"coverage is partial" in response.content
    assert b"classified" in response.content


def test_unknown_item_is_404(reader):
    assert reader.get(reverse("reporting:item_detail", args=[999999])).status_code == 404


def test_every_filter_on_the_item_list_has_a_readable_label(reader):
    form = reader.get(reverse("reporting:item_list")).context["filter"].form
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert "[invalid name]" not in labels.values(), labels
    assert labels["agency"] == "Agency"
    assert labels["status"] == "Status"
    assert labels["priority"] == "NISP priority (rank)"


def test_item_list_filters_by_level_and_province(reader):
    kp = reader.get(reverse("reporting:item_list"), {"province": "KP", "policy": "NISP-2018"})
    items = PlanItem.objects.filter(
        pk__in=[row["id"] for row in kp.context["page"].paginator.object_list]
    )
    assert items
    codes = {code for item in items for code in item.responsibilities.values_list(
        "agency__code", flat=True)}  # fmt: skip
    assert "HD-KP" in codes
    assert "ALL-HD" in codes, "All Home Departments counts for each province"
    assert '<option value="KP" selected>' in kp.content.decode(), "the chooser keeps the choice"
    federal = reader.get(reverse("reporting:item_list"), {"level": "federal"})
    row_one = federal.context["page"].paginator.object_list.filter(
        policy__code="NISP-2018", ref="1"
    )
    assert row_one.exists(), "MOI is federal"
    assert (
        not kp.context["page"]
        .paginator.object_list.filter(policy__code="NISP-2018", ref="1")
        .exists()
    )
    bad = reader.get(reverse("reporting:item_list"), {"level": "district"})
    assert "level" in bad.context["filter"].form.errors


def test_place_filters_keep_the_item_list_query_count(reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(reverse("reporting:item_list"), params).status_code == 200
        return len(captured)

    unfiltered = queries({})
    # The same as the unfiltered list (at most 10, above): choices need no lookup and the
    # filter is one EXISTS inside the count and the page.
    assert queries({"level": "provincial", "province": "SINDH"}) == unfiltered <= 10
    assert queries({"province": "GB", "page": 2}) == unfiltered
