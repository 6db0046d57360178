"""Plan items with their progress in the API: the open-data shape of the plan, the current
status and each indicator's latest approved actual; the list is also a CSV or XLSX download
(`items/csv/`, `items/xlsx/`: operations of their own, so a generated client reads bytes).

An item is `interventions.export.item_as_dict` plus its id and progress. The declared fields
describe that shape for the OpenAPI schema; `reporting.item_rows` builds it from plain rows, and
the schema test checks real responses against the schema, so the two cannot drift apart (a
test compares the rows with item_as_dict over several pages and filters).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agencies.models import Agency
from core.api.fields import NumberOrTextField
from core.api.filters import UtcIsoDateTimeFilter
from core.api.renderers import CSVRenderer, DownloadNegotiation, TableRenderer, XLSXRenderer
from core.api.response_cache import cached_response, response_key, store_when_rendered
from interventions import services as plan_services
from interventions.api.serializers import (
    BudgetSerializer,
    LinkSerializer,
    ResponsibilitySerializer,
    SourceSerializer,
    TimelineSerializer,
)
from interventions.models import (
    Indicator,
    PlanItem,
    Policy,
    Responsibility,
    Sensitivity,
    Theme,
    reader_key,
)
from reporting.filters import STATUS_CHOICES, ItemFilter, status_in
from reporting.item_rows import item_rows, item_values, items_for_api
from reporting.item_table import ITEM_TABLE_COLUMNS, item_table_rows, table_filename
from reporting.models import ProgressUpdate
from reporting.selectors import items_for_table, with_changed_at


class LatestActualSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Label of the period reported, e.g. 2025Q3.")
    value = NumberOrTextField()
    is_sample = serializers.BooleanField(help_text="Reported in demo data, not real progress.")


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="What `indicator_values` in an update refer to.")
    description = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    measure = serializers.ChoiceField(choices=Indicator.Measure.choices)
    latest_actual = LatestActualSerializer(
        allow_null=True, help_text="The value in the latest approved update, if any."
    )


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.CharField(help_text="Policy code, e.g. NISP-2018.")
    ref = serializers.CharField(help_text="The item's reference within its policy.")
    parent_ref = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=PlanItem.Kind.choices)
    theme = serializers.ListField(
        child=serializers.CharField(), help_text="Theme names from the pillar down."
    )
    text = serializers.CharField(help_text="The item as the source states it.")
    responsibilities = ResponsibilitySerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    timeline = TimelineSerializer()
    budget = BudgetSerializer()
    priority = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ranks on the NISP Priority List."
    )
    evidence = serializers.ChoiceField(choices=PlanItem.Evidence.choices, allow_null=True)
    links = LinkSerializer(many=True, help_text="The item's links to other policies' items.")
    notes = serializers.ListField(child=serializers.CharField())
    source = SourceSerializer()
    source_urls = serializers.ListField(child=serializers.CharField())
    authority = serializers.CharField(allow_null=True)
    current_status = serializers.ChoiceField(
        choices=ProgressUpdate.Status.choices,
        allow_null=True,
        help_text="Status in the latest approved update; null before any is approved.",
    )
    percent_complete = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    last_approved_update = serializers.DateField(
        allow_null=True, help_text="When the latest approved update was approved."
    )
    current_is_sample = serializers.BooleanField(
        help_text="The current status comes from demo data (seed_demo), not real progress."
    )
    is_synthetic = serializers.BooleanField(
        help_text="A generated benchmark item (make_scale_data), never part of a real plan."
    )
    sensitivity = serializers.ChoiceField(
        choices=Sensitivity.choices,
        help_text="Who may read the item: `public` (anyone, the public view too), `official` "
        "(every signed-in user) or `restricted` (the committee, its secretary, the responsible "
        "agencies and those granted it). Only public items may be published further.",
    )
    updated_at = serializers.DateTimeField(
        help_text="When the item last changed as the API shows it (its text, indicators, "
        "responsibilities, or an update past draft): the `updated_since` to sync from."
    )


# Records the item filters name, matched inside the items' query rather than looked up first.
NAMED_RECORDS = {"policy": (Policy, "code"), "theme": (Theme, "pk"), "agency": (Agency, "code")}
UNKNOWN_RECORD = forms.ModelChoiceField.default_error_messages["invalid_choice"]


class ThemeIdFilter(django_filters.Filter):
    """A theme by id; a pillar selects its sub-themes' items too (the tree is at most three
    levels deep, as in interventions.filters.PlanItemFilter.in_theme)."""

    field_class = forms.IntegerField

    def filter(self, queryset, value):
        if value in EMPTY_VALUES:
            return queryset
        within = Q(theme_id=value) | Q(theme__parent_id=value)
        return queryset.filter(within | Q(theme__parent__parent_id=value))


class SensitivitySerializer(serializers.Serializer):
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    reason = serializers.CharField(help_text="Why the item's readers change; kept on its history.")


class SensitivityResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)


class ItemApiFilter(ItemFilter):
    """The web list's filters, with the policy, theme and agency matched by code (or id) in the
    items' own query: a page of items costs no lookup per named record. A code that names
    nothing is still a 400, found by `unknown_records` when nothing matched (or when another
    parameter is invalid), the only time it can matter."""

    policy = django_filters.CharFilter(
        field_name="policy__code", max_length=Policy._meta.get_field("code").max_length
    )
    theme = ThemeIdFilter(min_value=1, max_value=2**63 - 1, label="Theme")
    agency = django_filters.CharFilter(
        method="for_agency", max_length=Agency._meta.get_field("code").max_length, label="Agency"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES,
        method="with_statuses",
        label="Current status (`none`: no approved update yet); repeat for several.",
    )
    updated_since = UtcIsoDateTimeFilter(
        method="changed_since",
        label="Changed at or after this time (ISO 8601): items whose `updated_at` is this or "
        "later (the item, its indicators or responsibilities were edited, or one of its "
        "updates past draft changed).",
    )

    def with_statuses(self, queryset, name, values):
        return queryset.filter(status_in(values)) if values else queryset

    def changed_since(self, queryset, name, value):
        return with_changed_at(queryset).filter(changed_at__gte=value)

    @extend_schema_field(OpenApiTypes.STR)
    def for_agency(self, queryset, name, code):
        # A group code (ALL-HD) selects the items its members answer for through that wording
        # (interventions.filters.PlanItemFilter.for_agency, by code instead of by record).
        group = Agency.Kind.GROUP
        named = Q(via_group__code=code, via_group__kind=group) | (
            Q(agency__code=code) & ~Q(agency__kind=group)
        )
        return queryset.filter(Exists(Responsibility.objects.filter(named, item=OuterRef("pk"))))

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:  # every error at once: the unknown codes beside the other parameters'
            for name, messages in self.unknown_records().items():
                self.form.add_error(name, messages)
        return valid

    def unknown_records(self) -> dict[str, list[str]]:
        """The named records that do not exist, with the message a lookup would have given
        (one query per record named; asked only when no item matched or the query is bad)."""
        errors = {}
        cleaned = getattr(self.form, "cleaned_data", {})
        for name, (model, field) in NAMED_RECORDS.items():
            value = cleaned.get(name)
            if value not in (None, "") and not model.objects.filter(**{field: value}).exists():
                errors[name] = [UNKNOWN_RECORD]
        return errors


def refuse_unknown_records(view) -> None:
    """A 400 when the query named a record that does not exist; called when nothing matched."""
    backend = view.filter_backends[0]()
    filterset = backend.get_filterset(view.request, PlanItem.objects.none(), view)
    if filterset is not None and filterset.is_valid():
        errors = filterset.unknown_records()
        if errors:
            raise ValidationError(errors)


class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan items in the open-data shape with their progress; the list is filterable and also
    downloadable as CSV (`csv/`) or XLSX (`xlsx/`) with the same filters."""

    serializer_class = PlanItemSerializer
    filterset_class = ItemApiFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # The one rule (PlanItem.objects.visible_to), before the filters: an item outside it
        # is a 404 here and is in no list, count or download.
        return items_for_api(PlanItem.objects.visible_to(self.request.user))

    @extend_schema(responses={200: PlanItemSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        # Plain rows (reporting.item_rows), not instances through the serializer: the same
        # payload, which the serializer's declared fields describe for the schema.
        key = response_key(request, reader_key(request.user))
        if (stored := cached_response(key)) is not None:
            return stored
        page = self.paginate_queryset(item_values(self.filter_queryset(self.get_queryset())))
        if not page:
            refuse_unknown_records(self)
        return store_when_rendered(self.get_paginated_response(item_rows(page, request.user)), key)

    def _download(self, request) -> Response:
        # An invalid filter raises here (400 in the one error shape), never a full download.
        rows = list(
            item_table_rows(self.filter_queryset(items_for_table().visible_to(request.user)))
        )
        if not rows:
            refuse_unknown_records(self)
        filename = table_filename(request.query_params, request.accepted_renderer.format)
        return Response(
            {"columns": ITEM_TABLE_COLUMNS, "rows": rows},
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @extend_schema(
        summary="The filtered item list as CSV",
        filters=True,
        responses={(200, CSVRenderer.media_type): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        url_path="csv",
        renderer_classes=[CSVRenderer],
        content_negotiation_class=DownloadNegotiation,
        pagination_class=None,
    )
    def csv(self, request, *args, **kwargs):
        return self._download(request)

    @extend_schema(
        summary="The filtered item list as XLSX",
        filters=True,
        responses={(200, XLSXRenderer.media_type): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        url_path="xlsx",
        renderer_classes=[XLSXRenderer],
        content_negotiation_class=DownloadNegotiation,
        pagination_class=None,
    )
    def xlsx(self, request, *args, **kwargs):
        return self._download(request)

    @extend_schema(
        summary="Set who may read the item (the committee secretary)",
        request=SensitivitySerializer,
        responses={200: SensitivityResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="sensitivity", pagination_class=None)
    def sensitivity(self, request, *args, **kwargs):
        # An item the caller may not read is a 404, before any permission check.
        item = get_object_or_404(PlanItem.objects.visible_to(request.user), pk=kwargs["pk"])
        form = SensitivitySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        plan_services.item_sensitivity_set(user=request.user, items=[item], **form.validated_data)
        item.refresh_from_db(fields=["sensitivity"])
        return Response(SensitivityResultSerializer(item).data)

    def retrieve(self, request, *args, **kwargs):
        key = response_key(request, reader_key(request.user))
        if (stored := cached_response(key)) is not None:
            return stored
        items = self.filter_queryset(self.get_queryset()).filter(pk=kwargs["pk"])
        rows = item_rows(item_values(items), request.user)
        if not rows:
            raise Http404
        self.check_object_permissions(request, rows[0])
        return store_when_rendered(Response(rows[0]), key)

    def handle_exception(self, exc):
        # Errors are JSON in the one error shape, whatever download format was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), TableRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)
