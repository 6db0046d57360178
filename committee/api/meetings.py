"""Meetings and action items over the API; writes go through committee.services."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action as route
from rest_framework.response import Response

from agencies.models import Agency, User
from committee import permissions, services
from committee.models import ActionItem, AgendaItem, Decision, Meeting, MeetingComment
from core.api.http import absolute_url

# What an owner may report; only the secretary drops an action (with a reason, in the web).
OWNER_STATUSES = [
    (value, label) for value, label in ActionItem.Status.choices
    if value != ActionItem.Status.DROPPED
]  # fmt: skip


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
    status = serializers.ChoiceField(
        choices=OWNER_STATUSES, help_text="done needs `evidence`; only the secretary drops."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="What shows it was done: a document, a link, a reference.",
    )


# "Meeting…" names: the plan's change requests already have a Decision component.
class MeetingDecisionSerializer(serializers.ModelSerializer):
    actions = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "text", "items", "recorded_at", "actions"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    decisions = MeetingDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "reason", "severity", "item", "action",
                  "decisions"]  # fmt: skip
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    attendees = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True, help_text="Usernames of those attending."
    )
    agenda = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "title", "kind", "quarter", "date", "attendees", "guests", "minutes",
                  "agenda"]  # fmt: skip
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.QUARTERLY)
    date = serializers.DateField()
    quarter = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        default="",
        help_text="The quarter under review, e.g. 2026Q3; blank: the one before the meeting's.",
    )
    attendees = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        required=False,
        default=list,
        queryset=User.objects.filter(is_active=True),
        help_text="Usernames of those attending.",
    )
    guests = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Guests not on the tracker."
    )


class MeetingDecisionCreateSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField(help_text="A point of this meeting's agenda.")
    text = serializers.CharField()
    action = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="An action to assign, if any."
    )
    owner = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The action's agency code."
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class AgendaMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=[("up", "up"), ("down", "down")], help_text="One place up or down the agenda."
    )


class MeetingCommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The member's comment on the meeting or its agenda.")


class MeetingCommentSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Username of who wrote it."
    )

    class Meta:
        model = MeetingComment
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields


class ActionItemFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), to_field_name="code", label="Owner agency (code)"
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "due_before", "due_after"]


class CanReadMeetings(drf_permissions.BasePermission):
    """Meetings are the committee's papers: to anyone else they do not exist (404, as on the
    web pages), whatever the method."""

    def has_permission(self, request, view):
        if not permissions.can_read_meetings(request.user):
            raise exceptions.NotFound("No such meeting.")
        return True


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The committee's meetings with their agenda, decisions and actions (committee only)."""

    serializer_class = MeetingSerializer
    permission_classes = [*viewsets.GenericViewSet.permission_classes, CanReadMeetings]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Meeting.objects.prefetch_related(
            "attendees", "agenda__decisions__actions__owner", "agenda__decisions__items"
        ).order_by("-date", "-pk")

    def _shown(self, meeting: Meeting) -> dict:
        return MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        """Arrange a meeting (the secretary); its agenda is drafted from the ranked exceptions
        of the quarter under review and the unfinished earlier actions."""
        form = MeetingCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        meeting = services.meeting_create(
            user=request.user,
            title=data["title"],
            kind=data["kind"],
            date=data["date"],
            quarter=data["quarter"].strip(),
            attendees=list(data["attendees"]),
            guests=data["guests"],
        )
        return Response(
            self._shown(meeting),
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "meeting-detail", meeting.pk)},
        )

    @extend_schema(
        request=MeetingDecisionCreateSerializer, responses={201: MeetingDecisionSerializer}
    )
    @route(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Record a decision on one of the meeting's agenda points, with an optional action
        (the secretary). Location is the meeting, where the decision is read."""
        meeting = self.get_object()
        form = MeetingDecisionCreateSerializer(data=request.data)
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
        return Response(
            MeetingDecisionSerializer(decision).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "meeting-detail", meeting.pk)},
        )

    def _point(self, meeting: Meeting, point_id: str) -> AgendaItem:
        point = meeting.agenda.filter(pk=point_id).first()
        if point is None:
            raise exceptions.NotFound("Not a point of this meeting's agenda.")
        return point

    @extend_schema(request=AgendaMoveSerializer, responses={200: MeetingSerializer})
    @route(detail=True, methods=["post"], url_path=r"agenda/(?P<point_id>\d+)/move")
    def agenda_move(self, request, pk=None, point_id=None):
        """Move an agenda point one place up or down (the secretary); the meeting as it now
        stands."""
        meeting = self.get_object()
        form = AgendaMoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        offset = -1 if form.validated_data["direction"] == "up" else 1
        services.agenda_item_move(
            user=request.user, point=self._point(meeting, point_id), offset=offset
        )
        return Response(self._shown(meeting))

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @route(detail=True, methods=["post"], url_path=r"agenda/(?P<point_id>\d+)/drop")
    def agenda_drop(self, request, pk=None, point_id=None):
        """Drop a point with no decision from the agenda (the secretary); the rest renumbered."""
        meeting = self.get_object()
        services.agenda_item_drop(user=request.user, point=self._point(meeting, point_id))
        return Response(self._shown(meeting))

    @extend_schema(
        request=MeetingCommentCreateSerializer, responses={201: MeetingCommentSerializer}
    )
    @route(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """A committee member's (or the secretary's) comment on the meeting."""
        meeting = self.get_object()
        form = MeetingCommentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        comment = services.meeting_comment_add(
            user=request.user, meeting=meeting, text=form.validated_data["text"]
        )
        return Response(
            MeetingCommentSerializer(comment).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": absolute_url(request, "meeting-detail", meeting.pk)},
        )


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Action items, read per agency; owners update theirs, the secretary closes them."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, built with no user
            return ActionItem.objects.none()
        return (
            ActionItem.objects.visible_to(self.request.user)
            .select_related("owner")
            .order_by("due_date", "pk")
        )

    @extend_schema(request=ActionUpdateSerializer, responses={200: ActionItemSerializer})
    def partial_update(self, request, *args, **kwargs):
        """The owner agency reports progress: open, in progress, or done with evidence."""
        action = self.get_object()
        form = ActionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        updated = services.action_item_update(
            user=request.user, action=action, **form.validated_data
        )
        return Response(ActionItemSerializer(updated).data)

    @extend_schema(request=None, responses={200: ActionItemSerializer})
    @route(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The secretary confirms a done action is closed."""
        closed = services.action_item_close(user=request.user, action=self.get_object())
        return Response(ActionItemSerializer(closed).data)
