"""Check policy fixture files against the copied source texts, without Django.

Usage: python scripts/check_fixture_text.py fixtures/nisp-2018.yaml [more files...]

Reports every item whose text is not found in its recorded line range, every line range outside
its file, and every agency code that fixtures/agencies.yaml does not define. Exits 1 on problems.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interventions.source_text import line_count, occurs_in  # noqa: E402


def known_agency_codes() -> set[str]:
    path = ROOT / "fixtures" / "agencies.yaml"
    if not path.exists():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {a["code"] for a in data.get("agencies", [])}


def check_source(source: dict, where: str) -> list[str]:
    try:
        file_name = source["file"]
        first, last = source["lines"]
        total = line_count(file_name)
    except (KeyError, TypeError, ValueError, FileNotFoundError) as exc:
        return [f"{where}: bad source {source!r} ({exc})"]
    if not 1 <= first <= last <= total:
        return [f"{where}: lines {first}-{last} outside 1-{total} of {file_name}"]
    return []


def check_item(item: dict, where: str, codes: set[str]) -> list[str]:
    problems = check_source(item.get("source") or {}, where)
    if problems:
        return problems
    source = item["source"]
    ranges = [tuple(r) for r in item.get("text_lines") or [source["lines"]]]
    if not occurs_in(item.get("text", ""), source["file"], ranges):
        problems.append(f"{where}: text not found in {source['file']} lines {ranges}")
    if codes:
        for cell in item.get("responsibilities") or []:
            for code in (cell.get("lead") or []) + (cell.get("supporting") or []):
                if code not in codes:
                    problems.append(f"{where}: unknown agency code {code!r}")
    return problems


def check_file(path: Path, codes: set[str]) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = []
    for index, item in enumerate(data.get("items") or []):
        where = f"{path.name} items[{index}] ref={item.get('ref')!r}"
        problems += check_item(item, where, codes)
    for key in ("themes", "priorities", "committees", "agencies", "links"):
        for index, record in enumerate(data.get(key) or []):
            if "source" in record:
                problems += check_source(record["source"], f"{path.name} {key}[{index}]")
    return problems


def main(paths: list[str]) -> int:
    codes = known_agency_codes()
    problems = []
    for name in paths:
        problems += check_file(Path(name), codes)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in {len(paths)} file(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
