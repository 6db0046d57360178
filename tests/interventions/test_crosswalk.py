import re

import pytest

from interventions.models import ItemLink, PlanItem
from interventions.source_text import SOURCES_DIR, line_count

pytestmark = pytest.mark.django_db

LONGEST_SOURCE = max(line_count(path.name) for path in SOURCES_DIR.iterdir())


def test_every_nap_point_has_a_nisp_successor_with_a_rationale(plan):
    for point in PlanItem.objects.filter(policy__code="NAP-2014"):
        links = ItemLink.objects.filter(from_item=point, to_item__policy__code="NISP-2018")
        assert links.exists(), f"NAP point {point.ref} has no NISP 2018 link"
        for link in links:
            assert len(link.rationale) > 20, link


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
    assert all(row["nisp"] for row in rows)
    assert any(row["nsp"] for row in rows)
    # Eleven points (1, 2, 4, 7, 9-14, 19) have no NSP successor in the public reference.
    assert sum(1 for row in rows if not row["nsp"]) == 11
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
