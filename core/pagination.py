"""Pagination shared by the web pages and the API."""

from django.core.paginator import Paginator
from django.db.models import QuerySet


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
