"""The figures of the chart of admissions against target (charts.admissions_vs_target): every unit's
admissions beside its target, or, with many units, the highest and lowest shares of target reached and the
others' spread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.common import fmt
from pipeline.documents.compose.charting.drawing import (
    COLOURS,
    MARGIN_HEIGHT,
    REST_LABEL,
    ROW_HEIGHT,
    new_figure,
    rest_strip,
    short_name,
    vi_number_axis,
)
from pipeline.documents.compose.edition import EditionData

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    from matplotlib.figure import Figure


def admissions_beside_target(data: EditionData, window: str, units: list[str], title: str) -> Figure:
    names = [short_name(data.unit_name(c)) for c in units]
    admitted = [int(data.get(c, window, "admitted") or 0) for c in units]
    target = [float(data.get(c, window, "target") or 0) for c in units]
    figure, axes = new_figure(ROW_HEIGHT * len(units) + MARGIN_HEIGHT)
    rows = range(len(units))
    axes.barh([r + 0.2 for r in rows], target, height=0.4, color=COLOURS["target"], label="Chỉ tiêu")
    axes.barh([r - 0.2 for r in rows], admitted, height=0.4, color=COLOURS["admitted"], label="Kết nạp")
    for r, code in zip(rows, units, strict=True):
        pct = data.get(code, window, "target_pct")
        if pct is not None:
            axes.annotate(
                fmt.percent(pct),
                (max(admitted[r], target[r]), r),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="#b22222" if pct < 100 else "#333333",
            )
    axes.set_yticks(list(rows), names, fontsize=8)
    axes.invert_yaxis()
    vi_number_axis(axes.xaxis)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.set_title(title, fontsize=10, loc="left")
    return figure


def attainment_extremes(
    data: EditionData, window: str, highest: list[str], rest: list[str], lowest: list[str], title: str
) -> Figure:
    def pct(code: str) -> float:
        return float(data.get(code, window, "target_pct") or 0)

    units = [*highest, None, *lowest]
    figure, axes = new_figure(ROW_HEIGHT * len(units) + MARGIN_HEIGHT)
    for row, code in enumerate(units):
        if code is None:
            rest_strip(axes, row, [pct(c) for c in rest], COLOURS["other"])
            continue
        colour = COLOURS["admitted"] if pct(code) < 100 else COLOURS["other"]
        axes.barh(row, pct(code), height=0.6, color=colour)
        axes.annotate(
            fmt.percent(data.get(code, window, "target_pct")),
            (pct(code), row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    axes.axvline(100, color="#333333", linewidth=0.8, linestyle="--")
    names = [REST_LABEL if code is None else short_name(data.unit_name(code)) for code in units]
    axes.set_yticks(range(len(units)), names, fontsize=8)
    axes.invert_yaxis()
    vi_number_axis(axes.xaxis, percent=True)
    axes.set_xlim(0, max(pct(c) for c in [*highest, *rest, *lowest]) * 1.15)
    axes.set_title(title, fontsize=10, loc="left")
    return figure
