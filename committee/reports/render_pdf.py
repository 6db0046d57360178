"""The report as a PDF: the same document as the web view, laid out for print by WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML

from committee.models import QuarterlyReport
from committee.reports.document import document_context

STYLESHEET = "css/report.css"
# Urdu text in the PDF: Debian's fonts-noto-core (the Dockerfile installs it). Given to
# WeasyPrint alone: a web page may not load a file: URL, so the stylesheet cannot name it.
URDU_FONTS = """
@font-face { font-family: "Noto Nastaliq Urdu"; src: local("Noto Nastaliq Urdu"),
  url("file:///usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf"); }
@font-face { font-family: "Noto Nastaliq Urdu"; font-weight: bold;
  src: local("Noto Nastaliq Urdu Bold"),
  url("file:///usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Bold.ttf"); }
"""


def pdf_html(report: QuarterlyReport, snapshot: dict) -> str:
    """The document WeasyPrint lays out, in the active language."""
    return render_to_string(
        "committee/report_pdf.html", document_context(report, snapshot, printed=True)
    )


def render_pdf(report: QuarterlyReport, snapshot: dict) -> bytes:
    html = pdf_html(report, snapshot)
    # Everything is local: the stylesheet is read from the static source directory, charts are
    # inline SVG, and relative references resolve against the static files, never the network.
    base_url = f"{settings.BASE_DIR / 'static'}/"
    stylesheets = [CSS(filename=finders.find(STYLESHEET))]
    if translation.get_language_bidi():
        # Only the Urdu report names these faces (report.css, html[lang="ur"]); an English
        # one never asks for them by name, so WeasyPrint is not made to load them for it.
        stylesheets.insert(0, CSS(string=URDU_FONTS))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
