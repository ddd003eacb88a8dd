"""The drawing parts the charts share: a figure in the bulletin's size, vi-VN numbers on an axis, short unit
names, labelled bars and the strip of units between the highest and the lowest."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.common import fmt

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    from matplotlib.figure import Figure

COLOURS = {"admitted": "#b22222", "target": "#9e9e9e", "start": "#f4a261", "end": "#2a9d8f", "other": "#457b9d"}
WIDTH, DPI = 7.2, 150


def new_figure(height: float) -> tuple[Figure, object]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def vi_number_axis(axis: object, percent: bool = False) -> None:
    def show(value: float, _position: int) -> str:
        return fmt.percent(Decimal(str(value)), 0) if percent else fmt.number(round(value))

    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(show))  # type: ignore[attr-defined]


def short_name(name: str) -> str:
    """`Đảng bộ huyện Tuần Giáo` → `H. Tuần Giáo`: long unit names crowd a chart's axis."""
    replacements = {
        "Đảng bộ thành phố ": "TP. ",
        "Đảng bộ thị xã ": "TX. ",
        "Đảng bộ huyện ": "H. ",
        "Đảng bộ ": "",
    }
    for long, short in replacements.items():
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def rest_strip(axes: object, row: float, values: list[float], colour: str) -> None:
    """The units between the highest and the lowest, one tick each on their own row: their distribution."""
    axes.scatter(values, [row] * len(values), marker="|", s=120, color=colour, alpha=0.6, linewidths=1)  # type: ignore[attr-defined]


def labelled_bars(labels: list[str], values: list[float], texts: list[str], colour: str, title: str) -> Figure:
    """One horizontal bar per category, labelled with its value, first category on top."""
    figure, axes = new_figure(2.8)
    bars = axes.barh(labels, values, color=colour, height=0.6)
    axes.bar_label(bars, texts, padding=3, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*values, 1]) * 1.3)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_title(title, fontsize=10, loc="left")
    return figure
