"""NISP 2018 Annex A as loaded, checked against the copied source text and fixtures/README.md."""

import re
from pathlib import Path

import pytest

from interventions.models import PlanItem
from interventions.source_text import occurs_in

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "fixtures" / "README.md"
PILLARS = ["P1", "P2", "P3", "P4", "P5", "P6"]


def documented_counts() -> dict[tuple[str, str], int]:
    table = README.read_text(encoding="utf-8").split("<!-- counts")[1].split("<!-- /counts")[0]
    rows = re.findall(r"^\| (\S+) \| (.+?) \| (\d+) \|$", table, flags=re.MULTILINE)
    assert rows, "the counts table in fixtures/README.md is missing"
    return {(policy, group): int(n) for policy, group, n in rows}


def annex_items():
    return PlanItem.objects.filter(policy__code="NISP-2018").select_related("theme__parent__parent")


def pillar_of(item) -> str:
    theme = item.theme
    while theme.parent_id:
        theme = theme.parent
    return theme.key


def cited(item):
    return [(item.source_first_line, item.source_last_line)]


def test_counts_per_pillar_match_the_readme(plan):
    documented = documented_counts()
    counted = {key: 0 for key in PILLARS}
    for item in annex_items():
        counted[pillar_of(item)] += 1
    for number, key in enumerate(PILLARS, start=1):
        group = next(g for (p, g) in documented if g.startswith(f"Pillar {number}:"))
        assert counted[key] == documented[("NISP-2018", group)], group
    assert sum(counted.values()) == documented[("NISP-2018", "all Annex A rows")]
    assert (
        PlanItem.objects.filter(policy__code="NAP-2014").count()
        == (documented[("NAP-2014", "all points")])
    )
    assert (
        PlanItem.objects.filter(policy__code="NSP-2022").count()
        == (documented[("NSP-2022", "all commitments")])
    )


def test_every_row_lies_inside_annex_a(plan):
    for item in annex_items():
        assert item.source_file == "002_99796c25561500e8.txt"
        assert 1857 <= item.source_first_line <= item.source_last_line <= 4131, item.ref


def test_every_responsibility_and_indicator_is_printed_in_its_row(plan):
    items = annex_items().prefetch_related("responsibilities", "indicators")
    for item in items:
        for responsibility in item.responsibilities.all():
            assert occurs_in(responsibility.as_written, item.source_file, cited(item)), (
                item.ref,
                responsibility.as_written,
            )
        for indicator in item.indicators.all():
            assert occurs_in(indicator.description, item.source_file, cited(item)), (
                item.ref,
                indicator.description,
            )


def test_every_budget_wording_is_printed_in_its_row(plan):
    for item in annex_items().exclude(budget_as_written=""):
        assert occurs_in(item.budget_as_written, item.source_file, cited(item)), item.ref
        assert item.budget_amount is None, "no Annex A cell states an amount"


def test_budget_kind_follows_the_wording(plan):
    for item in annex_items():
        wording = item.budget_as_written.lower()
        if item.budget_kind == PlanItem.BudgetKind.TBD:
            assert wording.replace(" ", "").startswith("tbd"), item.ref
        elif item.budget_kind == PlanItem.BudgetKind.NONE:
            assert wording == "-", item.ref
        elif item.budget_kind == PlanItem.BudgetKind.MISSING:
            assert wording == "", item.ref
            assert item.notes, f"{item.ref}: a missing budget must say why in its notes"


def test_lettered_sub_items_hang_under_their_number(plan):
    for item in annex_items().select_related("parent"):
        match = re.fullmatch(r"(\d+)[a-z]", item.ref)
        if match:
            assert item.parent is not None, item.ref
            assert item.parent.ref == match.group(1), item.ref


def test_every_row_has_a_responsible_agency(plan):
    without = [i for i in annex_items() if not i.responsibilities.exists()]
    # Row 99 is a heading-like row ("FATA-KP merger") with no cells of its own.
    assert [i.ref for i in without] == ["99"]
    assert without[0].notes


def test_timeline_is_the_policy_window_with_the_term_not_recoverable(plan):
    for item in annex_items():
        assert item.term == PlanItem.Term.UNKNOWN, item.ref
        assert (item.start_year, item.end_year) == (2018, 2022), item.ref
        assert "colour bars" in item.timeline_as_written


def test_rows_link_to_the_priorities_they_serve(plan):
    linked = annex_items().filter(priorities__isnull=False).distinct()
    assert linked.count() > 20
    first = PlanItem.objects.get(policy__code="NISP-2018", ref="1")
    assert list(first.priorities.values_list("rank", flat=True)) == [1]


def test_page_numbers_are_not_loaded_as_rows(plan):
    # Page numbers 65, 66, 68 and 70 stand alone at lines 2401, 2616, 3231 and 3809; the rows
    # with those numbers are Pillar 2's, printed after its heading at line 3011.
    for ref, page_line in (("65", 2401), ("66", 2616), ("68", 3231), ("70", 3809)):
        item = annex_items().get(ref=ref)
        assert item.source_first_line != page_line, ref
        assert item.source_first_line >= 3011, ref
        assert pillar_of(item) == "P2", ref
