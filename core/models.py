"""Abstract models every app shares; none has a table of its own."""

from __future__ import annotations

import uuid

from django.db import models


def source_lines(first: int | None, last: int | None) -> str:
    """An inclusive line range as written in the open data: "12", "12-15", or "" when unknown."""
    if first is None:
        return ""
    return str(first) if first == last else f"{first}-{last}"


class SourceReference(models.Model):
    """Where a record's content comes from: a copied source text and an inclusive line range."""

    source_file = models.CharField(max_length=100, blank=True)
    source_first_line = models.PositiveIntegerField(null=True, blank=True)
    source_last_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def source_lines(self) -> str:
        return source_lines(self.source_first_line, self.source_last_line)


class DataVersion(models.Model):
    """One row whose token changes in the same transaction as every write that can move a
    committee figure, so cached figures are keyed by it and never outlive the data they show.

    A token rather than a counter: a rolled-back transaction restores the previous token, and a
    database rebuilt from scratch (or flushed by a test) starts with a new one, so a cache that
    outlives the database can never hand back another database's figures under the same key.
    """

    token = models.UUIDField(default=uuid.uuid4)
    bumped_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"data version {self.token}"
