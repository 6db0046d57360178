from reporting.api.report_views import ReportViewSet
from reporting.api.views import ItemUpdateViewSet, PeriodViewSet, UpdateViewSet


def register(router) -> None:
    router.register("periods", PeriodViewSet, basename="period")
    router.register(r"items/(?P<item_id>\d+)/updates", ItemUpdateViewSet, basename="item-update")
    router.register("updates", UpdateViewSet, basename="update")
    router.register("reports", ReportViewSet, basename="report")
