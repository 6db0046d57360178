"""The loaded plan against the copied source texts it cites."""

from pathlib import Path

import pytest

from agencies.models import Agency
from agencies.selectors import agency_for_wording
from interventions.models import Committee, ItemLink, PlanItem, Priority, Theme
from interventions.source_text import SOURCES_DIR, line_count, occurs_in

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared"


def cited_ranges(item):
    if item.text_lines:
        return [tuple(r) for r in item.text_lines]
    return [(item.source_first_line, item.source_last_line)]


def test_text_check_rejects_a_changed_word():
    # 004 prints point 1 on these lines; one changed word must be caught.
    assert occurs_in("Implementation of death sentence", "004_f012727a730c6481.txt", [(100, 140)])
    assert not occurs_in("Abolition of death sentence", "004_f012727a730c6481.txt", [(100, 140)])


def test_copied_sources_are_identical_to_the_shared_originals():
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    originals = {p.name: p for p in (SHARED / "seeds").glob("*.txt")}
    originals["nsp-2022-2026.md"] = SHARED / "reference" / "nsp-2022-2026.md"
    for name, original in originals.items():
        assert (SOURCES_DIR / name).read_bytes() == original.read_bytes(), name


def test_nap_has_twenty_points_numbered_one_to_twenty(plan):
    refs = list(PlanItem.objects.filter(policy__code="NAP-2014").values_list("ref", flat=True))
    assert refs == [str(n) for n in range(1, 21)]


def test_every_nap_point_is_worded_as_in_the_brief(plan):
    for item in PlanItem.objects.filter(policy__code="NAP-2014"):
        assert item.source_file == "004_f012727a730c6481.txt"
        assert occurs_in(item.text, item.source_file, cited_ranges(item)), item.ref


def test_nap_points_are_split_into_counter_terrorism_and_violent_extremism(plan):
    keys = set(
        PlanItem.objects.filter(policy__code="NAP-2014").values_list("theme__key", flat=True)
    )
    assert keys == {"CT", "CVE"}


def test_nacta_coordinates_every_nap_point_without_leading_it(plan):
    # 004 lines 662-664 make NACTA the coordinating body on NAP; no source names a lead per point.
    for item in PlanItem.objects.filter(policy__code="NAP-2014").prefetch_related(
        "responsibilities__agency"
    ):
        roles = [(r.agency.code, r.role) for r in item.responsibilities.all()]
        assert roles == [("NACTA", "coordinator")], item.ref


def test_priority_list_has_twenty_entries_under_six_prongs(plan):
    priorities = Priority.objects.filter(policy__code="NISP-2018")
    assert list(priorities.values_list("rank", flat=True)) == list(range(1, 21))
    prongs = list(dict.fromkeys(priorities.values_list("prong", flat=True)))
    assert prongs == [
        "Reorient",
        "Reimagine",
        "Reconcile",
        "Redistribute",
        "Regional Approach",
        "Recognize",
    ]


def test_every_priority_is_worded_as_in_table_2(plan):
    for priority in Priority.objects.all():
        assert 1750 <= priority.source_first_line <= priority.source_last_line <= 1821
        assert occurs_in(
            priority.text,
            priority.source_file,
            [(priority.source_first_line, priority.source_last_line)],
        ), priority.rank


def test_every_record_cites_lines_inside_its_source(plan):
    models = [PlanItem, Priority, Theme, Committee, ItemLink]
    for model in models:
        for record in model.objects.all():
            assert record.source_file, record
            total = line_count(record.source_file)
            assert 1 <= record.source_first_line <= record.source_last_line <= total, record


def test_every_item_text_occurs_in_its_cited_lines(plan):
    for item in PlanItem.objects.select_related("policy"):
        assert occurs_in(item.text, item.source_file, cited_ranges(item)), (
            item.policy.code,
            item.ref,
        )


@pytest.mark.parametrize(
    ("wording", "code"),
    [
        ("MoI", "MOI"),
        ("Ministry of Interior", "MOI"),
        ("ministry  of   interior", "MOI"),
        ("NACTA", "NACTA"),
        ("HEC", "HEC"),
    ],
)
def test_source_spellings_resolve_to_registry_agencies(plan, wording, code):
    agency = agency_for_wording(wording)
    assert agency is not None, wording
    assert agency.code == code


def test_registry_holds_the_bodies_the_issue_names(plan):
    required = {
        "MOI", "NACTA", "FIA", "IB", "ISI", "NADRA", "SBP", "FMU", "PTA", "PEMRA", "HEC", "NPB",
        "PUNJAB", "SINDH", "KP", "BALOCHISTAN", "GB", "AJK", "ICT",
    }  # fmt: skip
    # Only the home departments a source names on their own (002 lines 2373-2376).
    required |= {"HD-KP", "HD-AJK", "HD-ICT", "HD-GB", "POLICE-PUNJAB", "POLICE-ICT"}
    assert required <= set(Agency.objects.values_list("code", flat=True))
    assert Agency.objects.get(code="FMU").parent.code == "SBP"
    assert Agency.objects.get(code="HD-KP").province == "KP"


def test_registry_holds_no_body_that_no_source_names(plan):
    invented = {"MOFEPT", "HD-PUNJAB", "HD-SINDH", "HD-BALOCHISTAN", "POLICE-GB", "POLICE-AJK"}
    invented |= {"ALL-CTD", "CTD-GB", "CTD-AJK", "CTD-ICT"}
    assert not Agency.objects.filter(code__in=invented).exists()
    assert Agency.objects.get(code="ECP").name == "ECP"


def test_all_home_departments_is_one_collective_record(plan):
    # No source lists which home departments "All Home Departments" covers.
    body = Agency.objects.get(code="ALL-HD")
    assert body.kind == Agency.Kind.HOME_DEPARTMENT
    assert not body.members.exists()
    assert agency_for_wording("All Home Departments") == body
    assert agency_for_wording("All Home Depts.") is None
