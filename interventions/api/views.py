"""The plan, read-only: policies, themes, items (JSON, CSV, XLSX) and the crosswalk."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, renderers, viewsets
from rest_framework.response import Response

from interventions.api.filters import CrosswalkFilter, ItemApiFilter, ThemeFilter
from interventions.api.renderers import CSVRenderer, TableRenderer, XLSXRenderer
from interventions.api.serializers import (
    CrosswalkLinkSerializer,
    PlanItemSerializer,
    PolicySerializer,
    ThemeSerializer,
)
from interventions.export import ITEM_TABLE_COLUMNS, item_table_rows, with_links
from interventions.models import ItemLink, Policy, Theme
from interventions.selectors import items_for_api, items_for_list


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicySerializer
    lookup_field = "code"
    queryset = Policy.objects.select_related("issuing_body").order_by("position", "code")


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    """The theme trees; the items filter `theme` takes these ids (a pillar includes its
    sub-themes)."""

    serializer_class = ThemeSerializer
    queryset = Theme.objects.select_related("policy").order_by("policy__position", "position")
    filterset_class = ThemeFilter


class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan items in the open-data shape with their progress; the list is filterable and also
    downloadable as CSV or XLSX with the same filters."""

    serializer_class = PlanItemSerializer
    filterset_class = ItemApiFilter
    queryset = items_for_api()

    def get_renderers(self):
        if self.action == "list":
            return [renderers.JSONRenderer(), CSVRenderer(), XLSXRenderer()]
        return super().get_renderers()

    @extend_schema(
        responses={
            (200, "application/json"): PlanItemSerializer(many=True),
            (200, CSVRenderer.media_type): OpenApiTypes.BINARY,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
        }
    )
    def list(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if isinstance(renderer, TableRenderer):
            items = self.filter_queryset(items_for_list())
            filename = f"nisp-tracker-items.{renderer.format}"
            return Response(
                {"columns": ITEM_TABLE_COLUMNS, "rows": item_table_rows(items)},
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(with_links(page), many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        (item,) = with_links([self.get_object()])
        return Response(self.get_serializer(item).data)

    def handle_exception(self, exc):
        # Errors are JSON in the one error shape, whatever download format was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), TableRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


class CrosswalkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Links carrying commitments across policies. `?policy=NAP-2014&ref=4` gives one item's
    links (either direction); `?policy=` alone, the links touching that policy."""

    serializer_class = CrosswalkLinkSerializer
    filterset_class = CrosswalkFilter
    queryset = ItemLink.objects.select_related("from_item__policy", "to_item__policy").order_by(
        "from_item__policy__position", "from_item__position", "to_item__policy__position",
        "to_item__position",
    )  # fmt: skip
