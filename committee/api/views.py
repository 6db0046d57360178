"""Quarterly reports: the committee reads them and downloads their files; the secretary
requests new versions. Views parse and call committee.reports.services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committee.api.serializers import (
    ReportDetailSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from committee.models import QuarterlyReport
from committee.permissions import can_view_reports
from committee.reports import services
from committee.reports.files import FILE_TYPES, report_file_response
from core.api.http import absolute_url
from core.api.renderers import DownloadNegotiation

_DOWNLOAD = {"content_negotiation_class": DownloadNegotiation}


def _file_response(fmt: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.BINARY, description=f"The report's {fmt.upper()} file.")


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
    lookup_value_regex = r"\d+"

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
            level=form.validated_data["level"],
            province=form.validated_data["province"],
            edition=form.validated_data["edition"],
        )
        shown = ReportSerializer(report, context=self.get_serializer_context())
        return Response(
            shown.data,
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "report-detail", report.pk)},
        )

    def _file(self, fmt: str):
        return report_file_response(self.get_object(), fmt)

    # One operation per format, so that each declares the one media type it returns.
    @extend_schema(responses={(200, FILE_TYPES["pdf"]): _file_response("pdf")})
    @action(detail=True, url_path="files/pdf", url_name="file-pdf", **_DOWNLOAD)
    def file_pdf(self, request, pk=None):
        """The report as PDF, as an attachment; 404 until it is generated."""
        return self._file("pdf")

    @extend_schema(responses={(200, FILE_TYPES["xlsx"]): _file_response("xlsx")})
    @action(detail=True, url_path="files/xlsx", url_name="file-xlsx", **_DOWNLOAD)
    def file_xlsx(self, request, pk=None):
        """The report's figures as XLSX, as an attachment; 404 until it is generated."""
        return self._file("xlsx")

    @extend_schema(responses={(200, FILE_TYPES["csv"]): _file_response("csv")})
    @action(detail=True, url_path="files/csv", url_name="file-csv", **_DOWNLOAD)
    def file_csv(self, request, pk=None):
        """The report's figures as CSV, as an attachment; 404 until it is generated."""
        return self._file("csv")
