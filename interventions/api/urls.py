from interventions.api.baselines import ChangeRequestViewSet, ItemRevisionViewSet
from interventions.api.views import CrosswalkViewSet, PolicyViewSet, ThemeViewSet


def register(router) -> None:
    router.register("policies", PolicyViewSet, basename="policy")
    router.register("themes", ThemeViewSet, basename="theme")
    router.register("crosswalk", CrosswalkViewSet, basename="crosswalk")
    router.register(
        r"items/(?P<item_id>\d+)/revisions", ItemRevisionViewSet, basename="item-revision"
    )
    router.register("change-requests", ChangeRequestViewSet, basename="change-request")
