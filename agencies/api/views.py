from rest_framework import viewsets

from agencies.api.serializers import AgencySerializer
from agencies.models import Agency


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The registry of responsible bodies; `agency` filters on items take these codes."""

    serializer_class = AgencySerializer
    lookup_field = "code"
    queryset = Agency.objects.select_related("parent").prefetch_related("members").order_by("code")
    filterset_fields = ["kind", "level", "province"]
