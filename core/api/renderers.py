"""Downloads: the item list as CSV or XLSX (same filters as JSON), each its own operation."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from rest_framework import negotiation, renderers


class TableRenderer(renderers.BaseRenderer):
    """Renders {"columns": [...], "rows": iterable of lists}."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError


class CSVRenderer(TableRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(data["columns"])
        writer.writerows(data["rows"])
        return out.getvalue().encode(self.charset)


class XLSXRenderer(TableRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Write-only mode streams rows into the file rather than building cells in memory.
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("items")
        sheet.append(data["columns"])
        for row in data["rows"]:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


class DownloadNegotiation(negotiation.DefaultContentNegotiation):
    """A download operation has one media type: answer with it whatever `Accept` says (a
    generated client may ask for */* or application/json), and never honour `?format=`."""

    def select_renderer(self, request, renderers_given, format_suffix=None):
        if request.method == "OPTIONS":  # the endpoint's description, not a file
            return renderers.JSONRenderer(), "application/json"
        renderer = renderers_given[0]
        return renderer, renderer.media_type
