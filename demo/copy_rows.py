"""Insert many generated rows fast: PostgreSQL COPY, ids drawn from the table's sequence first.

bulk_create spends most of its time building SQL text for each batch; COPY streams the rows in
one statement. Ids are taken from the sequence beforehand (one query), so callers can point
children at their parents as with bulk_create. Other databases (SQLite under `make run`) get
bulk_create. Like bulk_create it bypasses save(), signals and history: generated data only.

Each column's text is made by a converter chosen once per field, from the value itself: the
field's own `pre_save`/`get_db_prep_save` per value cost two thirds of `make_scale_data`.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

# COPY's text format: these characters are escaped inside a value; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = r"\N"


def _plain(value) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too: aware ones keep their offset
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _text_of(field: models.Field) -> Callable[[object], str]:
    """A value's COPY text for the field's type, chosen once (a generic test per value cost
    as much as the rest of the row). PostgreSQL rounds a decimal to its column's places."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda v: NULL if v is None else json.dumps(v, cls=encoder).translate(_ESCAPES)
    if isinstance(field, models.BooleanField):
        return lambda v: NULL if v is None else "t" if v else "f"
    if isinstance(field, models.CharField | models.TextField):
        return lambda v: NULL if v is None else v.translate(_ESCAPES)
    if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        return lambda v: NULL if v is None else str(v)
    if isinstance(field, models.DateField):  # DateTimeField too: aware values keep the offset
        return lambda v: NULL if v is None else v.isoformat()
    return _plain


def _converter(field: models.Field, now: datetime.datetime) -> Callable[[dict], str]:
    """The COPY text of `field` read from a row (attname -> value); a missing value is the
    field's default, as a new instance would have it."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # What pre_save sets on an insert, once for all the rows (they share a moment).
        stamp = now.isoformat()
        return lambda row: stamp
    text = _text_of(field)
    if field.primary_key:
        return lambda row: text(row[name])
    default = text(field.get_default())
    return lambda row: text(row[name]) if name in row else default


def insert_values(model: type[models.Model], rows: list[dict], batch_size: int) -> list[int]:
    """Insert `rows` (dicts of attname -> value; fields left out take their default) and
    return their new ids, in order (bulk_create of instances off PostgreSQL)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)
        return [obj.pk for obj in made]
    meta = model._meta
    fields = list(meta.concrete_fields)
    now = timezone.now()
    converters = [_converter(field, now) for field in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    pk_name = meta.pk.attname
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        for row, pk in zip(rows, ids, strict=True):
            row[pk_name] = pk
        for start in range(0, len(rows), batch_size):
            lines = [
                "\t".join([convert(row) for convert in converters])
                for row in rows[start : start + batch_size]
            ]
            lines.append("")
            cursor.cursor.copy_expert(statement, io.StringIO("\n".join(lines)))
    return ids


def insert_rows(model: type[models.Model], objs: list[models.Model], batch_size: int) -> list:
    """Insert `objs` (new instances of `model`) and give each its id; returns `objs`."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=batch_size)
    insert_values(model, [obj.__dict__ for obj in objs], batch_size)
    for obj in objs:
        obj._state.adding = False
    return objs


@contextmanager
def foreign_keys_checked_at_end(*models_: type[models.Model]) -> Iterator[None]:
    """Drop the tables' foreign keys for a bulk load and add them back after it, in the same
    transaction: each is then checked in one pass over the table, instead of by a trigger per
    row at commit, which was most of PostgreSQL's time in make_scale_data at factor 100
    (PostgreSQL's own advice for populating a database). Any error rolls the drop back.

    For benchmark data only: the tables are locked until the transaction ends.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_at_end needs a transaction (atomic)")
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
            "ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        constraints = cursor.fetchall()
        # A table with deferred checks still pending (rows written earlier in the transaction)
        # cannot be altered: run those checks now. Every deferrable constraint of the schema
        # is initially deferred (Django's foreign keys), so DEFERRED restores the mode after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
