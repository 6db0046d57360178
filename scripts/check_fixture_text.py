"""Check the policy fixtures against the copied source texts, without Django.

Usage: python scripts/check_fixture_text.py [FIXTURES_DIR]   (default: fixtures/)

Checks, and exits 1 on any problem:
- every item text is a run of whole source lines inside its cited range (or its text_lines);
- no source line holds the texts of two items, unless each records that it shares cells;
- every responsibility, indicator and budget wording occurs inside its row's cited range;
- every line range lies inside its file;
- every agency code a record cites exists in agencies.yaml, and every registry body is cited
  by a source line that exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interventions.source_text import comparable, line_count, occurs_in, source_lines  # noqa: E402

POLICY_FILES = ("nisp-2018.yaml", "nap-2014.yaml", "nsp-2022.yaml")
ROLES = ("lead", "supporting", "coordinator")


def check_source(source, where: str) -> list[str]:
    try:
        file_name = source["file"]
        first, last = source["lines"]
        total = line_count(file_name)
    except (KeyError, TypeError, ValueError, FileNotFoundError) as exc:
        return [f"{where}: bad source {source!r} ({exc})"]
    if not 1 <= first <= last <= total:
        return [f"{where}: lines {first}-{last} outside 1-{total} of {file_name}"]
    return []


def whole_line_run(
    text: str, file_name: str, ranges: list[tuple[int, int]], label: str = ""
) -> set[int] | None:
    """The lines of the shortest run of whole lines in `ranges` that reads as `text`, or None.

    The first line may open with the item's printed label (NAP: "1 Implementation of ...").
    With text_lines (several ranges) the text is their concatenation, each taken whole.
    """
    target = comparable(text)
    if label:
        target_with_label = comparable(label) + target
        found = whole_line_run(target_with_label, file_name, ranges)
        if found is not None:
            return found
    lines = source_lines(file_name)
    if len(ranges) > 1:
        joined = "".join(comparable(lines[n - 1]) for a, b in ranges for n in range(a, b + 1))
        return {n for a, b in ranges for n in range(a, b + 1)} if joined == target else None
    first, last = ranges[0]
    for start in range(first, last + 1):
        if not target.startswith(comparable(lines[start - 1])):
            continue
        acc = ""
        for end in range(start, last + 1):
            acc += comparable(lines[end - 1])
            if acc == target:
                return set(range(start, end + 1))
            if not target.startswith(acc):
                break
    return None


def item_wordings(item: dict) -> list[tuple[str, str, dict | None]]:
    """Each wording with the source of its own when the cell cites one (NAP's coordinator)."""
    cells = item.get("responsibilities") or []
    wordings = [("responsibility", c.get("as_written") or "", c.get("source")) for c in cells]
    wordings += [("indicator", text, None) for text in item.get("indicators") or []]
    budget = (item.get("budget") or {}).get("as_written")
    if budget:
        wordings.append(("budget", budget, None))
    return wordings


def item_codes(item: dict) -> list[str]:
    codes = [
        code for c in item.get("responsibilities") or [] for r in ROLES for code in c.get(r) or []
    ]
    return codes + list((item.get("budget") or {}).get("determined_by") or [])


def check_items(path: Path, data: dict, codes: set[str], cells_are_printed: bool) -> list[str]:
    problems: list[str] = []
    owner_of_line: dict[tuple[str, int], str] = {}
    for index, item in enumerate(data.get("items") or []):
        ref = str(item.get("ref"))
        where = f"{path.name} items[{index}] ref={ref!r}"
        bad = check_source(item.get("source") or {}, where)
        if bad:
            problems += bad
            continue
        source = item["source"]
        ranges = [tuple(r) for r in item.get("text_lines") or [source["lines"]]]
        if cells_are_printed:
            used = whole_line_run(item.get("text", ""), source["file"], ranges, label=ref)
            if used is None:
                problems.append(
                    f"{where}: text is not a run of whole lines of {source['file']} {ranges}"
                )
                used = set()
        else:
            # The NSP reference is a table: an item's text is a cell, a part of its line.
            used = set()
            if not occurs_in(item.get("text", ""), source["file"], ranges):
                problems.append(f"{where}: text not found in {source['file']} lines {ranges}")
        shared = {str(r) for r in item.get("shares_cells_with") or []}
        for line in used:
            other = owner_of_line.get((source["file"], line))
            if other is not None and other not in shared:
                problems.append(f"{where}: line {line} also holds the text of item {other!r}")
            owner_of_line[(source["file"], line)] = ref
        # NSP cells paraphrase the reference (its items are not printed cells), so only the
        # printed policies' wordings are held to the row's range.
        if cells_are_printed:
            for kind, wording, own in item_wordings(item):
                cited = own or source
                if check_source(cited, where) or not occurs_in(
                    wording, cited["file"], [tuple(cited["lines"])]
                ):
                    problems.append(f"{where}: {kind} {wording!r} not in lines {cited['lines']}")
        for code in item_codes(item):
            if code not in codes:
                problems.append(f"{where}: unknown agency code {code!r}")
    return problems


def check_registry(path: Path) -> tuple[set[str], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems, codes = [], set()
    for index, agency in enumerate(data.get("agencies") or []):
        where = f"{path.name} agencies[{index}] code={agency.get('code')!r}"
        codes.add(agency.get("code"))
        if not agency.get("source"):
            problems.append(f"{where}: no source line names this body")
        else:
            problems += check_source(agency["source"], where)
    for index, agency in enumerate(data.get("agencies") or []):
        for code in (agency.get("members") or []) + [agency.get("parent")]:
            if code and code not in codes:
                problems.append(f"{path.name} agencies[{index}]: unknown agency code {code!r}")
    for index, cell in enumerate(data.get("cells") or []):
        for code in cell.get("codes") or []:
            if code not in codes:
                problems.append(f"{path.name} cells[{index}]: unknown agency code {code!r}")
    return codes, problems


def check_dir(directory: Path) -> list[str]:
    codes, problems = check_registry(directory / "agencies.yaml")
    for name in POLICY_FILES:
        path = directory / name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        problems += check_items(path, data, codes, cells_are_printed=name != "nsp-2022.yaml")
        policy = data.get("policy") or {}
        for field, source in (policy.get("citations") or {}).items():
            problems += check_source(source, f"{name} policy.citations.{field}")
        for key in ("themes", "priorities", "committees"):
            for index, record in enumerate(data.get(key) or []):
                if "source" in record:
                    problems += check_source(record["source"], f"{name} {key}[{index}]")
                for member in record.get("members") or []:
                    if member.get("agency") and member["agency"] not in codes:
                        problems.append(
                            f"{name} {key}[{index}]: unknown agency {member['agency']!r}"
                        )
    crosswalk = directory / "crosswalk.yaml"
    data = yaml.safe_load(crosswalk.read_text(encoding="utf-8")) or {}
    for key in ("links", "policy_links"):
        for index, record in enumerate(data.get(key) or []):
            problems += check_source(record.get("source"), f"crosswalk.yaml {key}[{index}]")
    return problems


def main(args: list[str]) -> int:
    directory = Path(args[0]) if args else ROOT / "fixtures"
    problems = check_dir(directory)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in {directory}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
