"""Refs sorted as people read them: 2 before 10, 11 before 11b before 12.

PostgreSQL compares with the ICU collation `natural_sort` (numeric ordering, created by
migration 0005); other databases (SQLite for `make run`) fall back to plain text order.
"""

from __future__ import annotations

from django.db.models import F, Func

NATURAL_COLLATION = "natural_sort"


class NaturalOrder(Func):
    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=f'%(expressions)s COLLATE "{NATURAL_COLLATION}"',
            **extra_context,
        )


def natural_ref(field: str = "ref") -> NaturalOrder:
    return NaturalOrder(F(field))
