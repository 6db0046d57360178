from committee.api.meetings import ActionItemViewSet, MeetingViewSet
from committee.api.views import ReportViewSet


def register(router) -> None:
    router.register("reports", ReportViewSet, basename="report")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("action-items", ActionItemViewSet, basename="action-item")
