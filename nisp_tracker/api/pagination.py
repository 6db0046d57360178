from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class PageFirstPaginator(Paginator):
    """Choose the page's ids with the bare filtered, ordered query, then read the full rows of
    those ids alone, in the same statement (`pk IN (SELECT ... LIMIT n)`).

    Without this PostgreSQL computes every row's annotations (an item's current status is a
    subquery) for the whole table before sorting and cutting the page.
    """

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet) and object_list.query.is_sliced:
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)


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
