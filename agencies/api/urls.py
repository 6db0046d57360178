from agencies.api.views import AgencyViewSet


def register(router) -> None:
    router.register("agencies", AgencyViewSet, basename="agency")
