"""Bar charts as inline SVG, computed here and drawn by templates/chart.svg (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str  # the value as shown


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    baseline: float
    label_every: int  # show every n-th category label (days: not all 30 fit)


def bar_chart(
    title: str,
    items: list[tuple[str, float]],
    *,
    width: int = 640,
    height: int = 220,
    value_format: str = "{:g}",
) -> BarChart:
    top, bottom, left, right = 20, 40, 10, 10
    plot_width, plot_height = width - left - right, height - top - bottom
    biggest = max((value for _, value in items), default=0) or 1
    slot = plot_width / max(len(items), 1)
    bars = [
        Bar(
            label=name,
            value=value,
            x=left + index * slot + slot * 0.15,
            y=top + plot_height - plot_height * value / biggest,
            width=slot * 0.7,
            height=plot_height * value / biggest,
            text=value_format.format(value),
        )
        for index, (name, value) in enumerate(items)
    ]
    return BarChart(title, width, height, bars, top + plot_height, max(1, len(items) // 10))
