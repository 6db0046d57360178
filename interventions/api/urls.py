from interventions.api.views import CrosswalkViewSet, PlanItemViewSet, PolicyViewSet, ThemeViewSet


def register(router) -> None:
    router.register("policies", PolicyViewSet, basename="policy")
    router.register("themes", ThemeViewSet, basename="theme")
    router.register("items", PlanItemViewSet, basename="item")
    router.register("crosswalk", CrosswalkViewSet, basename="crosswalk")
