"""Calendar quarters: the committee's reporting rhythm, whatever a policy's own cadence."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

LABEL = re.compile(r"^(?P<year>\d{4})Q(?P<quarter>[1-4])$")
# No policy the tracker follows is this old (NAP 2014 is the oldest): an earlier year is a slip
# of the keyboard (0001Q1), not a quarter anyone reports on.
FIRST_YEAR = 2000


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> Quarter:
        match = LABEL.match(label.strip().upper())
        if not match:
            raise ValidationError(
                {"quarter": f"“{label}” is not a quarter: write it as 2025Q3."}, code="invalid"
            )
        if int(match["year"]) < FIRST_YEAR:
            shown = label.strip().upper()
            raise ValidationError(
                {"quarter": f"{shown} is before every policy (none before {FIRST_YEAR})."},
                code="invalid",
            )
        return cls(int(match["year"]), int(match["quarter"]))

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.number * 3 - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def last(self, count: int) -> list[Quarter]:
        """This quarter and the `count - 1` before it, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def __str__(self) -> str:
        return self.label
