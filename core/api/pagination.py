from rest_framework.pagination import PageNumberPagination

from core.pagination import PageFirstPaginator


class ApiPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (default 50, at most 500), with count, next and previous."""

    django_paginator_class = PageFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema):
        # DRF writes OpenAPI 3.0's `nullable`; the document is 3.1 (see SPECTACULAR_SETTINGS).
        paginated = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            paginated["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        return paginated
