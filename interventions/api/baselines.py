"""The plan's baselines in the API: an item's revisions, and change requests (propose,
approve, reject). Views parse and call interventions.services; the services decide who may."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.http import absolute_url
from interventions import baselines, services
from interventions.models import (
    BaselineRevision,
    ChangeRequest,
    Direction,
    Indicator,
    PlanItem,
)

VALUE_FIELDS = [
    "due_date", "allocation", "unit", "baseline", "baseline_date", "target", "target_date",
    "direction",
]  # fmt: skip


class RevisionSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The indicator revised; null for the item's own due date and allocation.",
    )
    proposed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of who proposed it."
    )
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of who approved it."
    )
    allocation = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)

    class Meta:
        model = BaselineRevision
        fields = [
            "id", "item", "indicator", "number", "in_force_from", *VALUE_FIELDS, "reason",
            "authority", "proposed_by", "approved_by", "created_at", "change_request",
            "is_sample",
        ]  # fmt: skip


class ItemRevisionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every baseline revision of an item and of its indicators, oldest first. The source's
    own values are the item's `timeline`/`budget` and each indicator's fields."""

    serializer_class = RevisionSerializer

    def get_queryset(self):
        return (
            BaselineRevision.objects.filter(
                item__in=PlanItem.objects.visible_to(self.request.user).values("pk"),
                item_id=self.kwargs.get("item_id"),
            )
            .select_related("proposed_by", "approved_by")
            .order_by("created_at", "pk")
        )

    def list(self, request, *args, **kwargs):
        # An unknown item, or one the caller may not read: 404.
        get_object_or_404(PlanItem.objects.visible_to(request.user), pk=self.kwargs["item_id"])
        return super().list(request, *args, **kwargs)


class ChangeRequestSerializer(serializers.ModelSerializer):
    proposed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of who proposed it."
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the secretary who decided it; null while pending.",
    )
    allocation = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    revision = serializers.SerializerMethodField(help_text="The revision an approval recorded.")

    class Meta:
        model = ChangeRequest
        fields = [
            "id", "item", "indicator", "changes", *VALUE_FIELDS, "reason", "authority", "state",
            "proposed_by", "proposed_at", "decided_by", "decided_at", "decision_note", "batch",
            "revision", "is_sample",
        ]  # fmt: skip

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_revision(self, request: ChangeRequest) -> int | None:
        return getattr(getattr(request, "revision", None), "pk", None)


class ProposeSerializer(serializers.Serializer):
    """Only the value fields present in the body are proposed; null clears a value."""

    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all())
    indicator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    allocation = serializers.DecimalField(16, 2, required=False, allow_null=True)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=64)
    baseline = serializers.DecimalField(16, 2, required=False, allow_null=True)
    baseline_date = serializers.DateField(required=False, allow_null=True)
    target = serializers.DecimalField(16, 2, required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False, allow_blank=True)
    reason = serializers.CharField()
    authority = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An item the caller may not read is as unknown as a missing one.
        self.fields["item"].queryset = PlanItem.objects.visible_to(user)

    def values(self) -> dict:
        return {
            name: self.validated_data[name] for name in VALUE_FIELDS if name in self.validated_data
        }


class DecisionSerializer(serializers.Serializer):
    authority = serializers.CharField(required=False, allow_blank=True, max_length=255)
    note = serializers.CharField(required=False, allow_blank=True)


class ChangeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposed changes to the plan's baselines. A reviewer of a responsible agency or the
    committee secretary proposes; the secretary approves (recording a new revision, in force
    from today) or rejects. Others' requests outside one's agency are 404."""

    serializer_class = ChangeRequestSerializer

    def get_queryset(self):
        return (
            baselines.change_requests_visible_to(self.request.user)
            .select_related("decided_by", "revision")
            .order_by("-proposed_at", "-pk")
        )

    def _shown(self, change: ChangeRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            ChangeRequestSerializer(self.get_queryset().get(pk=change.pk)).data, status=code
        )

    @extend_schema(request=ProposeSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request, *args, **kwargs):
        form = ProposeSerializer(data=request.data, user=request.user)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        change = services.change_request_propose(
            user=request.user,
            item=data["item"],
            indicator=data.get("indicator"),
            values=form.values(),
            reason=data["reason"],
            authority=data.get("authority", ""),
        )
        response = self._shown(change, status.HTTP_201_CREATED)
        response["Location"] = absolute_url(request, "change-request-detail", change.pk)
        return response

    @extend_schema(request=DecisionSerializer, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.change_request_approve(
            user=request.user, request=self.get_object(), **form.validated_data
        )
        return self._shown(self.get_object())

    @extend_schema(request=DecisionSerializer, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.change_request_reject(
            user=request.user,
            request=self.get_object(),
            note=form.validated_data.get("note", ""),
        )
        return self._shown(self.get_object())
