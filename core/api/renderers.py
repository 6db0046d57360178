"""Downloads: the item list as CSV or XLSX (same filters as JSON), each its own operation.

Both write through core.tables, the one table writer (formula-safe cells, BOM, styled header).
"""

from __future__ import annotations

from rest_framework import negotiation, renderers

from core import tables


class TableRenderer(renderers.BaseRenderer):
    """Renders {"columns": [...], "rows": iterable of lists, "title": sheet name (optional)}."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError


class CSVRenderer(TableRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return tables.write_csv(data["columns"], data["rows"])


class XLSXRenderer(TableRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return tables.write_xlsx([(data.get("title", "Items"), data["columns"], data["rows"])])


class DownloadNegotiation(negotiation.DefaultContentNegotiation):
    """A download operation has one media type: answer with it whatever `Accept` says (a
    generated client may ask for */* or application/json), and never honour `?format=`."""

    def select_renderer(self, request, renderers_given, format_suffix=None):
        if request.method == "OPTIONS":  # the endpoint's description, not a file
            return renderers.JSONRenderer(), "application/json"
        renderer = renderers_given[0]
        return renderer, renderer.media_type
