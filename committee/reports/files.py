"""The report's downloadable files, served the same way by the web pages and the API."""

from __future__ import annotations

from django.http import FileResponse, Http404

from committee.models import QuarterlyReport

FILE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def report_file_response(report: QuarterlyReport, fmt: str) -> FileResponse:
    """One of the report's files as an attachment (web and API); 404 until it exists."""
    stored = getattr(report, fmt) if fmt in FILE_TYPES else None
    if not stored:
        raise Http404("This report has no such file yet.")
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=stored.name.rsplit("/", 1)[-1],
        content_type=FILE_TYPES[fmt],
    )
