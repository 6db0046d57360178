"""Query parameters read strictly: a value the server does not understand is a 400, never
silently ignored.

Multi-value parameters (`status`, `ordering`, ...) are given by repeating the parameter
(`?status=delayed&status=at_risk`), as the schema declares them (form style, exploded) and as
generated clients send lists; a single-value parameter given twice is refused, and so is a
boolean other than `true` or `false`.
"""

from __future__ import annotations

import datetime

import django_filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

BOOLEANS = {"true", "false"}


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time given in any offset Python reads (up to ±23:59), compared in UTC:
    PostgreSQL refuses an offset past ±15:59, which would be a 500 (found by the fuzzer)."""

    def to_python(self, value):
        moment = super().to_python(value)
        return moment.astimezone(datetime.UTC) if moment is not None else None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """The `updated_since` of the items and the updates lists."""

    field_class = UtcIsoDateTimeField


def _is_multiple(field: django_filters.Filter) -> bool:
    return isinstance(field, django_filters.MultipleChoiceFilter | django_filters.OrderingFilter)


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            kwargs["data"] = strict_query(request.query_params, filterset_class.base_filters)
        return kwargs


def strict_query(params, filters: dict[str, django_filters.Filter]):
    """The query as the FilterSet reads it, after refusing what it would silently misread."""
    errors: dict[str, list[str]] = {}
    data = params.copy()
    for name, field in filters.items():
        values = params.getlist(name)
        if not values:
            continue
        if isinstance(field, django_filters.OrderingFilter):
            if any("," in value for value in values):
                errors[name] = ["Repeat the parameter for each key, e.g. ?ordering=a&ordering=-b."]
                continue
            # django-filter reads ordering as one comma-separated value.
            data.setlist(name, [",".join(values)])
        elif len(values) > 1 and not _is_multiple(field):
            errors[name] = ["Give this parameter once."]
        elif isinstance(field, django_filters.BooleanFilter) and values[0] not in BOOLEANS:
            errors[name] = [f"“{values[0]}” is not a boolean: use true or false."]
    if errors:
        raise exceptions.ValidationError(errors)
    return data
