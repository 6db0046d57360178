"""Reads a rendered chart figure back: the counts its SVG shapes carry and those of its table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SHAPE_TITLE = re.compile(r"^(?P<row>.+): (?P<status>[^:]+) (?P<count>\d+)$")


class ChartReader(HTMLParser):
    """Collects, per chart figure, the SVG shapes' titles and the table's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "figure" and "chart-figure" in classes:
            self.figures.append({"svg": [], "svg_title": "", "head": [], "rows": []})
        if tag in {"title", "th", "td", "figure"}:
            self._text = []
        if tag == "tr":
            self._row = []
        self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop() != tag:
            pass
        if not self.figures or ("figure" not in self._stack and tag != "figure"):
            return
        figure = self.figures[-1]
        text = " ".join("".join(self._text).split())
        if tag == "title" and "rect" in self._stack:
            figure["svg"].append(text)
        elif tag == "title" and "svg" in self._stack:
            figure["svg_title"] = text
        elif tag in {"th", "td"} and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            if "thead" in self._stack:
                figure["head"] = self._row
            elif "tbody" in self._stack:
                figure["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        self._text.append(data)


def read_charts(html: str) -> list[dict]:
    reader = ChartReader()
    reader.feed(html)
    return reader.figures


def svg_counts(figure: dict) -> dict[tuple[str, str], int]:
    """(row label, status label) -> count, from the titles of the SVG's bars."""
    counts = {}
    for title in figure["svg"]:
        match = SHAPE_TITLE.match(title)
        if match:
            counts[(match["row"], match["status"])] = int(match["count"])
    return counts


def table_counts(figure: dict, columns: list[str]) -> dict[tuple[str, str], int]:
    """(row label, column) -> count, for the named columns of the figure's table, zeros left out."""
    counts = {}
    for row in figure["rows"]:
        for column in columns:
            value = int(row[figure["head"].index(column)])
            if value:
                counts[(row[0], column)] = value
    return counts
