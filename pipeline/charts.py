"""The bulletin's charts (SPEC 6.3), drawn with matplotlib's object API.

Each function returns a `Chart`: the matplotlib Figure and a text alternative stating its main figures
(the HTML's alt text). A notebook shows it by evaluating it; analysts adjust one through `chart.figure`
or draw their own from the same `BulletinData`.
DejaVu Sans, which matplotlib ships, has every Vietnamese glyph, so labels render the same everywhere.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import ParamSpec

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pipeline import fmt, forms
from pipeline.bulletin import BulletinData, below_target_units
from pipeline.indicators import PROVINCE
from pipeline.periods import parse

P = ParamSpec("P")

COLOURS = {"admitted": "#b22222", "target": "#9e9e9e", "start": "#f4a261", "end": "#2a9d8f", "other": "#457b9d"}
WIDTH, DPI = 7.2, 150

# The bulletin's style, applied while a chart is drawn and saved, over whatever rcParams the notebook has:
# an analyst may restyle the charts there, and nothing is left set in the process once a chart is made.
STYLE = {"font.family": "DejaVu Sans", "svg.hashsalt": "bulletin", "axes.spines.top": False}


def _styled(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    @functools.wraps(draw)
    def styled(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return styled


@dataclass
class Chart:
    figure: Figure
    alt: str

    def png(self) -> bytes:
        """The chart as PNG; no metadata that changes between runs."""
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            self.figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[dict, dict]:
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"alt": self.alt}}


def _figure(height: float) -> tuple[Figure, object]:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _vi_number_axis(axis: object, percent: bool = False) -> None:
    def show(value: float, _position: int) -> str:
        return fmt.percent(Decimal(str(value)), 0) if percent else fmt.number(round(value))

    axis.set_major_formatter(FuncFormatter(show))  # type: ignore[attr-defined]


def _short_name(name: str) -> str:
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


@_styled
def admissions_vs_target(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Units ranked by the share of their target reached, admissions beside target."""

    def reached(code: str) -> Decimal:
        pct = data.get(code, window, "target_pct")
        return pct if isinstance(pct, Decimal) else Decimal(-1)

    units = sorted(data.indicators.unit_scopes(), key=reached, reverse=True)
    names = [_short_name(data.unit_name(c)) for c in units]
    admitted = [int(data.get(c, window, "admitted") or 0) for c in units]
    target = [float(data.get(c, window, "target") or 0) for c in units]
    figure, axes = _figure(0.32 * len(units) + 1.2)
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
    _vi_number_axis(axes.xaxis)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.set_title("Kết nạp so với chỉ tiêu từ đầu nhiệm kỳ, xếp theo tỷ lệ đạt", fontsize=10, loc="left")
    below = below_target_units(data, window)
    alt = (
        "Biểu đồ thanh: kết nạp đảng viên so với chỉ tiêu từ đầu nhiệm kỳ, từng đơn vị, xếp theo tỷ lệ đạt. "
        + "; ".join(f"{_short_name(data.unit_name(c))} {fmt.percent(reached(c))}" for c in units if reached(c) >= 0)
        + (f". {len(below)} đơn vị chưa đạt chỉ tiêu." if below else ". Mọi đơn vị đều đạt chỉ tiêu.")
    )
    return Chart(figure, alt)


COMPOSITION = {
    "youth_union": "Đoàn viên thanh niên",
    "ethnic_minority": "Dân tộc thiểu số",
    "women": "Nữ",
    "occ_farmer": "Nông dân",
    "edu_upper_secondary": "Trung học phổ thông",
    "religious": "Tôn giáo",
    "readmitted": "Kết nạp lại",
}


def _labelled_bars(labels: list[str], values: list[float], texts: list[str], colour: str, title: str) -> Figure:
    """One horizontal bar per category, labelled with its value, first category on top."""
    figure, axes = _figure(2.8)
    bars = axes.barh(labels, values, color=colour, height=0.6)
    axes.bar_label(bars, texts, padding=3, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*values, 1]) * 1.3)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_title(title, fontsize=10, loc="left")
    return figure


@_styled
def composition(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Shares of the members admitted who are youth union members, women, ethnic minority, …"""
    shares = [data.get(PROVINCE, window, f"{code}_pct") for code in COMPOSITION]
    figure = _labelled_bars(
        list(COMPOSITION.values()),
        [float(s or 0) for s in shares],
        [fmt.percent(s) for s in shares],
        COLOURS["other"],
        "Cơ cấu đảng viên mới kết nạp, từ đầu nhiệm kỳ (% tổng số)",
    )
    _vi_number_axis(figure.axes[0].xaxis, percent=True)
    alt = "Biểu đồ thanh: tỷ lệ đảng viên mới kết nạp từ đầu nhiệm kỳ là " + "; ".join(
        f"{label.lower()} {fmt.percent(s)}" for label, s in zip(COMPOSITION.values(), shares, strict=True)
    )
    return Chart(figure, alt + ".")


@_styled
def by_organization(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Admissions by type of grassroots party organization."""
    codes = forms.BREAKDOWNS["organization"]
    counts = [int(data.get(PROVINCE, window, code) or 0) for code in codes]
    shares = [data.get(PROVINCE, window, f"{code}_pct") for code in codes]
    figure = _labelled_bars(
        [forms.ROW_BY_CODE[code].label for code in codes],
        counts,
        [f"{fmt.number(c)} ({fmt.percent(s)})" for c, s in zip(counts, shares, strict=True)],
        COLOURS["admitted"],
        "Đảng viên mới kết nạp theo loại hình tổ chức cơ sở đảng",
    )
    _vi_number_axis(figure.axes[0].xaxis)
    alt = "Biểu đồ thanh: đảng viên mới kết nạp từ đầu nhiệm kỳ theo loại hình tổ chức cơ sở đảng: " + "; ".join(
        f"{forms.ROW_BY_CODE[code].label} {fmt.number(c)} ({fmt.percent(s)})"
        for code, c, s in zip(codes, counts, shares, strict=True)
    )
    return Chart(figure, alt + ".")


@_styled
def villages(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Villages with no party member and villages with no cell of their own, start and end, by district."""
    districts = [c for c in data.indicators.unit_scopes() if data.reference.units[c].has_villages]
    names = [_short_name(data.unit_name(c)) for c in districts]
    figure = Figure(figsize=(WIDTH, 3.4), dpi=DPI, layout="constrained")
    axes_pair = figure.subplots(1, 2, sharey=True)
    panels = (
        ("villages_no_member", "Thôn, bản chưa có đảng viên"),
        ("villages_joint", "Chưa có chi bộ, sinh hoạt ghép"),
    )
    for axes, (stem, title) in zip(axes_pair, panels, strict=True):
        start = [int(data.get(c, window, f"{stem}_start") or 0) for c in districts]
        end = [int(data.get(c, window, f"{stem}_end") or 0) for c in districts]
        rows = range(len(districts))
        first, last = data.term_periods[0], data.period.last
        axes.barh([r - 0.2 for r in rows], start, height=0.4, color=COLOURS["start"], label=f"Đầu {first}")
        axes.barh([r + 0.2 for r in rows], end, height=0.4, color=COLOURS["end"], label=f"Cuối {last}")
        axes.set_yticks(list(rows), names, fontsize=8)
        axes.set_title(title, fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        _vi_number_axis(axes.xaxis)
        axes.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    axes_pair[0].invert_yaxis()
    figure.suptitle("Thôn, bản theo đảng bộ huyện, thị xã, thành phố", fontsize=10, x=0.02, ha="left")

    def change(scope: str, stem: str) -> str:
        start, end = data.get(scope, window, f"{stem}_start"), data.get(scope, window, f"{stem}_end")
        return f"từ {fmt.number(start or 0)} xuống {fmt.number(end or 0)}"

    most = max(districts, key=lambda c: int(data.get(c, window, "villages_no_member_end") or 0), default=None)
    alt = (
        "Biểu đồ thanh theo đảng bộ huyện, thị xã, thành phố, đầu và cuối kỳ. Toàn tỉnh, thôn, bản chưa có đảng "
        f"viên {change(PROVINCE, 'villages_no_member')}; chưa có chi bộ, sinh hoạt ghép "
        f"{change(PROVINCE, 'villages_joint')}."
        + (
            f" Còn nhiều thôn, bản chưa có đảng viên nhất: {_short_name(data.unit_name(most))} "
            f"({fmt.number(data.get(most, window, 'villages_no_member_end') or 0)})."
            if most
            else ""
        )
    )
    return Chart(figure, alt)


def half_year_label(text: str) -> str:
    """`2017H1` → `6T đầu` over `2017`: the way Vietnamese reports name half-years."""
    period = parse(text)
    return f"6T {'đầu' if period.half == 1 else 'cuối'}\n{period.year}"


@_styled
def admissions_trend(data: BulletinData) -> Chart:
    """Admissions against the half-year target for every half-year on record."""
    series = data.indicators.trend()
    figure, axes = _figure(2.8)
    labels = [half_year_label(period) for period, _, _ in series]
    admitted = [count for _, count, _ in series]
    # A half-year whose target cannot be computed leaves a gap in the target line.
    targets = [float("nan") if target is None else float(target) for _, _, target in series]
    axes.bar(labels, admitted, color=COLOURS["admitted"], width=0.6, label="Kết nạp")
    axes.plot(labels, targets, color="#333333", marker="o", linewidth=1.5, label="Chỉ tiêu 6 tháng")
    axes.bar_label(axes.containers[0], [fmt.number(v) for v in admitted], padding=2, fontsize=8)
    _vi_number_axis(axes.yaxis)
    known = [t for _, _, t in series if t is not None]
    axes.set_ylim(0, float(max([*admitted, *known, 1])) * 1.2)
    axes.legend(fontsize=8, frameon=False, loc="upper left", ncols=2)
    axes.set_title("Kết nạp đảng viên qua các kỳ (6 tháng)", fontsize=10, loc="left")
    alt = "Biểu đồ cột: kết nạp đảng viên qua các kỳ 6 tháng, so với chỉ tiêu 6 tháng. " + "; ".join(
        f"{label.replace(chr(10), ' ')}: {fmt.number(count)} (chỉ tiêu {fmt.number(target)})"
        for label, (_, count, target) in zip(labels, series, strict=True)
    )
    return Chart(figure, alt + ".")
