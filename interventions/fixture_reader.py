"""Typed access to YAML fixture records; every error names the file, record and field."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from interventions.source_text import line_count

# libyaml's parser is about ten times faster; the pure-Python one is the same grammar, kept for
# machines whose PyYAML was built without libyaml.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class SourceRef:
    file: str
    first: int
    last: int

    def as_fields(self) -> dict[str, Any]:
        return {
            "source_file": self.file,
            "source_first_line": self.first,
            "source_last_line": self.last,
        }


class Record:
    """One mapping in a fixture file, with the path used in error messages."""

    def __init__(self, data: Any, file: str, where: str) -> None:
        if not isinstance(data, dict):
            raise FixtureError(f"{file}: {where}: expected a mapping, got {type(data).__name__}")
        self.data = data
        self.file = file
        self.where = where

    def error(self, field: str, message: str) -> FixtureError:
        return FixtureError(f"{self.file}: {self.where}: field '{field}': {message}")

    def _get(self, field: str, required: bool) -> Any:
        if field not in self.data or self.data[field] is None:
            if required:
                raise self.error(field, "is required")
            return None
        return self.data[field]

    def text(self, field: str, required: bool = True, default: str = "") -> str:
        value = self._get(field, required)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.error(field, f"must be text, got {type(value).__name__}")
        if required and not value.strip():
            raise self.error(field, "must not be empty")
        return value.strip()

    def integer(self, field: str, required: bool = True) -> int | None:
        value = self._get(field, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, f"must be a whole number, got {value!r}")
        return value

    def decimal(self, field: str) -> Decimal | None:
        value = self._get(field, required=False)
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self.error(field, f"must be a number, got {value!r}") from None

    def date(self, field: str) -> datetime.date | None:
        value = self._get(field, required=False)
        if value is None:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(field, f"must be a date YYYY-MM-DD, got {value!r}") from None

    def choice(self, field: str, choices: list[str], required: bool = True, default: str = ""):
        value = self.text(field, required=required, default=default)
        if value and value not in choices:
            raise self.error(field, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def strings(self, field: str) -> list[str]:
        value = self._get(field, required=False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(field, "must be a list of text values")
        return [str(v).strip() for v in value]

    def integers(self, field: str) -> list[int]:
        value = self._get(field, required=False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self.error(field, "must be a list of whole numbers")
        return value

    def child(self, field: str, required: bool = True) -> Record | None:
        value = self._get(field, required)
        if value is None:
            return None
        return Record(value, self.file, f"{self.where}.{field}")

    def children(self, field: str) -> list[Record]:
        value = self._get(field, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(field, "must be a list")
        return [Record(v, self.file, f"{self.where}.{field}[{i}]") for i, v in enumerate(value)]

    def source(self, field: str = "source", required: bool = True) -> SourceRef | None:
        record = self.child(field, required=required)
        if record is None:
            return None
        file_name = record.text("file")
        lines = record._get("lines", required=True)
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
        ):
            raise record.error("lines", f"must be [first, last], got {lines!r}")
        try:
            total = line_count(file_name)
        except FileNotFoundError:
            raise record.error(
                "file", f"no source text {file_name!r} in fixtures/sources/"
            ) from None
        first, last = lines
        if not 1 <= first <= last <= total:
            raise record.error("lines", f"{first}-{last} is outside 1-{total} of {file_name}")
        return SourceRef(file_name, first, last)


def read_fixture(path: Path) -> Record:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path.name}: not valid YAML: {exc}") from None
    return Record(data or {}, path.name, "top level")
