"""Plan items with their progress in the API: the open-data shape of the plan, the current
status and each indicator's latest approved actual; the list is also a CSV or XLSX download
(`items/csv/`, `items/xlsx/`: operations of their own, so a generated client reads bytes).

An item is `interventions.export.item_as_dict` plus its id and progress. The declared fields
describe that shape for the OpenAPI schema; `to_representation` builds it from item_as_dict, and
the schema test checks real responses against the schema, so the two cannot drift apart.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.fields import NumberOrTextField
from core.api.renderers import CSVRenderer, DownloadNegotiation, TableRenderer, XLSXRenderer
from interventions import services as plan_services
from interventions.api.serializers import (
    BudgetSerializer,
    LinkSerializer,
    ResponsibilitySerializer,
    SourceSerializer,
    TimelineSerializer,
)
from interventions.export import item_as_dict, theme_path, with_links
from interventions.models import Indicator, PlanItem, Sensitivity
from reporting.filters import STATUS_CHOICES, ItemFilter, status_in
from reporting.item_table import ITEM_TABLE_COLUMNS, item_table_rows, table_filename
from reporting.models import ProgressUpdate
from reporting.selectors import items_for_api, items_for_table, with_changed_at


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
    updated_at = serializers.DateTimeField(
        help_text="When the item last changed as the API shows it (its text, indicators, "
        "responsibilities, or an update past draft): the `updated_since` to sync from."
    )

    def to_representation(self, item: PlanItem) -> dict:
        """`item` comes from interventions.selectors.items_for_api, passed through with_links."""
        data = {"id": item.pk, **item_as_dict(item, {item.theme_id: theme_path(item.theme)})}
        for shown, indicator in zip(data["indicators"], item.listed_indicators, strict=True):
            shown["id"] = indicator.pk
            shown["measure"] = indicator.measure
            shown["latest_actual"] = _latest_actual(indicator)
        approved_at = item.last_approved_at
        data["current_status"] = item.current_status
        data["percent_complete"] = item.current_percent
        data["last_approved_update"] = (
            timezone.localdate(approved_at).isoformat() if approved_at else None
        )
        data["current_is_sample"] = bool(item.current_is_sample)
        data["is_synthetic"] = item.is_synthetic
        data["updated_at"] = serializers.DateTimeField().to_representation(item.changed_at)
        return data


def _latest_actual(indicator: Indicator) -> dict | None:
    if indicator.latest_period is None:
        return None
    number = indicator.latest_number
    return {
        "period": indicator.latest_period,
        "value": float(number) if number is not None else indicator.latest_text,
        "is_sample": indicator.latest_is_sample,
    }


class SensitivitySerializer(serializers.Serializer):
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)
    reason = serializers.CharField(help_text="Why the item's readers change; kept on its history.")


class SensitivityResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sensitivity = serializers.ChoiceField(choices=Sensitivity.choices)


class ItemApiFilter(ItemFilter):
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES,
        method="with_statuses",
        label="Current status (`none`: no approved update yet); repeat for several.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="changed_since",
        label="Changed at or after this time (ISO 8601): items whose `updated_at` is this or "
        "later (the item, its indicators or responsibilities were edited, or one of its "
        "updates past draft changed).",
    )

    def with_statuses(self, queryset, name, values):
        return queryset.filter(status_in(values)) if values else queryset

    def changed_since(self, queryset, name, value):
        return with_changed_at(queryset).filter(changed_at__gte=value)


class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan items in the open-data shape with their progress; the list is filterable and also
    downloadable as CSV (`csv/`) or XLSX (`xlsx/`) with the same filters."""

    serializer_class = PlanItemSerializer
    filterset_class = ItemApiFilter
    lookup_value_regex = r"\d+"
    queryset = items_for_api()

    def get_queryset(self):
        # The one rule (PlanItem.objects.visible_to): an item outside it is a 404 here.
        return super().get_queryset().visible_to(self.request.user)

    @extend_schema(responses={200: PlanItemSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(with_links(page), many=True)
        return self.get_paginated_response(serializer.data)

    def _download(self, request) -> Response:
        # An invalid filter raises here (400 in the one error shape), never a full download.
        items = self.filter_queryset(items_for_table().visible_to(request.user))
        filename = table_filename(request.query_params, request.accepted_renderer.format)
        return Response(
            {"columns": ITEM_TABLE_COLUMNS, "rows": item_table_rows(items)},
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
        # An item the caller may not read is a 404 (get_object), before any permission check.
        item = self.get_object()
        form = SensitivitySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        plan_services.item_sensitivity_set(user=request.user, items=[item], **form.validated_data)
        item.refresh_from_db(fields=["sensitivity"])
        return Response(SensitivityResultSerializer(item).data)

    def retrieve(self, request, *args, **kwargs):
        (item,) = with_links([self.get_object()])
        return Response(self.get_serializer(item).data)

    def handle_exception(self, exc):
        # Errors are JSON in the one error shape, whatever download format was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), TableRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)
