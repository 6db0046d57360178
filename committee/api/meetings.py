"""Meetings and action items over the API; writes go through committee.services."""

from __future__ import annotations

import django_filters
from django.http import Http404
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from agencies.models import Agency
from committee import permissions, services
from committee.models import ActionItem, AgendaItem, Decision, Meeting


class ActionItemSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id", "decision", "text", "owner", "due_date", "status", "progress_note",
            "evidence", "drop_reason", "completed_at", "closed_at", "is_overdue",
        ]  # fmt: skip
        read_only_fields = fields


class ActionUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionItem.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    actions = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "text", "items", "recorded_at", "actions"]


class AgendaItemSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "reason", "severity", "item", "action",
                  "decisions"]  # fmt: skip


class MeetingSerializer(serializers.ModelSerializer):
    agenda = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "title", "kind", "quarter", "date", "attendees", "guests", "minutes",
                  "agenda"]  # fmt: skip
        read_only_fields = ["agenda"]


class DecisionRequestSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField()
    text = serializers.CharField()
    action = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ActionItemFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__code")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "due_before", "due_after"]


class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """The committee's meetings with their agenda, decisions and actions (committee only)."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        if not permissions.can_read_meetings(self.request.user):
            raise Http404
        return Meeting.objects.prefetch_related(
            "attendees", "agenda__decisions__actions__owner", "agenda__decisions__items"
        ).order_by("-date", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.meeting_create(
            user=self.request.user,
            title=data["title"],
            kind=data.get("kind", Meeting.Kind.QUARTERLY),
            date=data["date"],
            quarter=data.get("quarter", ""),
            attendees=list(data.get("attendees", [])),
            guests=data.get("guests", ""),
        )

    @route(detail=True, methods=["post"], serializer_class=DecisionRequestSerializer)
    def decisions(self, request, pk=None):
        """Record a decision on one of the meeting's agenda points, with an optional action."""
        meeting = self.get_object()
        form = DecisionRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        point = meeting.agenda.filter(pk=data["agenda_item"]).first()
        if point is None:
            raise serializers.ValidationError({"agenda_item": ["Not a point of this meeting."]})
        owner = None
        if data["owner"]:
            owner = Agency.objects.filter(code=data["owner"]).first()
            if owner is None:
                raise serializers.ValidationError({"owner": [f"No agency {data['owner']}."]})
        decision = services.decision_record_with_action(
            user=request.user,
            point=point,
            text=data["text"],
            action=data["action"],
            owner=owner,
            due_date=data["due_date"],
        )
        return Response(DecisionSerializer(decision).data, status=201)


class ActionItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Action items, read per agency; owners update theirs, the secretary closes them."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return (
            ActionItem.objects.visible_to(self.request.user)
            .select_related("owner")
            .order_by("due_date", "pk")
        )

    def partial_update(self, request, *args, **kwargs):
        action = self.get_object()
        form = ActionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        updated = services.action_item_update(
            user=request.user, action=action, **form.validated_data
        )
        return Response(ActionItemSerializer(updated).data)

    @route(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The secretary confirms a done action is closed."""
        closed = services.action_item_close(user=request.user, action=self.get_object())
        return Response(ActionItemSerializer(closed).data)
