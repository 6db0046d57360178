"""The plan, read-only: policies, themes and the crosswalk (items with progress: reporting)."""

from __future__ import annotations

from rest_framework import mixins, viewsets

from interventions.api.filters import CrosswalkFilter, ThemeFilter
from interventions.api.serializers import (
    CrosswalkLinkSerializer,
    PolicySerializer,
    ThemeSerializer,
)
from interventions.models import ItemLink, Policy, Theme, item_visible


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicySerializer
    lookup_field = "code"
    queryset = Policy.objects.select_related("issuing_body").order_by("position", "code")


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    """The theme trees; the items filter `theme` takes these ids (a pillar includes its
    sub-themes)."""

    serializer_class = ThemeSerializer
    lookup_value_regex = r"\d+"
    queryset = Theme.objects.select_related("policy").order_by("policy__position", "position")
    filterset_class = ThemeFilter


class CrosswalkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Links carrying commitments across policies. `?policy=NAP-2014&ref=4` gives one item's
    links (either direction); `?policy=` alone, the links touching that policy."""

    serializer_class = CrosswalkLinkSerializer
    filterset_class = CrosswalkFilter
    queryset = ItemLink.objects.select_related("from_item__policy", "to_item__policy").order_by(
        "from_item__policy__position", "from_item__position", "to_item__policy__position",
        "to_item__position",
    )  # fmt: skip

    def get_queryset(self):
        # Only links between items the caller reads (PlanItem.objects.visible_to's rule).
        user = self.request.user
        return (
            super()
            .get_queryset()
            .filter(item_visible(user, "from_item_id", "from_item__"))
            .filter(item_visible(user, "to_item_id", "to_item__"))
        )
