"""The fixture checker runs in CI through these tests, and must catch each kind of break."""

import subprocess
import sys

import pytest
import yaml

from interventions.loader import FIXTURES_DIR

SCRIPT = FIXTURES_DIR.parent / "scripts" / "check_fixture_text.py"


def run_checker(directory) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(directory)], capture_output=True, text=True, check=False
    )


def rewrite(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def nisp_item(data, ref):
    return next(item for item in data["items"] if item["ref"] == ref)


def test_checker_passes_on_the_fixtures():
    result = run_checker(FIXTURES_DIR)
    assert result.returncode == 0, result.stdout
    assert "0 problem(s)" in result.stdout


def _text_cut_mid_line(data):
    nisp_item(data, "9")["text"] = nisp_item(data, "9")["text"].rsplit(" ", 2)[0]


def _cell_from_elsewhere(data):
    nisp_item(data, "9")["indicators"] = ["Monitoring system established."]


def _unknown_code(data):
    nisp_item(data, "9")["responsibilities"][0]["lead"] = ["HD-PUNJAB"]


def _two_rows_on_one_line(data):
    nisp_item(data, "28").pop("shares_cells_with")
    nisp_item(data, "28")["text"] = nisp_item(data, "27")["text"]
    nisp_item(data, "28")["source"] = nisp_item(data, "27")["source"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_text_cut_mid_line, "not a run of whole lines"),
        (_cell_from_elsewhere, "indicator 'Monitoring system established.' not in lines"),
        (_unknown_code, "unknown agency code 'HD-PUNJAB'"),
        (_two_rows_on_one_line, "also holds the text of item '27'"),
    ],
)
def test_checker_fails_on_a_broken_copy(fixture_copy, change, message):
    rewrite(fixture_copy / "nisp-2018.yaml", change)
    result = run_checker(fixture_copy)
    assert result.returncode == 1
    assert message in result.stdout


def test_checker_fails_on_a_registry_body_no_source_names(fixture_copy):
    def add_uncited(data):
        data["agencies"].append({"code": "MOFEPT", "name": "Invented", "kind": "ministry"})

    rewrite(fixture_copy / "agencies.yaml", add_uncited)
    result = run_checker(fixture_copy)
    assert result.returncode == 1
    assert "code='MOFEPT': no source line names this body" in result.stdout
