from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from core.pagination import PageFirstPaginator


class ApiPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (default 50, 1 to 500), with count, next and previous.

    A page_size outside its bounds, or a page or page_size that is not a number, is a 400; a
    page past the last is a 404.
    """

    django_paginator_class = PageFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def _number(self, request, name: str, maximum: int | None = None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        bounds = f"from 1 to {maximum}" if maximum else "of 1 or more"
        error = exceptions.ValidationError({name: [f"Give one whole number {bounds}."]})
        if len(values) > 1 or not values[0].isdigit():
            raise error
        number = int(values[0])
        if number < 1 or (maximum and number > maximum):
            raise error
        return number

    def get_page_size(self, request):
        return self._number(request, self.page_size_query_param, self.max_page_size) or (
            self.page_size
        )

    def paginate_queryset(self, queryset, request, view=None):
        self._number(request, self.page_query_param)  # "last" is not offered
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

    def get_paginated_response_schema(self, schema):
        # DRF writes OpenAPI 3.0's `nullable`; the document is 3.1 (see SPECTACULAR_SETTINGS).
        paginated = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            paginated["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated
