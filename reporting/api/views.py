"""Periods and progress updates. Views parse, call reporting.services, and render; the
services raise ValidationError (400), PermissionDenied (403) and ConflictError (409)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.exceptions import error_details
from core.api.http import absolute_url, last_modified
from interventions.models import PlanItem
from reporting import periods, permissions, services
from reporting.api.filters import PeriodFilter, UpdateFilter
from reporting.api.serializers import (
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExtensionInputSerializer,
    ExtensionSerializer,
    PeriodActionSerializer,
    PeriodSerializer,
    ReviewSerializer,
    SubmitSerializer,
    UpdateCreateSerializer,
    UpdateEditSerializer,
    UpdateSerializer,
)
from reporting.evidence import evidence_for, evidence_response
from reporting.models import ProgressUpdate, ReportingPeriod


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods; updates are created against an open, started one. The committee
    secretary closes, locks and reopens them and extends a deadline for one agency."""

    serializer_class = PeriodSerializer
    lookup_value_regex = r"\d+"
    filterset_class = PeriodFilter
    queryset = ReportingPeriod.objects.select_related("policy").order_by(
        "policy__position", "-start"
    )

    def _transition(self, service) -> Response:
        period = self.get_object()
        form = PeriodActionSerializer(data=self.request.data)
        form.is_valid(raise_exception=True)
        changed = service(period=period, user=self.request.user, **form.validated_data)
        return Response(PeriodSerializer(changed).data)

    @extend_schema(request=PeriodActionSerializer, responses={200: PeriodSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close an open period for submissions (drafts still save)."""
        return self._transition(periods.period_close)

    @extend_schema(request=PeriodActionSerializer, responses={200: PeriodSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, *args, **kwargs):
        """Lock an open or closed period: nothing in it changes any more."""
        return self._transition(periods.period_lock)

    @extend_schema(request=PeriodActionSerializer, responses={200: PeriodSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Open a closed or locked period again; `reason` is required and kept on record."""
        return self._transition(periods.period_reopen)

    @extend_schema(request=ExtensionInputSerializer, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extensions(self, request, *args, **kwargs):
        """Give one agency a later deadline in this period (again: move it)."""
        period = self.get_object()
        form = ExtensionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        extension = periods.period_extend(period=period, user=request.user, **form.validated_data)
        # No extension has an address of its own: its period lists it.
        return Response(
            ExtensionSerializer(extension).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "period-detail", period.pk)},
        )


def visible_updates(user) -> QuerySet[ProgressUpdate]:
    # The schema generator inspects views without a user: visible_to gives it none.
    return (
        ProgressUpdate.objects.visible_to(user)
        .select_related("period", "agency", "author")
        .prefetch_related("indicator_values__indicator")
        .order_by("-period__start", "agency__code", "pk")
    )


class ItemUpdateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """An item's update history (drafts only inside their agency), and new drafts from the
    item's desk officers."""

    serializer_class = UpdateSerializer

    def item(self) -> PlanItem:
        return get_object_or_404(
            PlanItem.objects.visible_to(self.request.user).select_related("policy"),
            pk=self.kwargs["item_id"],
        )

    def get_queryset(self):
        return visible_updates(self.request.user).filter(item_id=self.kwargs.get("item_id"))

    def list(self, request, *args, **kwargs):
        self.item()  # an unknown item is a 404, not an empty history
        return super().list(request, *args, **kwargs)

    @extend_schema(request=UpdateCreateSerializer, responses={201: UpdateSerializer})
    def create(self, request, *args, **kwargs):
        item = self.item()
        form = UpdateCreateSerializer(data=request.data)
        if not form.is_valid():
            period = None if "period" in form.errors else form.parsed("period")
            agency_id = permissions.reporting_agency_for(request.user, item)
            _raise_all(form, item, agency_id or request.user.agency_id, period)
        update = services.update_create(
            user=request.user,
            item=item,
            period=form.validated_data["period"],
            data=form.to_data(),
        )
        return Response(
            _shown(request.user, update),
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "update-detail", update.pk)},
        )


def _raise_all(form, item, agency_id, period, current=None):
    """An invalid body's parse errors together with the service's rules on what did parse:
    every error at once, each under its field."""
    errors = dict(form.errors)
    if period is not None and agency_id is not None:
        data, failed = form.parsed_data(current)
        for field, rule_errors in services.validation_errors(
            item, agency_id, period, data, failed
        ).items():
            errors.setdefault(field, error_details(rule_errors))
    raise serializers.ValidationError(errors)


def _shown(user, update: ProgressUpdate) -> dict:
    """The update as saved, re-read with its indicator values."""
    return UpdateSerializer(visible_updates(user).get(pk=update.pk)).data


class UpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Updates visible to you (drafts only inside their agency), filterable for review queues
    and incremental sync; one update: read it, edit it while a draft or returned (PATCH with its
    `version`), submit it, and approve or return it (each with its `version`)."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return visible_updates(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        update = self.get_object()
        # With the ETag (core.api.middleware), If-Modified-Since works too.
        return Response(self.get_serializer(update).data, headers=last_modified(update.updated_at))

    @extend_schema(request=UpdateEditSerializer, responses={200: UpdateSerializer})
    def partial_update(self, request, *args, **kwargs):
        update = self.get_object()
        form = UpdateEditSerializer(data=request.data)
        if not form.is_valid():
            _raise_all(form, update.item, update.agency_id, update.period, current=update)
        services.update_edit(
            user=request.user,
            update=update,
            data=form.to_data(current=update),
            version=form.validated_data["version"],
        )
        return Response(_shown(request.user, update))

    def _act(self, form_class, service) -> Response:
        """Run a workflow service on the update with the body's arguments."""
        update = self.get_object()
        form = form_class(data=self.request.data)
        form.is_valid(raise_exception=True)
        service(user=self.request.user, update=update, **form.validated_data)
        return Response(_shown(self.request.user, update))

    @extend_schema(request=SubmitSerializer, responses={200: UpdateSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._act(SubmitSerializer, services.update_submit)

    @extend_schema(request=ReviewSerializer, responses={200: UpdateSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._act(ReviewSerializer, services.update_approve)

    @extend_schema(request=ReviewSerializer, responses={200: UpdateSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        """Send it back to the officer; `comment` says what needs to change."""
        return self._act(ReviewSerializer, services.update_return)

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, *args, **kwargs):
        """Attach a file (multipart, field `file`) to a draft or returned update; the web
        form's limits apply (type and size)."""
        update = self.get_object()
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            user=request.user, update=update, upload=form.validated_data["file"]
        )
        location = request.build_absolute_uri(
            reverse("update-evidence-file", kwargs={"pk": update.pk, "file_id": evidence.pk})
        )
        return Response(
            EvidenceSerializer(evidence).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with the type stored at upload."
            )
        }
    )
    @action(detail=True, url_path=r"evidence/(?P<file_id>\d+)", url_name="evidence-file")
    def evidence_file(self, request, pk=None, file_id=None):
        """Download one evidence file: to whoever may read the update (404 otherwise)."""
        return evidence_response(evidence_for(request.user, int(pk), int(file_id)))
