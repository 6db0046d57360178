"""Agency workbooks in the API: download one, upload it filled (checked into a preview), then
apply it. The same services as the web pages (reporting.imports); an agency sees only its own
imports (404 elsewhere)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.http import absolute_url
from core.api.parsers import JSONParser
from core.api.renderers import XLSXRenderer
from reporting import imports
from reporting.models import ImportRecord
from reporting.workbook_views import workbook_response


class ImportSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    period = serializers.CharField(source="period.label", allow_null=True, read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    preview = serializers.JSONField(
        read_only=True, help_text="Per row: sheet, row, item_id, ref, action, errors."
    )
    result = serializers.JSONField(
        read_only=True, help_text="After applying: applied rows, refused rows with reasons."
    )

    class Meta:
        model = ImportRecord
        fields = ["id", "agency", "period", "uploaded_by", "original_name", "size", "state",
                  "valid_only", "total_rows", "processed_rows", "refusal", "preview", "result",
                  "created_at", "finished_at"]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The filled agency workbook (.xlsx, up to 50 MB).")


class ImportApplySerializer(serializers.Serializer):
    valid_only = serializers.BooleanField(
        default=False, help_text="Apply the valid rows and refuse the others (else all or none)."
    )


class ImportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload a filled agency workbook (checked as a whole; nothing written), read the
    preview, then apply it."""

    serializer_class = ImportSerializer
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        return imports.records_visible_to(self.request.user)

    @extend_schema(request=ImportUploadSerializer, responses={201: ImportSerializer})
    def create(self, request, *args, **kwargs):
        """A refused file (not XLSX, too large, not this agency's workbook, a closed period)
        is kept as a refused record with the reason; `state` says which."""
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        record = imports.import_create(user=request.user, upload=form.validated_data["file"])
        return Response(
            ImportSerializer(record).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "import-detail", record.pk)},
        )

    @extend_schema(request=ImportApplySerializer, responses={200: ImportSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, *args, **kwargs):
        """Apply the previewed rows; a large file is queued and `state` is `applying`."""
        record = self.get_object()
        form = ImportApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        record = imports.import_confirm(
            user=request.user, record=record, valid_only=form.validated_data["valid_only"]
        )
        return Response(ImportSerializer(record).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("period", int, required=True),
            OpenApiParameter(
                "agency",
                str,
                description="An agency code the caller reports for, or `all` (one workbook "
                "with an Agency column); default: the caller's own.",
            ),
        ],
        responses={
            (200, XLSXRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The agency workbook for the period."
            )
        },
    )
    @action(detail=False, methods=["get"])
    def workbook(self, request, *args, **kwargs):
        """Download the caller's agency workbook for a period open for reporting."""
        period_id = request.query_params.get("period", "")
        return workbook_response(
            request.user,
            int(period_id) if period_id.isdigit() else 0,
            request.query_params.get("agency", ""),
        )
