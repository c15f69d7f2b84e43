"""Geometry for the server-drawn SVG charts; the templates draw it, and show the numbers as tables."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

# A phone's chart: drawn for its width, so that its text stays as large as the page's.
NARROW = 360
MONTH_LABELS = 5  # at most so many months labelled on a phone's chart (the table lists every month)


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: float
    labelled: bool = True  # its month and value are written beside it


@dataclass
class LineChart:
    width: int
    height: int
    points: list[Point]
    ticks: list[tuple[float, int]]  # (y, percent)
    left: int
    bottom: int
    reference: list[Point] = field(default_factory=list)  # a second line to compare with (the province's)
    narrow: LineChart | None = None  # the same chart drawn for a phone

    @property
    def path(self) -> str:
        return _path(self.points)

    @property
    def reference_path(self) -> str:
        return _path(self.reference)


def _path(points: list[Point]) -> str:
    return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)


Series = list[tuple[str, float | None]]


def rate_chart(
    series: Series, width: int = 640, height: int = 240, reference: Series | None = None, narrow: bool = True
) -> LineChart | None:
    """A line of on-time rates by month, and the `reference` line for the same months when given; the
    scale starts at a round ten below the lowest rate. With `narrow`, also the chart for a phone,
    which labels at most MONTH_LABELS months (the last always)."""
    known = [(label, value) for label, value in series if value is not None]
    if not known:
        return None
    labels = sorted({label for label, _v in known})
    compared = [(label, value) for label, value in reference or () if value is not None and label in labels]
    values = [v for _l, v in known + compared]
    left, right, top, bottom = 48, 36, 24, 32
    low = max(0, math.floor(min(values) / 10) * 10 - (10 if min(values) % 10 < 2 else 0))
    span = max(100 - low, 10)
    inner_w, inner_h = width - left - right, height - top - bottom
    step = inner_w / max(len(labels) - 1, 1)
    x_of = {label: left + (i * step if len(labels) > 1 else inner_w / 2) for i, label in enumerate(labels)}

    def y_of(value: float) -> float:
        return top + inner_h * (100 - value) / span

    every = 1 if width > NARROW else math.ceil(len(labels) / MONTH_LABELS)
    last = len(known) - 1
    points = [Point(x_of[label], y_of(v), label, v, (last - i) % every == 0) for i, (label, v) in enumerate(known)]
    ticks = [(y_of(t), t) for t in range(int(low), 101, 10)]
    others = [Point(x_of[label], y_of(v), label, v) for label, v in compared]
    chart = LineChart(width, height, points, ticks, left, height - bottom, others)
    if narrow:
        chart.narrow = rate_chart(series, NARROW, 260, reference, narrow=False)
    return chart


@dataclass
class Bar:
    y: float
    width: float
    label: str
    value: float
    count: int
    lines: list[str] = field(default_factory=list)  # the label, wrapped to the chart's width

    @property
    def bar_y(self) -> float:
        """The bar's top: under the label's last line."""
        return self.y + 18 * len(self.lines)


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    bar_height: int
    narrow: BarChart | None = None  # the same chart drawn for a phone


def share_chart(
    items: list[tuple[str, int]], total: int, keep: int = 8, others: str = "", width: int = 640, narrow: bool = True
) -> BarChart | None:
    """Horizontal bars of each item's share of `total`; beyond `keep` items, one bar for the rest."""
    items = [(label, count) for label, count in sorted(items, key=lambda i: -i[1]) if count]
    if not total or not items:
        return None
    shown = items[:keep]
    rest = sum(count for _label, count in items[keep:])
    if rest:
        shown.append((others, rest))
    # Each row: the label (wrapped, some 9 pixels a letter), the bar under it, the share at the bar's end.
    scale, bars, y = width - 72, [], 0.0
    for label, count in shown:
        lines = textwrap.wrap(label, width // 9) or [""]
        bars.append(Bar(y, max(scale * count / total, 1), label, count * 100 / total, count, lines))
        y += 24 + 18 * len(lines)
    chart = BarChart(width, int(y), bars, 14)
    if narrow:
        chart.narrow = share_chart(items, total, keep, others, NARROW, narrow=False)
    return chart
