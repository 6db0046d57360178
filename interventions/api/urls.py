from interventions.api.views import CrosswalkViewSet, PolicyViewSet, ThemeViewSet


def register(router) -> None:
    router.register("policies", PolicyViewSet, basename="policy")
    router.register("themes", ThemeViewSet, basename="theme")
    router.register("crosswalk", CrosswalkViewSet, basename="crosswalk")
