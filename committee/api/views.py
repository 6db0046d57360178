"""Quarterly reports: the committee reads them and downloads their files; the secretary
requests new versions. Views parse and call committee.reports.services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committee.api.serializers import (
    FILE_FORMATS,
    ReportDetailSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from committee.models import QuarterlyReport
from committee.permissions import can_view_reports
from committee.reports import services
from committee.reports.files import FILE_TYPES, report_file_response


class CanViewReports(permissions.BasePermission):
    """The quarterly reports are the committee's papers (members, secretary, administrators)."""

    message = "Quarterly reports are for the Advisory Committee."

    def has_permission(self, request, view):
        return can_view_reports(request.user)


class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Quarterly progress report versions, newest first; each with its state and files."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, CanViewReports]

    def get_queryset(self):
        reports = QuarterlyReport.objects.select_related("requested_by", "signed_off_by")
        if self.action != "retrieve":
            reports = reports.without_snapshot()
        return reports.order_by("-requested_at", "-pk")

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    @extend_schema(request=ReportRequestSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        """Queue a new version (the committee secretary only); the worker builds it."""
        form = ReportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.report_request(
            user=request.user,
            quarter=form.validated_data["quarter"],
            policy=form.validated_data["scope"],
        )
        shown = ReportSerializer(report, context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=FILE_FORMATS)],
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"The {fmt}.")
            for fmt, content_type in FILE_TYPES.items()
        },
    )
    @action(detail=True, url_path=r"files/(?P<fmt>pdf|xlsx|csv)", url_name="file")
    def file(self, request, pk=None, fmt=None):
        """One of the report's files, as an attachment."""
        return report_file_response(self.get_object(), fmt)
