"""Geometry of the dashboard charts, drawn as inline SVG by the templates.

Why SVG from the server rather than a JavaScript chart library: every bar
and point is a plain link to the filtered request list (drill-down works
without a script and from the keyboard), a chart prints crisply, its values
are in the page for screen readers and tests, and nothing is downloaded from
elsewhere. Colours are the Okabe–Ito palette, distinguishable with the
common colour-vision deficiencies; every chart has a legend and a table of
its values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..plugin_api.types import IndicatorResult

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000")
WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 190
PLOT_HEIGHT = 200
MARGIN_LEFT = 44
MARGIN_BOTTOM = 46


@dataclass
class Mark:
    """One drawn value: a bar segment or a point, with its link and tooltip."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    value: float
    category: str
    series: str
    title: str
    link: str | None = None


@dataclass
class Chart:
    kind: str
    orientation: str  # "horizontal" (categories down the side) or "vertical" (time across)
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    labels: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, text
    ticks: list[tuple[float, float, str]] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (colour, "x,y x,y ...")
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)


def nice_maximum(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _is_time(result: IndicatorResult) -> bool:
    keys = [key for key, _label in result.categories]
    return bool(keys) and all(len(k) == 10 and k[4] == "-" and k[7] == "-" for k in keys)


def build_chart(kind: str, result: IndicatorResult, link_for, number_format) -> Chart | None:
    """The chart of ``result`` as ``kind`` (bar, stacked or line); None when
    there is nothing to draw. ``link_for(category, series)`` gives a
    drill-down URL or None; ``number_format`` formats a value in the locale."""
    series = [s for s in result.series if s.code != "count" or len(result.series) == 1]
    if not result.categories or not series:
        return None
    colours = {s.code: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    legend = [(colours[s.code], s.label) for s in series]
    if kind == "line" or _is_time(result):
        return _vertical(kind, result, series, colours, legend, link_for, number_format)
    return _horizontal(kind, result, series, colours, legend, link_for, number_format)


def _value(v) -> float:
    return float(v or 0)


def _horizontal(kind, result, series, colours, legend, link_for, fmt) -> Chart:
    stacked = kind == "stacked"
    rows = len(result.categories)
    per_row = 1 if stacked else len(series)
    row_height = BAR_HEIGHT * per_row + 8
    height = rows * row_height + 24
    totals = [sum(_value(s.values[i]) for s in series) if stacked else max(_value(s.values[i]) for s in series)
              for i in range(rows)]
    top = nice_maximum(max(totals) if totals else 0)
    scale = (WIDTH - LABEL_WIDTH - 60) / top
    chart = Chart(kind, "horizontal", WIDTH, height, legend=legend)
    for i, (key, label) in enumerate(result.categories):
        y0 = i * row_height + 4
        chart.labels.append((LABEL_WIDTH - 6, y0 + row_height / 2, label))
        x = LABEL_WIDTH
        for j, s in enumerate(series):
            value = _value(s.values[i])
            width = value * scale
            y = y0 if stacked else y0 + j * BAR_HEIGHT
            title = f"{label} — {s.label} : {fmt(value)}"
            chart.marks.append(Mark(x, y, width, BAR_HEIGHT - 2, colours[s.code], value, label, s.label, title,
                                    link_for(key, s.code)))
            if stacked:
                x += width
        chart.ticks.append((LABEL_WIDTH + totals[i] * scale + 4, y0 + row_height / 2, fmt(totals[i])))
    return chart


def _vertical(kind, result, series, colours, legend, link_for, fmt) -> Chart:
    stacked = kind == "stacked"
    n = len(result.categories)
    plot_width = WIDTH - MARGIN_LEFT - 10
    step = plot_width / n
    totals = [sum(_value(s.values[i]) for s in series) if stacked else max(_value(s.values[i]) for s in series)
              for i in range(n)]
    top = nice_maximum(max(totals) if totals else 0)
    scale = PLOT_HEIGHT / top
    chart = Chart(kind, "vertical", WIDTH, PLOT_HEIGHT + MARGIN_BOTTOM + 10, legend=legend)
    for fraction in (0, 0.5, 1):
        chart.ticks.append((MARGIN_LEFT - 6, 10 + PLOT_HEIGHT - fraction * PLOT_HEIGHT, fmt(top * fraction)))
    # At most ~12 labels under the axis, evenly spread.
    every = max(1, -(-n // 12))
    for i, (key, label) in enumerate(result.categories):
        if i % every == 0:
            chart.labels.append((MARGIN_LEFT + step * (i + 0.5), 10 + PLOT_HEIGHT + 16, label))
    if kind == "line":
        for s in series:
            points = []
            for i, (key, label) in enumerate(result.categories):
                value = _value(s.values[i])
                x = MARGIN_LEFT + step * (i + 0.5)
                y = 10 + PLOT_HEIGHT - value * scale
                points.append(f"{x:.1f},{y:.1f}")
                chart.marks.append(Mark(x, y, 0, 0, colours[s.code], value, label, s.label,
                                        f"{label} — {s.label} : {fmt(value)}", link_for(key, s.code)))
            chart.lines.append((colours[s.code], " ".join(points)))
        return chart
    bar = max(2.0, step * 0.8 / (1 if stacked else len(series)))
    for i, (key, label) in enumerate(result.categories):
        base = 10 + PLOT_HEIGHT
        x = MARGIN_LEFT + step * i + step * 0.1
        for j, s in enumerate(series):
            value = _value(s.values[i])
            height = value * scale
            if stacked:
                base -= height
                y, left = base, x
            else:
                y, left = 10 + PLOT_HEIGHT - height, x + j * bar
            chart.marks.append(Mark(left, y, bar, height, colours[s.code], value, label, s.label,
                                    f"{label} — {s.label} : {fmt(value)}", link_for(key, s.code)))
    return chart
