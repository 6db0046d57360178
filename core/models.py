"""Abstract models every app shares; none has a table of its own."""

from __future__ import annotations

from django.db import models


class SourceReference(models.Model):
    """Where a record's content comes from: a copied source text and an inclusive line range."""

    source_file = models.CharField(max_length=100, blank=True)
    source_first_line = models.PositiveIntegerField(null=True, blank=True)
    source_last_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def source_lines(self) -> str:
        if self.source_first_line is None:
            return ""
        if self.source_first_line == self.source_last_line:
            return str(self.source_first_line)
        return f"{self.source_first_line}-{self.source_last_line}"
