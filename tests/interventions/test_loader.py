import pytest
import yaml
from django.core.management import CommandError, call_command

from agencies.models import Agency
from interventions.fixture_reader import FixtureError
from interventions.loader import load_policies
from interventions.models import Indicator, PlanItem, Policy

pytestmark = pytest.mark.django_db


def rewrite(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_loading_twice_changes_nothing(plan):
    assert PlanItem.objects.count() > 0
    history_before = PlanItem.history.count()
    assert load_policies() == {}
    assert PlanItem.history.count() == history_before


def test_an_unchanged_reload_reads_each_table_once_and_writes_nothing(
    plan, django_assert_max_num_queries
):
    # Each model's rows are compared in memory: the count does not grow with the items.
    with django_assert_max_num_queries(25) as queries:
        assert load_policies() == {}
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]


def test_the_cold_load_records_each_creation_once(plan):
    # The session's plan was loaded into empty tables. Parents are set before the bulk insert,
    # so a new item or body has one history row, its creation, and no follow-up change.
    assert PlanItem.objects.filter(parent__isnull=False).exists()
    assert Agency.objects.filter(parent__isnull=False).exists()
    assert PlanItem.history.filter(history_type="~").count() == 0
    assert PlanItem.history.filter(history_type="+").count() == PlanItem.objects.count()
    assert Agency.history.filter(history_type="~").count() == 0


def test_reload_keeps_what_people_filled_in(plan):
    indicator = Indicator.objects.filter(item__policy__code="NISP-2018").first()
    indicator.unit = "committees"
    indicator.target = 7
    indicator.save()
    item = PlanItem.objects.get(policy__code="NAP-2014", ref="1")
    item.term = PlanItem.Term.SHORT
    item.save()

    load_policies()

    indicator.refresh_from_db()
    item.refresh_from_db()
    assert (indicator.unit, indicator.target) == ("committees", 7)
    assert item.term == PlanItem.Term.SHORT


def test_reload_updates_source_wording_and_keeps_the_record(plan, fixture_copy):
    item = PlanItem.objects.get(policy__code="NAP-2014", ref="3")
    path = fixture_copy / "nap-2014.yaml"
    rewrite(path, lambda d: d["items"][2]["notes"].append("Checked again against the brief."))

    load_policies(fixture_copy)

    refreshed = PlanItem.objects.get(pk=item.pk)
    assert refreshed.notes[-1] == "Checked again against the brief."
    assert refreshed.history.count() == 2


def test_broken_fixture_loads_nothing_and_names_file_record_and_field(plan, fixture_copy):
    # A valid change early in the load, and a broken record in a later file.
    rewrite(fixture_copy / "agencies.yaml", lambda d: d["agencies"][0].update(name="Renamed"))
    rewrite(fixture_copy / "nsp-2022.yaml", lambda d: d["items"][0].update(text="Rewritten"))
    path = fixture_copy / "nap-2014.yaml"
    rewrite(path, lambda d: d["items"][19].update(theme="NO-SUCH-THEME"))
    counts_before = (Policy.objects.count(), Agency.objects.count(), PlanItem.history.count())

    with pytest.raises(FixtureError) as error:
        load_policies(fixture_copy)

    message = str(error.value)
    assert "nap-2014.yaml" in message
    assert "items[19]" in message
    assert "'theme'" in message
    assert "NO-SUCH-THEME" in message
    assert (Policy.objects.count(), Agency.objects.count(), PlanItem.history.count()) == (
        counts_before
    )
    assert not Agency.objects.filter(name="Renamed").exists()


def test_unknown_agency_code_is_refused(plan, fixture_copy):
    path = fixture_copy / "nap-2014.yaml"
    rewrite(path, lambda d: d["items"][0]["responsibilities"][0].update(lead=["NOPE"]))

    with pytest.raises(FixtureError, match=r"items\[0\]\.responsibilities\[0\]: field 'lead'"):
        load_policies(fixture_copy)


def test_source_range_outside_the_file_is_refused(plan, fixture_copy):
    path = fixture_copy / "nap-2014.yaml"
    rewrite(path, lambda d: d["items"][4]["source"].update(lines=[600, 99999]))

    with pytest.raises(FixtureError, match=r"field 'lines': 600-99999 is outside"):
        load_policies(fixture_copy)


def test_an_alias_claimed_by_two_agencies_is_refused(plan, fixture_copy):
    path = fixture_copy / "agencies.yaml"

    def duplicate_alias(data):
        by_code = {a["code"]: a for a in data["agencies"]}
        by_code["FIA"].setdefault("aliases", []).append("MoI")

    rewrite(path, duplicate_alias)
    with pytest.raises(FixtureError, match="'MoI' already names agency MOI"):
        load_policies(fixture_copy)


def test_invalid_yaml_is_reported_with_the_file_name(plan, fixture_copy):
    (fixture_copy / "nsp-2022.yaml").write_text("policy: [unclosed\n", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"nsp-2022\.yaml: not valid YAML"):
        load_policies(fixture_copy)


def test_command_fails_with_a_clear_message(plan, fixture_copy):
    rewrite(fixture_copy / "nap-2014.yaml", lambda d: d["items"][0].update(kind="wish"))
    with pytest.raises(CommandError, match=r"Nothing was loaded: .*field 'kind': must be one of"):
        call_command("load_policies", fixtures=str(fixture_copy))
    assert PlanItem.objects.get(policy__code="NAP-2014", ref="1").kind == "point"


def test_command_says_when_nothing_changed(plan, capsys):
    call_command("load_policies")
    assert "nothing changed" in capsys.readouterr().out
