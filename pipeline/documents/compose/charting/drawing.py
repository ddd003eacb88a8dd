"""The drawing parts the charts share: a figure in the bulletin's size, vi-VN numbers on an axis, short unit
names, labelled bars and the strip of units between the highest and the lowest."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.common import fmt, labels

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


ROW_HEIGHT, MARGIN_HEIGHT = 0.32, 1.2  # inches: 21 rows at most stay well within a page
REST_LABEL = "Các đơn vị còn lại"
MOST_BARS = 10  # a chart by unit shows every unit up to twice this many, else the highest and the lowest


def titled(subject: str, words: str) -> str:
    """A chart's title: what it shows, and on a line of its own the window it shows, in words."""
    return f"{subject}\n{labels.capitalized(words)}"


def caption(subject: str, words: str) -> str:
    """The report's caption of a chart: its title on one line."""
    return f"{subject}, {words}"


def highest_and_lowest(codes: list[str], key: Callable[[str], float]) -> tuple[list[str], list[str], list[str]]:
    """(highest, rest, lowest) of `codes` by `key`, highest first: every unit among the highest when there
    are at most 2 × MOST_BARS, else MOST_BARS at each end and the others as the rest."""
    ordered = sorted(codes, key=key, reverse=True)
    if len(ordered) <= 2 * MOST_BARS:
        return ordered, [], []
    return ordered[:MOST_BARS], ordered[MOST_BARS:-MOST_BARS], ordered[-MOST_BARS:]
