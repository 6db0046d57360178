import re

import pytest

from interventions.models import ItemLink, PlanItem
from interventions.source_text import SOURCES_DIR, line_count

pytestmark = pytest.mark.django_db

LONGEST_SOURCE = max(line_count(path.name) for path in SOURCES_DIR.iterdir())


def test_every_nap_point_has_a_nisp_successor_with_a_rationale(plan):
    # 003 line 451: every NAP point is in NISP 2018; where no Annex A row matches, the point is
    # linked to the policy as a whole rather than to a wrong row.
    for point in PlanItem.objects.filter(policy__code="NAP-2014"):
        links = list(ItemLink.objects.filter(from_item=point, to_item__policy__code="NISP-2018"))
        links += list(point.policy_links_out.filter(to_policy__code="NISP-2018"))
        assert links, f"NAP point {point.ref} has no NISP 2018 link"
        for link in links:
            assert len(link.rationale) > 20, link


def test_points_no_annex_row_matches_link_to_the_policy_as_a_whole(plan):
    whole = PlanItem.objects.filter(
        policy__code="NAP-2014", policy_links_out__to_policy__code="NISP-2018"
    )
    assert sorted(whole.values_list("ref", flat=True)) == ["1", "17"]
    assert not ItemLink.objects.filter(from_item__in=whole).exists()


def test_unsupported_links_are_gone_and_weak_ones_say_why(plan):
    def link(frm, to):
        return ItemLink.objects.filter(from_item__ref=frm, to_item__ref=to)

    assert not link("NSP-IS-TER-01", "15").exists()
    weak = {
        (lk.from_item.ref, lk.to_item.ref) for lk in ItemLink.objects.exclude(uncertain_reason="")
    }
    assert weak == {("13", "54"), ("15", "58"), ("18", "58"), ("2", "30")}


def test_every_rationale_cites_lines_that_exist(plan):
    for link in ItemLink.objects.all():
        total = line_count(link.source_file)
        assert 1 <= link.source_first_line <= link.source_last_line <= total, link
        for first, last in re.findall(r"(\d{2,4})-(\d{2,4})", link.rationale):
            # A rationale may cite lines of either side's source: each range must exist in one.
            assert int(first) <= int(last) <= LONGEST_SOURCE, (link, first, last)


def test_nsp_commitments_keep_their_evidence_tags(plan):
    tags = set(PlanItem.objects.filter(policy__code="NSP-2022").values_list("evidence", flat=True))
    assert tags <= {"D", "S", "R"}
    assert tags == {"D", "S", "R"}


def test_crosswalk_page_renders_all_twenty_points(client, plan, django_assert_max_num_queries):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(role="committee_member"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reporting:crosswalk"))
    rows = response.context["rows"]
    assert [row["point"].ref for row in rows] == [str(n) for n in range(1, 21)]
    assert all(row["nisp"] or row["whole_policy"] for row in rows)
    assert [row["point"].ref for row in rows if row["whole_policy"]] == ["1", "17"]
    assert b"no Annex A row matches" in response.content
    assert b"Uncertain:" in response.content
    assert any(row["nsp"] for row in rows)
    # Twelve points (1, 2, 4, 7, 9-15, 19) have no NSP successor in the public reference (NSP
    # "zero tolerance for terrorism" shares only a formula with NAP 15, so that link was dropped).
    assert sum(1 for row in rows if not row["nsp"]) == 12
    assert b"none found in the public NSP" in response.content


def test_crosswalk_gives_each_points_status_as_of_a_day(plan):
    import datetime

    from interventions.models import PlanItem
    from reporting.selectors import nap_crosswalk
    from tests.factories import ProgressUpdateFactory, quarter_period

    point = PlanItem.objects.get(policy__code="NAP-2014", ref="1")
    q3, q4 = quarter_period("NAP-2014", "2026Q3"), quarter_period("NAP-2014", "2026Q4")
    ProgressUpdateFactory(item=point, period=q3, status="delayed")
    ProgressUpdateFactory(item=point, period=q4, status="completed")

    def status_of_point_one(rows):
        return next(row["point"].current_status for row in rows if row["point"].pk == point.pk)

    assert status_of_point_one(nap_crosswalk(as_of=datetime.date(2026, 9, 30))) == "delayed"
    assert status_of_point_one(nap_crosswalk()) == "completed"
