"""GET /api/v1/items/: the open-data shape plus progress, filtered, paged, and downloadable."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from demo.sample_data import demo_samples_ensure
from interventions.export import (
    item_as_dict,
    items_for_export,
    theme_path,
    theme_paths,
    with_links,
)
from interventions.models import Indicator, PlanItem
from interventions.services import item_sensitivity_set
from reporting.selectors import with_changed_at
from reporting.status import with_current_status, with_latest_actual
from tests.api.helpers import approve

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"


@pytest.fixture
def reader(api_as, people):
    return api_as(people["committee"])


def test_an_item_is_the_export_shape_plus_its_id_and_progress(reader, moi_item):
    body = reader.get(f"{ITEMS}{moi_item.pk}/").json()
    (item,) = with_links(items_for_export().filter(pk=moi_item.pk))
    exported = item_as_dict(item, theme_paths())
    assert set(body) == {*exported, "id", "current_status", "percent_complete",
                         "last_approved_update", "current_is_sample", "is_synthetic",
                         "sensitivity", "updated_at"}  # fmt: skip
    for key, value in exported.items():
        if key != "indicators":
            assert body[key] == value, key
    (indicator,) = body["indicators"]
    assert {k: indicator[k] for k in exported["indicators"][0]} == exported["indicators"][0]
    assert body["current_status"] is None
    assert (body["current_is_sample"], body["is_synthetic"]) == (False, False)
    assert indicator["latest_actual"] is None


def test_an_item_shows_its_latest_approved_status_and_actuals(reader, people, moi_item, period):
    indicator = moi_item.indicators.get()
    approve(moi_item, period, people, status="on_track", percent_complete=55,
            indicator_values={indicator.pk: "2 of 4 committees"})  # fmt: skip
    body = reader.get(f"{ITEMS}{moi_item.pk}/").json()
    assert body["current_status"] == "on_track"
    assert body["percent_complete"] == 55
    assert body["last_approved_update"] == timezone.localdate().isoformat()
    assert body["indicators"][0]["id"] == indicator.pk
    assert body["indicators"][0]["latest_actual"] == {
        "period": period.label,
        "value": "2 of 4 committees",
        "is_sample": False,
    }


def test_links_run_both_ways_across_policies(reader, plan):
    nap_18 = PlanItem.objects.get(policy__code="NAP-2014", ref="18")
    nisp_58 = PlanItem.objects.get(policy__code="NISP-2018", ref="58")
    assert {"policy": "NISP-2018", "ref": "58", "relation": "overlaps"} in reader.get(
        f"{ITEMS}{nap_18.pk}/"
    ).json()["links"]
    assert {"policy": "NAP-2014", "ref": "18", "relation": "overlaps"} in reader.get(
        f"{ITEMS}{nisp_58.pk}/"
    ).json()["links"]


def test_unknown_item_is_a_404_in_the_error_shape(reader, plan):
    response = reader.get(f"{ITEMS}999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found.", "errors": {}}


def test_the_list_pages_fifty_at_a_time_with_count_and_links(reader, plan):
    body = reader.get(ITEMS).json()
    assert body["count"] == PlanItem.objects.count()
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/items/?page=2")


def test_page_size_is_at_most_five_hundred(reader, plan):
    nap = PlanItem.objects.filter(policy__code="NAP-2014").first()
    PlanItem.objects.bulk_create(
        PlanItem(policy_id=nap.policy_id, ref=f"SYNTHETIC-{n}", kind="point", text="Synthetic",
                 budget_kind="missing", is_synthetic=True, position=1000 + n)
        for n in range(260)
    )  # fmt: skip
    body = reader.get(ITEMS, {"page_size": 500}).json()
    assert body["count"] == PlanItem.objects.count() > 500
    assert len(body["results"]) == 500


@pytest.mark.parametrize(
    ("code", "expected"),
    [("HD-KP", {"responsibilities__agency__code": "HD-KP"}),
     ("ALL-GOVTS", {"responsibilities__via_group__code": "ALL-GOVTS"})],
)  # fmt: skip
def test_agency_filter_takes_codes_and_group_wordings_expand(reader, plan, code, expected):
    body = reader.get(ITEMS, {"agency": code, "page_size": 500}).json()
    ids = {row["id"] for row in body["results"]}
    assert ids == set(PlanItem.objects.filter(**expected).values_list("pk", flat=True))
    assert body["count"] == len(ids) > 0


def test_filters_combine_as_on_the_web_list(reader, plan):
    body = reader.get(ITEMS, {"policy": "NAP-2014", "q": "terrorist", "page_size": 500}).json()
    assert [(row["policy"], row["ref"]) for row in body["results"]] == list(
        PlanItem.objects.filter(policy__code="NAP-2014", text__icontains="terrorist")
        .order_by("position")
        .values_list("policy__code", "ref")
    )
    assert body["count"] >= 1


def test_status_filter_reads_the_latest_approved_update(reader, people, moi_item, period):
    approve(moi_item, period, people, status="delayed", confidence="amber",
            confidence_rationale="Two provinces have not nominated members.")  # fmt: skip
    body = reader.get(ITEMS, {"status": "delayed"}).json()
    assert [row["id"] for row in body["results"]] == [moi_item.pk]


def test_updated_since_selects_items_edited_or_reviewed_after_the_time(
    reader, people, moi_item, period, kp_item
):
    since = timezone.now()
    approve(moi_item, period, people)
    kp_item.text = kp_item.text  # any save of the item counts as a change
    kp_item.save()
    body = reader.get(ITEMS, {"updated_since": since.isoformat()}).json()
    assert {row["id"] for row in body["results"]} == {moi_item.pk, kp_item.pk}
    later = (timezone.now() + datetime.timedelta(seconds=1)).isoformat()
    assert reader.get(ITEMS, {"updated_since": later}).json()["count"] == 0


def test_a_draft_is_not_a_change_others_can_see(reader, people, moi_item, period):
    from reporting import services

    since = timezone.now()
    services.update_create(
        user=people["officer"], item=moi_item, period=period,
        data=services.UpdateData(status="in_progress", percent_complete=10, confidence="green",
                                 narrative="Started."),
    )  # fmt: skip
    assert reader.get(ITEMS, {"updated_since": since.isoformat()}).json()["count"] == 0


def test_bad_filter_values_are_400_with_field_errors(reader, plan):
    response = reader.get(ITEMS, {"agency": "NO-SUCH", "updated_since": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"agency", "updated_since"}


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ITEMS, params).status_code == 200
    return len(captured)


def test_the_list_costs_eight_queries_whatever_the_page_size(
    reader, people, moi_item, period, django_assert_num_queries
):
    approve(moi_item, period, people, indicator_values={moi_item.indicators.get().pk: "Met"})
    reader.get(ITEMS)  # the token's first use records last_used_at once
    # token, data version, count, items, responsibilities, indicators, priorities with budget
    # bodies, links
    with django_assert_num_queries(8):
        reader.get(ITEMS, {"page_size": 10})
    with django_assert_num_queries(8):
        reader.get(ITEMS, {"page_size": 300})
    assert _queries(reader, {"page_size": 5}) == _queries(reader, {"page_size": 500})


def test_a_filter_naming_records_costs_no_lookup_at_any_page_size(
    reader, plan, django_assert_num_queries
):
    reader.get(ITEMS)
    item = PlanItem.objects.filter(
        policy__code="NAP-2014", responsibilities__agency__code="NACTA", theme__isnull=False
    ).first()
    # The codes are matched inside the items' query: the same eight as the plain list.
    with django_assert_num_queries(8):
        response = reader.get(ITEMS, {"agency": "ALL-GOVTS", "page_size": 500})
    assert response.json()["count"] > 0
    with django_assert_num_queries(8):
        response = reader.get(
            ITEMS, {"policy": "NAP-2014", "agency": "NACTA", "theme": item.theme_id}
        )
    assert response.json()["count"] > 0
    assert _queries(reader, {"agency": "MOI", "page_size": 2}) == _queries(
        reader, {"agency": "MOI", "page_size": 500}
    )


def test_a_code_that_names_nothing_is_400_and_one_that_matches_nothing_is_empty(
    reader, plan, django_assert_num_queries
):
    reader.get(ITEMS)
    # Nothing matched: one lookup per named record tells an unknown code from an empty result
    # (and the data version, read for the response cache, before it).
    with django_assert_num_queries(6):
        response = reader.get(ITEMS, {"policy": "NO-SUCH", "agency": "MOI", "theme": 10**12})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"policy", "theme"}
    empty = reader.get(ITEMS, {"policy": "NAP-2014", "agency": "PUNJAB", "q": "zzzz"})
    assert (empty.status_code, empty.json()["count"]) == (200, 0)
    download = reader.get(f"{ITEMS}csv/", {"agency": "NO-SUCH"})
    assert download.status_code == 400
    assert set(download.json()["errors"]) == {"agency"}


def test_item_detail_costs_a_fixed_number_of_queries(reader, moi_item, django_assert_num_queries):
    reader.get(ITEMS)
    with django_assert_num_queries(7):
        assert reader.get(f"{ITEMS}{moi_item.pk}/").status_code == 200


def test_csv_download_has_the_same_filters(reader, plan):
    response = reader.get(f"{ITEMS}csv/", {"policy": "NAP-2014"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="nisp-items-NAP-2014-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Id", "Policy", "Ref"]
    assert len(rows) == 1 + 20
    assert {row[1] for row in rows[1:]} == {"NAP-2014"}


def test_each_item_says_who_may_read_it_in_the_api_and_the_downloads(reader, people, moi_item):
    item_sensitivity_set(user=people["secretary"], items=[moi_item], sensitivity="restricted",
                         reason="Names an operation in progress")  # fmt: skip
    policy = moi_item.policy.code
    assert reader.get(f"{ITEMS}{moi_item.pk}/").json()["sensitivity"] == "restricted"
    listed = {row["id"]: row["sensitivity"] for row in reader.get(
        ITEMS, {"policy": policy, "page_size": 500}).json()["results"]}  # fmt: skip
    stored = dict(PlanItem.objects.filter(policy__code=policy).values_list("id", "sensitivity"))
    assert listed == stored
    assert set(stored.values()) > {"restricted"}, "one level alone would prove little"
    rows = list(csv.reader(io.StringIO(
        reader.get(f"{ITEMS}csv/", {"policy": policy}).content.decode("utf-8-sig"))))  # fmt: skip
    column = rows[0].index("Who may read")
    labels = {int(row[0]): row[column] for row in rows[1:]}
    assert labels[moi_item.pk] == "Restricted"
    assert {labels[pk] for pk, level in stored.items() if level != "restricted"} <= {
        "Public", "Official"}  # fmt: skip


def test_xlsx_download_has_the_same_filters(reader, plan):
    response = reader.get(f"{ITEMS}xlsx/", {"agency": "HD-KP"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Id", "Policy", "Ref")
    expected = PlanItem.objects.filter(responsibilities__agency__code="HD-KP").count()
    assert len(rows) == 1 + expected
    agencies = rows[0].index("Agencies")
    assert all("HD-KP" in row[agencies] for row in rows[1:])


def test_a_download_with_a_bad_filter_answers_a_json_error(reader, plan):
    response = reader.get(f"{ITEMS}xlsx/", {"policy": "NOPE"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == {"policy"}


def test_progress_from_demo_data_is_marked_as_sample(reader, people, moi_item, period):
    indicator = moi_item.indicators.get()
    update = approve(moi_item, period, people, indicator_values={indicator.pk: "Met"})
    type(update).objects.filter(pk=update.pk).update(is_sample=True)  # as seed_demo marks it
    body = reader.get(f"{ITEMS}{moi_item.pk}/").json()
    assert body["current_is_sample"] is True
    assert body["indicators"][0]["latest_actual"]["is_sample"] is True


def _as_model_instances_gave_it(ids: list[int]) -> list[dict]:
    """The items as the API built them before plain rows: instances from the export's joins
    through item_as_dict, with the indicators' ids, measures and actuals and the progress."""
    indicators = with_latest_actual(Indicator.objects.all())
    items = with_changed_at(
        with_current_status(
            items_for_export(indicators=indicators).select_related("theme__parent__parent")
        )
    ).filter(pk__in=ids)
    by_id = {item.pk: item for item in with_links(items)}
    shown = []
    for pk in ids:
        item = by_id[pk]
        data = {"id": pk, **item_as_dict(item, {item.theme_id: theme_path(item.theme)})}
        for row, indicator in zip(data["indicators"], item.listed_indicators, strict=True):
            row["id"], row["measure"] = indicator.pk, indicator.measure
            number = indicator.latest_number
            row["latest_actual"] = None if indicator.latest_period is None else {
                "period": indicator.latest_period,
                "value": float(number) if number is not None else indicator.latest_text,
                "is_sample": indicator.latest_is_sample,
            }  # fmt: skip
        approved_at = item.last_approved_at
        data.update(
            current_status=item.current_status,
            percent_complete=item.current_percent,
            last_approved_update=timezone.localdate(approved_at).isoformat()
            if approved_at
            else None,
            current_is_sample=bool(item.current_is_sample),
            is_synthetic=item.is_synthetic,
            sensitivity=item.sensitivity,
            updated_at=serializers.DateTimeField().to_representation(item.changed_at),
        )
        shown.append(data)
    return shown


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page": 3},
        {"policy": "NISP-2018", "page": 2, "page_size": 100},
        {"agency": "ALL-GOVTS"},
        {"agency": "NACTA", "ordering": "-updated"},
        {"status": ["on_track", "none"], "ordering": "-status", "page_size": 500},
        {"overdue": "false", "no_owner": "false", "term": "unknown", "page_size": 30},
    ],
)
def test_the_rows_are_the_payload_model_instances_gave(reader, plan, params):
    demo_samples_ensure()
    body = reader.get(ITEMS, params).json()
    assert body["results"], "a page with items, or the comparison proves nothing"
    expected = _as_model_instances_gave_it([item["id"] for item in body["results"]])
    # Byte for byte, key order included.
    assert json.dumps(body["results"]) == json.dumps(expected)
    if not params:  # the sample progress reaches the shape's every part somewhere in the plan
        everything = reader.get(ITEMS, {"page_size": 500}).json()["results"]
        assert any(item["current_status"] for item in everything)
        assert any(i["latest_actual"] for item in everything for i in item["indicators"])
        assert any(item["links"] and item["priority"] for item in everything)
        assert any(item["budget"]["determined_by"] for item in everything)
    detail = reader.get(f"{ITEMS}{expected[0]['id']}/").json()
    assert json.dumps(detail) == json.dumps(expected[0])


def test_updated_since_takes_any_offset_python_reads(reader, plan):
    # PostgreSQL refuses a displacement past 15:59 in a timestamp literal; the filter is UTC.
    for path in (ITEMS, f"{ITEMS}csv/"):
        response = reader.get(path, {"updated_since": "3528-05-31T13:29:34.7-16:04"})
        assert response.status_code == 200


def _items_at(*, level: str = "", province: str = "") -> set[int]:
    """The oracle, read straight from the registry: items with a body of that level (special
    areas: GB and AJK) and province; a provincial body with no province counts everywhere."""
    from agencies.models import Agency

    bodies = Agency.objects.all()
    collective = {"level": "provincial", "province": ""}
    if province:
        bodies = bodies.filter(province=province) | bodies.filter(**collective)
    if level == "federal":
        bodies = bodies.filter(level="federal")
    elif level == "special":
        bodies = bodies.filter(level="provincial", province__in=["GB", "AJK", ""])
    elif level == "provincial":
        bodies = bodies.filter(level="provincial").exclude(province__in=["GB", "AJK"])
    return set(
        PlanItem.objects.filter(responsibilities__agency__in=bodies).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "place",
    [{"province": "KP"}, {"level": "federal"}, {"level": "special"},
     {"level": "provincial", "province": "PUNJAB"}],
)  # fmt: skip
def test_level_and_province_filters_read_the_registry(reader, plan, moi_item, kp_item, place):
    body = reader.get(ITEMS, {**place, "page_size": 500}).json()
    ids = {row["id"] for row in body["results"]}
    assert ids == _items_at(**place)
    assert body["count"] == len(ids) > 0
    # MOI alone answers for row 1: federal, in no province.
    assert (moi_item.pk in ids) == (place == {"level": "federal"})
    if place.get("province") == "KP":
        assert kp_item.pk in ids


def test_all_home_departments_counts_for_each_province(reader, plan):
    via_all_hd = set(
        PlanItem.objects.filter(responsibilities__agency__code="ALL-HD").values_list(
            "pk", flat=True
        )
    )
    assert via_all_hd
    for province in ("PUNJAB", "SINDH", "BALOCHISTAN", "GB"):
        body = reader.get(ITEMS, {"province": province, "page_size": 500}).json()
        assert via_all_hd <= {row["id"] for row in body["results"]}, province


def test_an_unknown_level_or_province_is_a_400_naming_the_field(reader, plan):
    response = reader.get(ITEMS, {"level": "district", "province": "Kashmir"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"level", "province"}


def test_place_filters_cost_no_query_beyond_the_unfiltered_list(
    reader, plan, django_assert_num_queries
):
    reader.get(ITEMS)
    # The same eight as the unfiltered list: choices need no lookup, the filter is one EXISTS.
    with django_assert_num_queries(8):
        reader.get(ITEMS, {"level": "provincial", "province": "KP", "page_size": 500})
    with django_assert_num_queries(8):
        reader.get(ITEMS, {"province": "SINDH", "page_size": 2})


@pytest.mark.parametrize("path", [ITEMS, "/api/v1/updates/"])
def test_updated_since_in_any_offset_finds_the_changes_of_items_and_updates(
    reader, people, moi_item, period, path
):
    """An offset past PostgreSQL's ±15:59 (Python reads up to ±23:59) is compared in UTC, for
    the items and the updates alike, never a 500."""
    before = timezone.now().astimezone(datetime.timezone(-datetime.timedelta(hours=16, minutes=4)))
    approve(moi_item, period, people)
    response = reader.get(path, {"updated_since": before.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1
