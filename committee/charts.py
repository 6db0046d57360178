"""Server-side SVG charts of the committee's figures, shared by the dashboard and the report.

Plain SVG only (rect, text, line, polyline) with explicit fills and no CSS, so WeasyPrint draws
the PDF exactly as the browser draws the page. Colour never carries meaning alone: every chart
has a legend with text labels, prints its counts on the shapes wide enough to hold them, gives
each shape a <title>, and is followed by its figures as a table (templates/reporting/includes/).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Good news first, then work under way, then trouble, then silence: the order of every chart
# and of the tables beside them.
STATUS_ORDER = [
    "completed",
    "on_track",
    "in_progress",
    "not_started",
    "at_risk",
    "delayed",
    "discontinued",
    "none",
]
# (fill, ink for text on it); each ink reaches WCAG AA contrast on its fill.
PALETTE = {
    "completed": ("#1b6e3a", "#ffffff"),
    "on_track": ("#7cc48a", "#10291a"),
    "in_progress": ("#8fb8de", "#10233a"),
    "not_started": ("#d8d2c4", "#1d2a33"),
    "at_risk": ("#f0b73e", "#3a2a00"),
    "delayed": ("#b3261e", "#ffffff"),
    "discontinued": ("#6d6d6d", "#ffffff"),
    "none": ("#ffffff", "#1d2a33"),
}
OUTLINE = "#8a969e"
INK = "#1d2a33"
MUTED = "#5b6b76"
GRID = "#d6dde2"
ALERT = "#b3261e"
WINDOW = "#8fb8de"
BAND = "#eef3f0"
TIMELINE_LABEL, TIMELINE_NOTE, TIMELINE_ROW = 190, 150, 28
TERM_NAMES = {
    "short": gettext_lazy("Short term"),
    "medium": gettext_lazy("Medium term"),
    "long": gettext_lazy("Long term"),
    "unknown": gettext_lazy("Term unknown"),
}
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
# A label that is a name from the sources keeps its language and direction on an Urdu page.
SOURCE_WORDS = {"lang": "en", "direction": "ltr"}
CHAR = 0.6  # average glyph width as a share of the font size, to fit labels without measuring


def ordered_statuses(statuses: Iterable[dict]) -> list[dict]:
    """The figures' statuses ({key, label}) in chart order, each with its colours."""
    by_key = {status["key"]: status for status in statuses}
    return [
        {**by_key[key], "fill": PALETTE[key][0], "ink": PALETTE[key][1]}
        for key in STATUS_ORDER
        if key in by_key
    ]


def _fits(text: str, size: float, width: float) -> bool:
    return len(text) * size * CHAR <= width


def _clip(text: str, size: float, width: float) -> str:
    most = max(int(width / (size * CHAR)), 2)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> SafeString:
    return mark_safe(  # every text in `body` went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        # Drawn left to right in every language (bars grow rightwards, labels start at x):
        # an Urdu page's direction must not flip where its text starts.
        f'font-family="{FONT}" font-size="12" direction="ltr">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, fill: str = INK, anchor: str = "start", **extra) -> str:
    attributes = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in extra.items())
    return (
        f'<text x="{x:g}" y="{y:g}" fill="{fill}" text-anchor="{anchor}"{attributes}>'
        f"{escape(text)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str = "") -> str:
    stroke = f' stroke="{OUTLINE}" stroke-width="1"' if fill == "#ffffff" else ""
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" '
        f'fill="{fill}"{stroke}>{inner}</rect>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = ""
) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" '
        f'stroke="{stroke}" stroke-width="{width:g}"{dashes}/>'
    )


def _stack(statuses: list[dict], counts: dict[str, int], length: float, most: int):
    """Each status with items, its count, and its offset and length along a bar on which
    `most` items fill `length`."""
    offset = 0.0
    for status in statuses:
        count = counts.get(status["key"], 0)
        if count:
            span = length * count / most
            yield status, count, offset, span
            offset += span


def _legend(statuses: list[dict], width: float, top: float = 0) -> tuple[list[str], float]:
    """Swatches with their labels, wrapped to the chart's width; returns shapes and height."""
    shapes, x, y, line = [], 0.0, top, 20
    for status in statuses:
        size = 14 + 6 + len(status["label"]) * 12 * CHAR + 16
        if x and x + size > width:
            x, y = 0.0, y + line
        shapes.append(_rect(x, y + 3, 14, 14, status["fill"]))
        shapes.append(_text(x + 20, y + 14, status["label"]))
        x += size
    return shapes, y - top + line + 6


def status_bars(
    rows: list[dict], statuses: Iterable[dict], *, title: str, description: str, width: int = 760
) -> SafeString:
    """A stacked horizontal bar per row ({label, by_status}) of its items by status."""
    statuses = ordered_statuses(statuses)
    label_width, total_width, bar_height, gap = 230, 56, 22, 8
    bar_width = width - label_width - total_width
    most = max((sum(row["by_status"].values()) for row in rows), default=0) or 1
    shapes, top = _legend(statuses, width)
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        # A group's name as the sources write it (a pillar, an agency): English, left to right.
        shapes.append(_text(0, y + 15, _clip(row["label"], 12, label_width - 8), **SOURCE_WORDS))
        for status, count, offset, span in _stack(statuses, row["by_status"], bar_width, most):
            x = label_width + offset
            tip = f"{row['label']}: {status['label']} {count}"
            shapes.append(_rect(x, y, span, bar_height, status["fill"], tip))
            if _fits(str(count), 12, span - 4):
                shapes.append(
                    _text(x + span / 2, y + 15, str(count), fill=status["ink"], anchor="middle")
                )
        total = sum(row["by_status"].values())
        shapes.append(_text(width, y + 15, f"{total}", anchor="end", font_weight="bold"))
    height = top + len(rows) * (bar_height + gap)
    return _svg(width, height, title, description, shapes)


def trend_bars(
    trend: list[dict], statuses: Iterable[dict], *, title: str, description: str, width: int = 760
) -> SafeString:
    """A stacked column per quarter of items by status, topped by its share on track or
    completed; the last (chosen) quarter's label in bold."""
    statuses = ordered_statuses(statuses)
    shapes, top = _legend(statuses, width)
    axis_width, plot_height, label_band = 40, 220, 26
    top += 22  # room for the share above the tallest column
    slot = (width - axis_width) / max(len(trend), 1)
    column = min(slot * 0.6, 90)
    most = max((sum(point["by_status"].values()) for point in trend), default=0) or 1
    base = top + plot_height
    for tick in sorted({0, most // 2, most}):
        y = base - plot_height * tick / most
        shapes.append(_line(axis_width, y, width, y, GRID))
        shapes.append(_text(axis_width - 6, y + 4, str(tick), fill=MUTED, anchor="end"))
    for index, point in enumerate(trend):
        x = axis_width + slot * index + (slot - column) / 2
        y = float(base)
        for status, count, offset, span in _stack(statuses, point["by_status"], plot_height, most):
            y = base - offset - span
            tip = f"{point['quarter']}: {status['label']} {count}"
            shapes.append(_rect(x, y, column, span, status["fill"], tip))
            if span >= 14:
                middle = y + span / 2 + 4
                shapes.append(
                    _text(x + column / 2, middle, str(count), fill=status["ink"], anchor="middle")
                )
        last = index == len(trend) - 1
        weight = {"font_weight": "bold"} if last else {}
        shapes.append(
            _text(x + column / 2, y - 6, f"{point['good_share']:g}%", anchor="middle", **weight)
        )
        shapes.append(_text(x + column / 2, base + 18, point["quarter"], anchor="middle", **weight))
    return _svg(width, base + label_band, title, description, shapes)


def timeline_bars(
    timeline: list[dict], *, today_year: int, title: str, description: str, width: int = 760
) -> SafeString:
    """Per policy, its period as a band and a bar per term and window of its items, across
    the years; overdue items counted in red and drawn as a red line from the window's end to
    today's line."""
    years = [today_year + 1]
    for policy in timeline:
        years += [policy["start_year"], (policy["end_year"] or today_year) + 1]
        years += [window["start_year"] or policy["start_year"] for window in policy["windows"]]
        years += [(window["end_year"] or today_year) + 1 for window in policy["windows"]]
    first, last = min(years), max(years)
    step = (width - TIMELINE_LABEL - TIMELINE_NOTE) / max(last - first, 1)

    def x_of(year: int) -> float:
        return TIMELINE_LABEL + (year - first) * step

    shapes = [
        _text(x_of(year) + step / 2, 14, str(year), fill=MUTED, anchor="middle")
        for year in range(first, last)
    ]
    y = 24.0
    for policy in timeline:
        band = 22 + len(policy["windows"]) * TIMELINE_ROW
        start, end = policy["start_year"], (policy["end_year"] or today_year) + 1
        period = _("policy period %(start)s–%(end)s") % {
            "start": start,
            "end": policy["end_year"] or _("open"),
        }
        tip = f"{policy['policy']} {period}"
        shapes.append(_rect(x_of(start), y, x_of(end) - x_of(start), band, BAND, tip))
        shapes.append(_text(0, y + 15, policy["policy"], font_weight="bold", **SOURCE_WORDS))
        shapes.append(_text(x_of(start) + 4, y + 15, period, fill=MUTED))
        for index, window in enumerate(policy["windows"]):
            row_y = y + 22 + index * TIMELINE_ROW
            shapes += _window_row(policy, window, row_y, x_of, today_year, width)
        y += band + 10
    now = x_of(today_year)
    shapes.append(_line(now, 20, now, y, ALERT, width=2, dash="4 3"))
    shapes.append(_text(now + 4, y + 12, _("today (%(year)s)") % {"year": today_year}, fill=ALERT))
    return _svg(width, y + 18, title, description, shapes)


def _window_row(policy: dict, window: dict, y: float, x_of, today_year: int, width: int) -> list:
    begin = window["start_year"] or policy["start_year"]
    finish = (window["end_year"] or today_year) + 1
    label = _("%(term)s, %(start)s–%(end)s") % {
        "term": TERM_NAMES.get(window["term"], window["term"]),
        "start": begin,
        "end": window["end_year"] or _("open"),
    }
    count = window["items"]
    items = ngettext("%(count)s item", "%(count)s items", count) % {"count": count}
    overdue = _("%(count)s overdue") % {"count": window["overdue"]}
    tip = f"{policy['policy']} {label}: {items}, {overdue}"
    shapes = [
        _text(0, y + 14, _clip(label, 12, TIMELINE_LABEL - 8)),
        _rect(x_of(begin), y, x_of(finish) - x_of(begin), 20, WINDOW, tip),
        _text(x_of(begin) + 4, y + 14, items),
    ]
    if window["overdue"] and finish <= today_year:
        # The years the overdue items have run past their window, up to today.
        late = _("%(count)s overdue since %(year)s") % {"count": window["overdue"], "year": finish}
        shapes.append(_rect(x_of(finish), y + 7, x_of(today_year) - x_of(finish), 6, ALERT, late))
    note_x = width - TIMELINE_NOTE + 8
    if window["overdue"]:
        shapes.append(_text(note_x, y + 14, overdue, fill=ALERT, font_weight="bold"))
    else:
        shapes.append(_text(note_x, y + 14, _("none overdue"), fill=MUTED))
    return shapes
