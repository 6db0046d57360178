"""make_scale_data: a marked synthetic plan N times the real one, with sample progress."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from agencies.models import Agency
from demo.copy_rows import foreign_keys_checked_at_end, insert_values
from interventions.models import Indicator, PlanItem, Responsibility
from reporting import services
from reporting.models import IndicatorValue, ProgressUpdate, ReportingPeriod
from tests.progress import data_of

pytestmark = pytest.mark.django_db


def counts():
    return {
        "items": PlanItem.objects.count(),
        "agencies": Agency.objects.count(),
        "responsibilities": Responsibility.objects.count(),
        "indicators": Indicator.objects.count(),
    }


@pytest.fixture
def real_counts(plan):
    return counts()


@pytest.fixture
def factor_two(real_counts, settings):
    settings.DEBUG = True
    call_command("make_scale_data", "--factor", "2", "--periods", "3")
    return real_counts


def test_factor_two_doubles_the_plan_and_marks_every_copy_synthetic(factor_two):
    assert counts() == {name: 2 * n for name, n in factor_two.items()}
    assert PlanItem.objects.filter(is_synthetic=True).count() == factor_two["items"]
    assert Agency.objects.filter(is_synthetic=True).count() == factor_two["agencies"]
    synthetic = PlanItem.objects.filter(is_synthetic=True)
    assert not synthetic.exclude(ref__startswith="SYN1-").exists()
    assert not Agency.objects.filter(is_synthetic=True).exclude(code__startswith="SYN1-").exists()
    # A copy's responsibilities and indicators hang off synthetic items and synthetic agencies.
    copied = Responsibility.objects.filter(item__is_synthetic=True)
    assert copied.count() == factor_two["responsibilities"]
    assert not copied.filter(agency__is_synthetic=False).exists()
    assert Indicator.objects.filter(item__is_synthetic=True).count() == factor_two["indicators"]


def test_a_copy_repeats_its_original_item(factor_two):
    real = PlanItem.objects.get(policy__code="NISP-2018", ref="1")
    copy = PlanItem.objects.get(policy__code="NISP-2018", ref="SYN1-1")
    assert copy.text.endswith(real.text)
    assert copy.text.startswith("Synthetic copy 1 of 1:")
    assert list(copy.responsibilities.values_list("agency__code", flat=True)) == ["SYN1-MOI"]
    assert copy.indicators.count() == real.indicators.count()
    child = PlanItem.objects.filter(is_synthetic=True, parent__isnull=False).first()
    assert child.parent.is_synthetic


def test_every_item_real_and_synthetic_gets_sample_progress_over_the_periods(factor_two):
    updates = ProgressUpdate.objects.all()
    assert not updates.filter(is_sample=False).exists()
    assert updates.filter(item__is_synthetic=True).exists()
    assert updates.filter(item__is_synthetic=False).exists()
    labels = ReportingPeriod.objects.filter(policy__code="NISP-2018", updates__isnull=False)
    assert labels.distinct().count() == 3


def test_generated_scale_updates_pass_the_services_validation(factor_two):
    updates = (
        ProgressUpdate.objects.filter(item__is_synthetic=True)
        .select_related("item", "period")
        .prefetch_related("indicator_values", "item__indicators")
    )
    assert updates.exists()
    for update in updates:
        services.validate_update(update.item, update.agency_id, update.period, data_of(update))
        assert update.budget_spent is None or update.budget_spent <= update.budget_released


def test_rerunning_make_scale_data_adds_nothing(factor_two):
    before = (counts(), ProgressUpdate.objects.count())
    call_command("make_scale_data", "--factor", "2", "--periods", "3")
    assert (counts(), ProgressUpdate.objects.count()) == before


def test_reset_regenerates_and_remove_leaves_the_real_plan(factor_two):
    updates = ProgressUpdate.objects.count()
    call_command("make_scale_data", "--factor", "2", "--periods", "3", "--reset")
    assert counts() == {name: 2 * n for name, n in factor_two.items()}
    assert ProgressUpdate.objects.count() == updates
    call_command("make_scale_data", "--factor", "2", "--remove")
    assert counts() == factor_two
    assert not ProgressUpdate.objects.exists()


def test_make_scale_data_is_refused_with_debug_off(real_counts, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused with DEBUG off"):
        call_command("make_scale_data", "--factor", "2")
    assert counts() == real_counts
    assert not ProgressUpdate.objects.exists()


def test_the_production_like_flag_allows_a_benchmark_database(real_counts, settings):
    settings.DEBUG = False
    call_command("make_scale_data", "--factor", "2", "--periods", "1", "--allow-production-like")
    assert PlanItem.objects.count() == 2 * real_counts["items"]


def foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


# The foreign keys are dropped and added back around the bulk load on PostgreSQL only
# (demo.copy_rows.foreign_keys_checked_at_end); SQLite (make run, a plain make test) loads with
# its keys in place, which the tests above cover.
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The foreign keys are dropped on PostgreSQL only."
)


@POSTGRESQL_ONLY
def test_make_scale_data_leaves_every_foreign_key_as_it_was(real_counts, settings):
    before = foreign_keys()
    assert before
    settings.DEBUG = True
    call_command("make_scale_data", "--factor", "2", "--periods", "1")
    assert foreign_keys() == before


@POSTGRESQL_ONLY
def test_a_bulk_load_that_points_nowhere_is_refused_and_keeps_its_keys(plan):
    before = foreign_keys()
    indicator = Indicator.objects.first()
    row = {"update_id": 10**12, "indicator_id": indicator.pk, "number": 1}
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        foreign_keys_checked_at_end(IndicatorValue),
    ):
        insert_values(IndicatorValue, [row], batch_size=10)
    assert foreign_keys() == before
    assert not IndicatorValue.objects.exists()
