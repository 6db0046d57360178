from reporting.api.imports import ImportViewSet
from reporting.api.items import PlanItemViewSet
from reporting.api.views import ItemUpdateViewSet, PeriodViewSet, UpdateViewSet


def register(router) -> None:
    router.register("items", PlanItemViewSet, basename="item")
    router.register("periods", PeriodViewSet, basename="period")
    router.register(r"items/(?P<item_id>\d+)/updates", ItemUpdateViewSet, basename="item-update")
    router.register("updates", UpdateViewSet, basename="update")
    router.register("imports", ImportViewSet, basename="import")
