"""The bulletin's and the report's charts (SPEC 6.3), drawn with matplotlib's object API.

Each function returns a `Chart` (`charting.picture`): the figure and a text alternative stating its main
figures. A notebook shows it by evaluating it; analysts adjust one through `chart.figure` or draw their own
from the same `EditionData`. DejaVu Sans has every Vietnamese glyph, so labels render the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pipeline.common import fmt, labels
from pipeline.common.periods import parse
from pipeline.documents.compose.blocks import shown_units
from pipeline.documents.compose.charting import targets
from pipeline.documents.compose.charting.drawing import (
    COLOURS,
    DPI,
    MARGIN_HEIGHT,
    MOST_BARS,
    REST_LABEL,
    ROW_HEIGHT,
    WIDTH,
    caption,
    highest_and_lowest,
    labelled_bars,
    new_figure,
    rest_strip,
    short_name,
    titled,
    vi_number_axis,
)
from pipeline.documents.compose.charting.picture import Chart, cached
from pipeline.documents.compose.edition import EditionData
from pipeline.indicators.table import PROVINCE
from pipeline.intake import forms

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    pass


def _below_target_sentence(data: EditionData, window: str) -> str:
    below, counted = (data.get(PROVINCE, window, name) for name in ("units_below_target", "units_with_target"))
    if not below:
        return "Mọi đơn vị đều đạt chỉ tiêu."
    return f"{fmt.number(below)}/{fmt.number(counted)} đơn vị chưa đạt chỉ tiêu."


@cached
def admissions_vs_target(data: EditionData, window: str = "term_to_date") -> Chart:
    """Units ranked by the share of their target reached: admissions beside target for every unit; with many
    units, the share of target of the highest and the lowest, and the distribution of the others.
    `window`: "period", "year_to_date" or "term_to_date"."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words = data.window_words(window)

    def reached(code: str) -> Decimal:
        pct = data.get(code, window, "target_pct")
        return pct if isinstance(pct, Decimal) else Decimal(-1)

    highest, rest, lowest = highest_and_lowest(shown_units(data, (window,)), reached)
    if rest:
        subject = ATTAINMENT_EXTREMES
        figure = targets.attainment_extremes(data, window, highest, rest, lowest, titled(subject, words))
        described = [*highest, *lowest]
        what = (
            f"tỷ lệ đạt chỉ tiêu kết nạp {words} của các đơn vị cao nhất và thấp nhất; các đơn vị còn lại là"
            " các vạch ở giữa"
        )
    else:
        subject = ADMISSIONS_BESIDE_TARGET
        figure = targets.admissions_beside_target(data, window, highest, titled(subject, words))
        described = highest
        what = f"kết nạp đảng viên so với chỉ tiêu {words}, từng đơn vị, xếp theo tỷ lệ đạt"
    alt = (
        f"Biểu đồ thanh: {what}. "
        + "; ".join(f"{short_name(data.unit_name(c))} {fmt.percent(reached(c))}" for c in described if reached(c) >= 0)
        + ". "
        + _below_target_sentence(data, window)
    )
    return Chart(figure, alt, caption(subject, words), word_picture=data.word_pictures)


ADMISSIONS_BESIDE_TARGET = "Kết nạp so với chỉ tiêu, xếp theo tỷ lệ đạt"
ATTAINMENT_EXTREMES = "Tỷ lệ đạt chỉ tiêu kết nạp: cao nhất, thấp nhất"


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
def composition(data: EditionData, window: str = "term_to_date") -> Chart:
    """Shares of the members admitted who are youth union members, women, ethnic minority, … in `window`."""
    labels.check_window(window)  # before the data is touched: an analyst's bad argument, said as such
    words, subject = data.window_words(window), "Cơ cấu đảng viên mới kết nạp (% tổng số)"
    # The province's own categories (SPEC 11) after ours, as its form.toml names them.
    composition = {**COMPOSITION, **{c.code: labels.capitalized(c.name) for c in data.reference.form.categories}}
    shares = [data.get(PROVINCE, window, f"{code}_pct") for code in composition]
    figure = labelled_bars(
        list(composition.values()),
        [float(s or 0) for s in shares],
        [fmt.percent(s) for s in shares],
        COLOURS["other"],
        titled(subject, words),
    )
    vi_number_axis(figure.axes[0].xaxis, percent=True)
    alt = f"Biểu đồ thanh: tỷ lệ đảng viên mới kết nạp {words} là " + "; ".join(
        f"{label.lower()} {fmt.percent(s)}" for label, s in zip(composition.values(), shares, strict=True)
    )
    return Chart(figure, alt + ".", caption(subject, words), word_picture=data.word_pictures)


@cached
def by_organization(data: EditionData, window: str = "term_to_date") -> Chart:
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
        titled(subject, words),
    )
    vi_number_axis(figure.axes[0].xaxis)
    alt = f"Biểu đồ thanh: đảng viên mới kết nạp {words} theo loại hình tổ chức cơ sở đảng: " + "; ".join(
        f"{forms.ROW_BY_CODE[code].label} {fmt.number(c)} ({fmt.percent(s)})"
        for code, c, s in zip(codes, counts, shares, strict=True)
    )
    return Chart(figure, alt + ".", caption(subject, words), word_picture=data.word_pictures)


@cached
def villages(data: EditionData, window: str = "term_to_date") -> Chart:
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
    highest, rest, lowest = highest_and_lowest(with_villages, left)
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
    figure.suptitle(titled(subject, words), fontsize=10, x=0.02, ha="left")

    alt = _villages_alt(data, window, words, (start_words, end_words), bool(rest), highest[0] if highest else None)
    return Chart(figure, alt, caption(subject, words), word_picture=data.word_pictures)


def _villages_alt(
    data: EditionData, window: str, words: str, edges: tuple[str, str], rest: bool, most: str | None
) -> str:
    """The villages chart's text alternative: the province's changes over `window`, and the unit with the
    most villages left without a member."""
    start_words, end_words = edges

    def change(scope: str, stem: str) -> str:
        start, end = data.get(scope, window, f"{stem}_start"), data.get(scope, window, f"{stem}_end")
        return f"từ {fmt.number(start or 0)} ({start_words}) xuống {fmt.number(end or 0)} ({end_words})"

    left = int(data.get(most, window, "villages_no_member_end") or 0) if most else 0
    return (
        f"Biểu đồ thanh theo đơn vị có thôn, bản, {words}: {start_words} so với {end_words}"
        + (", các đơn vị còn nhiều và ít thôn, bản chưa có đảng viên nhất" if rest else "")
        + ". Toàn tỉnh, thôn, bản chưa có đảng "
        f"viên {change(PROVINCE, 'villages_no_member')}; chưa có chi bộ, sinh hoạt ghép "
        f"{change(PROVINCE, 'villages_joint')}."
        + (
            f" Còn nhiều thôn, bản chưa có đảng viên nhất: {short_name(data.unit_name(most))} "
            f"({fmt.number(left)}, {end_words})."
            if most
            else ""
        )
    )


def half_year_label(text: str) -> str:
    """`2017H1` → `6T đầu` over `2017`: the way Vietnamese reports name half-years."""
    period = parse(text)
    return f"6T {'đầu' if period.half == 1 else 'cuối'}\n{period.year}"


@cached
def admissions_trend(data: EditionData) -> Chart:
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
