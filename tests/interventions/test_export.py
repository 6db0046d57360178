import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "policy", "ref", "parent_ref", "theme", "text", "responsibilities", "indicators", "timeline",
    "budget", "priority", "links", "source",
}  # fmt: skip


def export(tmp_path):
    out = tmp_path / "plan.json"
    call_command("export_plan", output=str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_export_has_the_documented_shape(plan, tmp_path):
    data = export(tmp_path)
    assert {"policies", "agencies", "priorities", "items"} <= set(data)
    for item in data["items"]:
        assert set(item) >= ITEM_KEYS, item["ref"]
        assert set(item["source"]) == {"file", "lines"}
        assert {"amount", "currency", "as_written"} <= set(item["budget"])
        for responsibility in item["responsibilities"]:
            assert set(responsibility) == {"agency", "role", "as_written"}
        for indicator in item["indicators"]:
            assert set(indicator) == {"description", "unit", "baseline", "target"}
    for agency in data["agencies"]:
        assert {"code", "name", "aliases", "level", "province", "parent"} <= set(agency)
    for priority in data["priorities"]:
        assert {"prong", "rank", "text", "items"} <= set(priority)


def test_export_carries_nap_point_one_as_loaded(plan, tmp_path):
    data = export(tmp_path)
    point = next(i for i in data["items"] if i["policy"] == "NAP-2014" and i["ref"] == "1")
    assert point["responsibilities"][0]["agency"] == "NACTA"
    assert point["theme"] == ["Counter-Terrorism"]
    assert point["source"]["file"] == "004_f012727a730c6481.txt"
    assert "death" in point["text"].lower()


def test_export_to_standard_output_is_json(plan, capsys):
    call_command("export_plan")
    data = json.loads(capsys.readouterr().out)
    assert len(data["items"]) > 20


def test_export_carries_nsp_evidence_tags_and_crosswalk_links(plan, tmp_path):
    data = export(tmp_path)
    nsp = [i for i in data["items"] if i["policy"] == "NSP-2022"]
    assert len(nsp) == 60
    assert {i["evidence"] for i in nsp} == {"D", "S", "R"}
    nap = [i for i in data["items"] if i["policy"] == "NAP-2014"]
    # NAP 1 and 17 match no Annex A row: they are linked to NISP 2018 as a whole, not to an item.
    linked = {i["ref"] for i in nap if any(link["policy"] == "NISP-2018" for link in i["links"])}
    assert {i["ref"] for i in nap} - linked == {"1", "17"}
