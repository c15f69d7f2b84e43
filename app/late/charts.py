"""Geometry for the server-drawn SVG charts; the templates draw it, and show the numbers as tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: float


@dataclass
class LineChart:
    width: int
    height: int
    points: list[Point]
    ticks: list[tuple[float, int]]  # (y, percent)
    left: int
    bottom: int
    reference: list[Point] = field(default_factory=list)  # a second line to compare with (the province's)

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
    series: Series, width: int = 640, height: int = 240, reference: Series | None = None
) -> LineChart | None:
    """A line of on-time rates by month, and the `reference` line for the same months when given; the
    scale starts at a round ten below the lowest rate."""
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

    points = [Point(x_of[label], y_of(v), label, v) for label, v in known]
    ticks = [(y_of(t), t) for t in range(int(low), 101, 10)]
    others = [Point(x_of[label], y_of(v), label, v) for label, v in compared]
    return LineChart(width, height, points, ticks, left, height - bottom, others)


@dataclass
class Bar:
    y: float
    width: float
    label: str
    value: float
    count: int


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    bar_height: int


def share_chart(
    items: list[tuple[str, int]], total: int, keep: int = 8, others: str = "", width: int = 640
) -> BarChart | None:
    """Horizontal bars of each item's share of `total`; beyond `keep` items, one bar for the rest."""
    items = [(label, count) for label, count in sorted(items, key=lambda i: -i[1]) if count]
    if not total or not items:
        return None
    shown = items[:keep]
    rest = sum(count for _label, count in items[keep:])
    if rest:
        shown.append((others, rest))
    # Each row: the label on one line, the bar under it, the share at the bar's end.
    row, scale = 42, width - 72
    bars = [
        Bar(i * row, max(scale * count / total, 1), label, count * 100 / total, count)
        for i, (label, count) in enumerate(shown)
    ]
    return BarChart(width, len(bars) * row, bars, 14)
