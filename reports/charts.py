"""Charts as server-rendered SVG (templates/reports/_chart.html): the geometry is computed
here, the template only draws it. No script and no style attribute (the CSP allows
neither): colours are SVG presentation attributes. The palette is Okabe and Ito's, which
people with the common colour-vision deficiencies tell apart; every chart has a title,
axis labels, and its data table beneath it on the page."""

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
WIDTH = 720
LEFT, RIGHT, TOP, BOTTOM = 190, 40, 48, 64


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    text_x: float
    text_y: float
    colour: str


@dataclass
class Tick:
    position: float
    text: str


@dataclass
class Series:
    name: str
    colour: str
    points: str
    dots: list[tuple[float, float]]
    legend_x: float
    legend_y: float
    dash: str = ""


@dataclass
class Chart:
    kind: str  # "hbar", "vbar" or "line"
    title: str
    x_label: str
    y_label: str
    height: int
    left: float
    top: float
    right: float
    bottom: float
    width: int = WIDTH
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    categories: list[Tick] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    empty: bool = False

    @property
    def mid_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_ticks(highest: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least `highest`."""
    if highest <= 0:
        return [0.0, 1.0]
    raw = highest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(highest / step) * step
    return [i * step for i in range(round(top / step) + 1)]


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    *, title: str, labels: list[str], values: list[Any], x_label: str, y_label: str
) -> Chart:
    """Horizontal bars, one per label (the funnel, volunteers by region)."""
    numbers = [float(v or 0) for v in values]
    row = 32
    height = TOP + BOTTOM + max(len(labels), 1) * row
    chart = Chart(
        kind="hbar",
        title=title,
        x_label=x_label,
        y_label=y_label,
        height=height,
        left=LEFT,
        top=TOP,
        right=WIDTH - RIGHT,
        bottom=height - BOTTOM,
        empty=not any(numbers),
    )
    ticks = nice_ticks(max(numbers, default=0))
    scale = (chart.right - chart.left) / ticks[-1]
    chart.ticks = [Tick(chart.left + t * scale, number(t)) for t in ticks]
    for index, (label, value) in enumerate(zip(labels, numbers, strict=True)):
        y = TOP + index * row + 6
        width = value * scale
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                text=number(value),
                x=chart.left,
                y=y,
                width=width,
                height=row - 12,
                label_x=chart.left - 8,
                label_y=y + (row - 12) / 2 + 4,
                text_x=chart.left + width + 6,
                text_y=y + (row - 12) / 2 + 4,
                colour=PALETTE[0],
            )
        )
    return chart


def column_chart(
    *, title: str, labels: list[str], values: list[Any], x_label: str, y_label: str
) -> Chart:
    """Vertical bars over time (hours by month)."""
    numbers = [float(v or 0) for v in values]
    height = 360
    chart = Chart(
        kind="vbar",
        title=title,
        x_label=x_label,
        y_label=y_label,
        height=height,
        left=80,
        top=TOP,
        right=WIDTH - RIGHT,
        bottom=height - BOTTOM - 16,
        empty=not any(numbers),
    )
    ticks = nice_ticks(max(numbers, default=0))
    scale = (chart.bottom - chart.top) / ticks[-1]
    chart.ticks = [Tick(chart.bottom - t * scale, number(t)) for t in ticks]
    slot = (chart.right - chart.left) / max(len(labels), 1)
    for index, (label, value) in enumerate(zip(labels, numbers, strict=True)):
        x = chart.left + index * slot + slot * 0.15
        bar_height = value * scale
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                text=number(value),
                x=x,
                y=chart.bottom - bar_height,
                width=slot * 0.7,
                height=bar_height,
                label_x=x + slot * 0.35,
                label_y=chart.bottom + 16,
                text_x=x + slot * 0.35,
                text_y=chart.bottom - bar_height - 4,
                colour=PALETTE[0],
            )
        )
    chart.categories = _thinned([Tick(bar.label_x, bar.label) for bar in chart.bars])
    return chart


def line_chart(
    *, title: str, labels: list[str], series: dict[str, list[Any]], x_label: str, y_label: str
) -> Chart:
    """Lines over time, one per series (days to decision: median and 90th percentile)."""
    height = 360
    chart = Chart(
        kind="line",
        title=title,
        x_label=x_label,
        y_label=y_label,
        height=height,
        left=80,
        top=TOP + 16,
        right=WIDTH - RIGHT,
        bottom=height - BOTTOM - 16,
    )
    present = [float(v) for values in series.values() for v in values if v is not None]
    chart.empty = not present
    ticks = nice_ticks(max(present, default=0))
    scale = (chart.bottom - chart.top) / ticks[-1]
    chart.ticks = [Tick(chart.bottom - t * scale, number(t)) for t in ticks]
    slot = (chart.right - chart.left) / max(len(labels), 1)
    xs = [chart.left + slot * (i + 0.5) for i in range(len(labels))]
    chart.categories = _thinned([Tick(x, label) for x, label in zip(xs, labels, strict=True)])
    dashes = ["", "6 4", "2 3"]
    for index, (name, values) in enumerate(series.items()):
        dots = [
            (x, chart.bottom - float(v) * scale)
            for x, v in zip(xs, values, strict=True)
            if v is not None
        ]
        chart.series.append(
            Series(
                name=name,
                colour=PALETTE[index % len(PALETTE)],
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in dots),
                dots=dots,
                legend_x=chart.left + 16 + index * 170,
                legend_y=TOP + 4,
                dash=dashes[index % len(dashes)],
            )
        )
    return chart


def _thinned(ticks: list[Tick], most: int = 12) -> list[Tick]:
    """At most `most` category labels, evenly spaced, so they never overlap."""
    if len(ticks) <= most:
        return ticks
    step = math.ceil(len(ticks) / most)
    return ticks[::step]


def no_data() -> str:
    return _("No data for these filters.")
