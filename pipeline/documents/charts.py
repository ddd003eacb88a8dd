"""The bulletin's and the report's charts (SPEC 6.3), drawn with matplotlib's object API.

Each function returns a `Chart` (pipeline/documents/chart.py): the figure and a text alternative stating its main
figures. A notebook shows it by evaluating it; analysts adjust one through `chart.figure` or draw their own
from the same `BulletinData`. DejaVu Sans has every Vietnamese glyph, so labels render the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.common import fmt, labels
from pipeline.common.periods import parse
from pipeline.documents.blocks import shown_units
from pipeline.documents.bulletin import BulletinData
from pipeline.documents.chart import Chart, cached
from pipeline.documents.chart_parts import (
    COLOURS,
    DPI,
    WIDTH,
    labelled_bars,
    new_figure,
    rest_strip,
    short_name,
    vi_number_axis,
)
from pipeline.indicators.table import PROVINCE
from pipeline.intake import forms

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    from matplotlib.figure import Figure

MOST_BARS = 10  # a chart by unit shows every unit up to twice this many, else the highest and the lowest
ROW_HEIGHT, MARGIN_HEIGHT = 0.32, 1.2  # inches: 21 rows at most stay well within a page
REST_LABEL = "Các đơn vị còn lại"


def _titled(subject: str, words: str) -> str:
    """A chart's title: what it shows, and on a line of its own the window it shows, in words."""
    return f"{subject}\n{labels.capitalized(words)}"


def _caption(subject: str, words: str) -> str:
    """The report's caption of a chart: its title on one line."""
    return f"{subject}, {words}"


def _highest_and_lowest(codes: list[str], key: Callable[[str], float]) -> tuple[list[str], list[str], list[str]]:
    """(highest, rest, lowest) of `codes` by `key`, highest first: every unit among the highest when there
    are at most 2 × MOST_BARS, else MOST_BARS at each end and the others as the rest."""
    ordered = sorted(codes, key=key, reverse=True)
    if len(ordered) <= 2 * MOST_BARS:
        return ordered, [], []
    return ordered[:MOST_BARS], ordered[MOST_BARS:-MOST_BARS], ordered[-MOST_BARS:]


def _below_target_sentence(data: BulletinData, window: str) -> str:
    below, counted = (data.get(PROVINCE, window, name) for name in ("units_below_target", "units_with_target"))
    if not below:
        return "Mọi đơn vị đều đạt chỉ tiêu."
    return f"{fmt.number(below)}/{fmt.number(counted)} đơn vị chưa đạt chỉ tiêu."


@cached
def admissions_vs_target(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Units ranked by the share of their target reached: admissions beside target for every unit; with many
    units, the share of target of the highest and the lowest, and the distribution of the others.
    `window`: "period", "year_to_date" or "term_to_date"."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words = data.window_words(window)

    def reached(code: str) -> Decimal:
        pct = data.get(code, window, "target_pct")
        return pct if isinstance(pct, Decimal) else Decimal(-1)

    highest, rest, lowest = _highest_and_lowest(shown_units(data, (window,)), reached)
    if rest:
        subject = ATTAINMENT_EXTREMES
        figure = _attainment_extremes(data, window, highest, rest, lowest, _titled(subject, words))
        described = [*highest, *lowest]
        what = (
            f"tỷ lệ đạt chỉ tiêu kết nạp {words} của các đơn vị cao nhất và thấp nhất; các đơn vị còn lại là"
            " các vạch ở giữa"
        )
    else:
        subject = ADMISSIONS_BESIDE_TARGET
        figure = _admissions_beside_target(data, window, highest, _titled(subject, words))
        described = highest
        what = f"kết nạp đảng viên so với chỉ tiêu {words}, từng đơn vị, xếp theo tỷ lệ đạt"
    alt = (
        f"Biểu đồ thanh: {what}. "
        + "; ".join(f"{short_name(data.unit_name(c))} {fmt.percent(reached(c))}" for c in described if reached(c) >= 0)
        + ". "
        + _below_target_sentence(data, window)
    )
    return Chart(figure, alt, _caption(subject, words), word_picture=data.word_pictures)


ADMISSIONS_BESIDE_TARGET = "Kết nạp so với chỉ tiêu, xếp theo tỷ lệ đạt"
ATTAINMENT_EXTREMES = "Tỷ lệ đạt chỉ tiêu kết nạp: cao nhất, thấp nhất"


def _admissions_beside_target(data: BulletinData, window: str, units: list[str], title: str) -> Figure:
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


def _attainment_extremes(
    data: BulletinData, window: str, highest: list[str], rest: list[str], lowest: list[str], title: str
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


COMPOSITION = {
    "youth_union": "Đoàn viên thanh niên",
    "ethnic_minority": "Dân tộc thiểu số",
    "women": "Nữ",
    "occ_farmer": "Nông dân",
    "edu_upper_secondary": "Trung học phổ thông",
    "religious": "Tôn giáo",
    "readmitted": "Kết nạp lại",
}


@cached
def composition(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Shares of the members admitted who are youth union members, women, ethnic minority, … in `window`."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words, subject = data.window_words(window), "Cơ cấu đảng viên mới kết nạp (% tổng số)"
    # The province's own categories (SPEC 11) after ours, as its form.toml names them.
    composition = {**COMPOSITION, **{c.code: c.name[:1].upper() + c.name[1:] for c in data.reference.form.categories}}
    shares = [data.get(PROVINCE, window, f"{code}_pct") for code in composition]
    figure = labelled_bars(
        list(composition.values()),
        [float(s or 0) for s in shares],
        [fmt.percent(s) for s in shares],
        COLOURS["other"],
        _titled(subject, words),
    )
    vi_number_axis(figure.axes[0].xaxis, percent=True)
    alt = f"Biểu đồ thanh: tỷ lệ đảng viên mới kết nạp {words} là " + "; ".join(
        f"{label.lower()} {fmt.percent(s)}" for label, s in zip(composition.values(), shares, strict=True)
    )
    return Chart(figure, alt + ".", _caption(subject, words), word_picture=data.word_pictures)


@cached
def by_organization(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Admissions in `window` by type of grassroots party organization."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words, subject = data.window_words(window), "Đảng viên mới kết nạp theo loại hình tổ chức cơ sở đảng"
    codes = forms.BREAKDOWNS["organization"]
    counts = [int(data.get(PROVINCE, window, code) or 0) for code in codes]
    shares = [data.get(PROVINCE, window, f"{code}_pct") for code in codes]
    figure = labelled_bars(
        [forms.ROW_BY_CODE[code].label for code in codes],
        counts,
        [f"{fmt.number(c)} ({fmt.percent(s)})" for c, s in zip(counts, shares, strict=True)],
        COLOURS["admitted"],
        _titled(subject, words),
    )
    vi_number_axis(figure.axes[0].xaxis)
    alt = f"Biểu đồ thanh: đảng viên mới kết nạp {words} theo loại hình tổ chức cơ sở đảng: " + "; ".join(
        f"{forms.ROW_BY_CODE[code].label} {fmt.number(c)} ({fmt.percent(s)})"
        for code, c, s in zip(codes, counts, shares, strict=True)
    )
    return Chart(figure, alt + ".", _caption(subject, words), word_picture=data.word_pictures)


@cached
def villages(data: BulletinData, window: str = "term_to_date") -> Chart:
    """Villages with no party member and villages with no cell of their own, start and end, by unit with
    villages; with many units, those with the most and the fewest left at the end, and the others' spread.
    The start and the end are those of `window`."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words, periods = data.window_words(window), data.window_periods(window)
    start_words, end_words = labels.start_edge(periods[0]), labels.end_edge(periods[-1])

    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    def left(code: str) -> int:
        return int(data.get(code, window, "villages_no_member_end") or 0)

    with_villages = [c for c in shown_units(data, (window,)) if data.reference.units[c].has_villages]
    highest, rest, lowest = _highest_and_lowest(with_villages, left)
    units = [*highest, None, *lowest] if rest else highest
    names = [REST_LABEL if c is None else short_name(data.unit_name(c)) for c in units]
    figure = Figure(figsize=(WIDTH, ROW_HEIGHT * len(units) + MARGIN_HEIGHT + 0.6), dpi=DPI, layout="constrained")
    axes_pair = figure.subplots(1, 2, sharey=True)
    panels = (
        ("villages_no_member", "Thôn, bản chưa có đảng viên"),
        ("villages_joint", "Chưa có chi bộ, sinh hoạt ghép"),
    )
    for axes, (stem, title) in zip(axes_pair, panels, strict=True):
        for row, code in enumerate(units):
            if code is None:
                rest_strip(axes, row, [int(data.get(c, window, f"{stem}_end") or 0) for c in rest], COLOURS["end"])
                continue
            for offset, edge, colour in ((-0.2, "start", COLOURS["start"]), (0.2, "end", COLOURS["end"])):
                axes.barh(row + offset, int(data.get(code, window, f"{stem}_{edge}") or 0), height=0.4, color=colour)
        axes.set_yticks(range(len(units)), names, fontsize=8)
        axes.set_title(title, fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        vi_number_axis(axes.xaxis)
    axes_pair[0].invert_yaxis()
    handles = [
        Patch(color=COLOURS["start"], label=labels.capitalized(start_words)),
        Patch(color=COLOURS["end"], label=labels.capitalized(end_words)),
    ]
    figure.legend(handles=handles, fontsize=7, frameon=False, loc="outside lower center", ncols=2)
    subject = "Thôn, bản theo đơn vị" + (": còn nhiều và ít thôn, bản chưa có đảng viên nhất" if rest else "")
    figure.suptitle(_titled(subject, words), fontsize=10, x=0.02, ha="left")

    def change(scope: str, stem: str) -> str:
        start, end = data.get(scope, window, f"{stem}_start"), data.get(scope, window, f"{stem}_end")
        return f"từ {fmt.number(start or 0)} ({start_words}) xuống {fmt.number(end or 0)} ({end_words})"

    most = highest[0] if highest else None
    alt = (
        f"Biểu đồ thanh theo đơn vị có thôn, bản, {words}: {start_words} so với {end_words}"
        + (", các đơn vị còn nhiều và ít thôn, bản chưa có đảng viên nhất" if rest else "")
        + ". Toàn tỉnh, thôn, bản chưa có đảng "
        f"viên {change(PROVINCE, 'villages_no_member')}; chưa có chi bộ, sinh hoạt ghép "
        f"{change(PROVINCE, 'villages_joint')}."
        + (
            f" Còn nhiều thôn, bản chưa có đảng viên nhất: {short_name(data.unit_name(most))} "
            f"({fmt.number(left(most))}, {end_words})."
            if most
            else ""
        )
    )
    return Chart(figure, alt, _caption(subject, words), word_picture=data.word_pictures)


def half_year_label(text: str) -> str:
    """`2017H1` → `6T đầu` over `2017`: the way Vietnamese reports name half-years."""
    period = parse(text)
    return f"6T {'đầu' if period.half == 1 else 'cuối'}\n{period.year}"


@cached
def admissions_trend(data: BulletinData) -> Chart:
    """Admissions against the half-year target for every half-year on record."""
    series = data.indicators.trend()
    crowded = len(series) > MOST_BARS  # labels turned upright, so that they never overlap
    figure, axes = new_figure(3.6 if crowded else 2.8)
    two_lines = [half_year_label(period) for period, _, _ in series]
    admitted = [count for _, count, _ in series]
    # A half-year whose target cannot be computed leaves a gap in the target line.
    targets = [float("nan") if target is None else float(target) for _, _, target in series]
    ticks = [label.replace("\n", " ") for label in two_lines] if crowded else two_lines
    axes.bar(ticks, admitted, color=COLOURS["admitted"], width=0.6, label="Kết nạp")
    axes.plot(ticks, targets, color="#333333", marker="o", linewidth=1.5, label="Chỉ tiêu 6 tháng")
    axes.bar_label(
        axes.containers[0],
        [fmt.number(v) for v in admitted],
        padding=2,
        fontsize=7 if crowded else 8,
        rotation=90 if crowded else 0,
    )
    axes.tick_params(axis="x", labelsize=7 if crowded else 8, labelrotation=90 if crowded else 0)
    vi_number_axis(axes.yaxis)
    known = [t for _, _, t in series if t is not None]
    axes.set_ylim(0, float(max([*admitted, *known, 1])) * (1.35 if crowded else 1.2))
    figure.legend(fontsize=8, frameon=False, loc="outside lower center", ncols=2)
    axes.set_title("Kết nạp đảng viên qua các kỳ (6 tháng)", fontsize=10, loc="left")
    alt = "Biểu đồ cột: kết nạp đảng viên qua các kỳ 6 tháng, so với chỉ tiêu 6 tháng. " + "; ".join(
        f"{labels.half_year(parse(period))}: {fmt.number(count)} (chỉ tiêu {fmt.number(target)})"
        for period, count, target in series
    )
    return Chart(figure, alt + ".", word_picture=data.word_pictures)
