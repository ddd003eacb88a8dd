"""The bulletin's content: the data it is written from, and its HTML blocks (SPEC 6).

Each block is an `Html` object, which a notebook shows by evaluating it; text that came from the
returns or the reference files is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

import pandas as pd

from pipeline import clean, fmt
from pipeline.checks import LATE_RETURN, MISSING_RETURN
from pipeline.indicators import PROVINCE, Indicators, kind_scope, window_periods, window_span
from pipeline.narrative import lead_paragraph
from pipeline.periods import Edition, Period, parse_edition, periods_on_record
from pipeline.problems import ERROR, SEVERITY_VI, Problem
from pipeline.reference import Reference, load_reference
from pipeline.version import code_version

TITLE = "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"
INDICATORS_FILE = "indicators.csv"


def subtitle(province: str, edition: Edition) -> str:
    """`Tỉnh Điện Biên — 6 tháng đầu năm 2017`: the line under the title, also in the running title."""
    return f"Tỉnh {province} — {edition.label_vi()}"


class Html(str):
    """A block of HTML that Jupyter (and so the bulletin) shows as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class BulletinData:
    period: Edition  # what the bulletin covers: a half-year, or a whole year
    reference: Reference
    indicators: Indicators
    figures: pd.DataFrame  # every half-year on record up to the period
    on_record: list[Period]
    problems: list[Problem]
    sources: pd.DataFrame
    draft: bool

    @property
    def term_periods(self) -> list[Period]:
        return window_periods("term_to_date", self.period, self.reference)

    @property
    def subtitle(self) -> str:
        return subtitle(self.reference.province, self.period)

    def unit_name(self, code: str) -> str:
        unit = self.reference.units.get(code)
        return unit.name if unit else code

    def get(self, scope: str, window: str, indicator: str) -> int | Decimal | None:
        return self.indicators.get(scope, window, indicator)

    def units_not_counted(self) -> dict[str, list[str]]:
        """For a draft: units whose figures of some half-year of the windows are left out, and why."""
        covered = {str(p) for p in window_span(self.period, self.reference)}
        reasons: dict[str, dict[str, str]] = {}
        for problem in self.problems:
            if problem.period in covered and problem.severity == ERROR and problem.unit_code:
                reason = "chưa nộp báo cáo" if problem.check == MISSING_RETURN else "báo cáo có lỗi"
                reasons.setdefault(problem.unit_code, {}).setdefault(problem.period, reason)
        order = list(self.reference.units)
        return {
            code: [f"{period}: {reason}" for period, reason in sorted(reasons[code].items())]
            for code in sorted(reasons, key=lambda c: order.index(c) if c in order else len(order))
        }

    def periods_missing(self) -> list[Period]:
        """Half-years of the windows with no returns folder at all."""
        return [p for p in window_span(self.period, self.reference) if p not in self.on_record]


def load(
    period: str | Period | Edition,
    raw_dir: str | Path,
    processed_dir: str | Path,
    reports_dir: str | Path,
    draft: bool = False,
) -> BulletinData:
    """Everything the bulletin of `period` is written from; the stages before it must have run."""
    period = parse_edition(period) if isinstance(period, str) else Edition.of(period)
    reference = load_reference(Path(raw_dir))
    on_record = periods_on_record(Path(raw_dir), until=period.last)
    indicators = Indicators.read(Path(reports_dir) / str(period) / INDICATORS_FILE)
    return BulletinData(
        period=period,
        reference=reference,
        indicators=indicators,
        figures=clean.load_figures(Path(processed_dir), on_record),
        on_record=on_record,
        problems=clean.load_problems(Path(processed_dir), on_record),
        sources=clean.load_sources(Path(processed_dir), on_record),
        draft=draft,
    )


def _table(
    headers: list[str],
    rows: list[list[str]],
    css_class: str = "",
    numeric_from: int = 1,
    row_classes: list[str] | None = None,
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for number, row in enumerate(rows):
        cells = "".join(
            f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>" for i, cell in enumerate(row)
        )
        row_class = row_classes[number] if row_classes else ""
        body.append(f'<tr class="{row_class}">{cells}</tr>' if row_class else f"<tr>{cells}</tr>")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _start_end(data: BulletinData, scope: str, window: str, stem: str) -> str:
    """`95 → 51`: a village count at the start and at the end of the window."""
    start, end = (data.get(scope, window, f"{stem}_{edge}") for edge in ("start", "end"))
    return f"{fmt.number(start)} → {fmt.number(end)}"  # type: ignore[arg-type]


def title_block(data: BulletinData) -> Html:
    parts = [f'<h1 class="title">{escape(TITLE)}</h1>', f'<p class="subtitle">{escape(data.subtitle)}</p>']
    if data.draft:
        listed = "; ".join(
            f"{escape(data.unit_name(code))} ({escape('; '.join(reasons))})"
            for code, reasons in data.units_not_counted().items()
        )
        periods = ", ".join(str(p) for p in data.periods_missing())
        parts.append(
            '<div class="draft-notice"><strong>BẢN NHÁP</strong> — số liệu chưa đầy đủ, không dùng để công bố.'
            + (f" Chưa tính số liệu của: {listed}." if listed else "")
            + (f" Chưa có báo cáo của các kỳ: {periods}." if periods else "")
            + "</div>"
        )
    return Html("\n".join(parts))


def lead(data: BulletinData) -> Html:
    return Html(lead_paragraph(data.indicators, data.reference, data.period))


def key_figures(data: BulletinData) -> Html:
    """The key figures of the half-year and of the term to date, side by side."""
    windows = ("period", "term_to_date")
    first, last = data.term_periods[0], data.period.last
    headers = ["Chỉ tiêu", data.period.label_vi().capitalize(), f"Từ đầu nhiệm kỳ ({first}–{last})"]

    def row(label: str, indicator: str, show: object = fmt.number) -> list[str]:
        return [escape(label)] + [show(data.get(PROVINCE, w, indicator)) for w in windows]  # type: ignore[operator]

    rows = [
        row("Đảng viên mới kết nạp", "admitted"),
        row("Chỉ tiêu tỉnh giao", "target"),
        row("Tỷ lệ so với chỉ tiêu", "target_pct", fmt.percent),
        row("Đoàn viên thanh niên", "youth_union_pct", fmt.percent),
        row("Nữ", "women_pct", fmt.percent),
        row("Người dân tộc thiểu số", "ethnic_minority_pct", fmt.percent),
        row("Nông dân", "occ_farmer_pct", fmt.percent),
        row("Trình độ trung học phổ thông", "edu_upper_secondary_pct", fmt.percent),
        row("Kết nạp ở chi bộ xã, phường, thị trấn", "org_commune"),
        [
            "Thôn, bản chưa có đảng viên (đầu → cuối)",
            *[_start_end(data, PROVINCE, w, "villages_no_member") for w in windows],
        ],
        [
            "Thôn, bản chưa có chi bộ, sinh hoạt ghép (đầu → cuối)",
            *[_start_end(data, PROVINCE, w, "villages_joint") for w in windows],
        ],
        row("Chi bộ thôn, bản thành lập mới, chia tách", "new_village_cells"),
    ]
    # The year before, or `—` when it cannot be compared (not on record): said the same way as elsewhere.
    rows.insert(
        1,
        [
            f"{'Năm' if data.period.annual else 'Cùng kỳ năm'} {data.period.year - 1}",
            fmt.number(data.get(PROVINCE, "period", "admitted_prev_year")),
            "",
        ],
    )
    return Html("<h2>Số liệu chủ yếu</h2>" + _table(headers, rows, "key-figures") + _not_computable_note(rows))


APPENDIX_TITLE = "Phụ lục: Kết quả theo đơn vị"
TABLE_WINDOWS = ("period", "term_to_date")  # the windows the table by unit shows


def shown_units(data: BulletinData, windows: tuple[str, ...] = TABLE_WINDOWS) -> list[str]:
    """The units a table of `windows` lists: those expected in a half-year of one of them, or with members
    admitted in one. A unit retired before them (a district after the 2025 reorganisation) has nothing
    there and is left out, rather than shown as a row of zeros."""
    periods = {p for w in windows for p in window_periods(w, data.period, data.reference)}
    shown = []
    for code in data.indicators.unit_scopes():
        unit = data.reference.units.get(code)
        expected = unit is not None and any(unit.expected_in(p) for p in periods)
        if expected or any(data.get(code, w, "admitted") for w in windows):
            shown.append(code)
    return shown


def unit_table(data: BulletinData) -> Html:
    """The appendix: admissions, target and make-up of every unit, for the half-year and the term to date,
    grouped by kind of unit (in the declared order) with a subtotal for each, then the province."""
    headers = [
        "Đơn vị",
        "Kết nạp trong kỳ",
        "Kết nạp từ đầu nhiệm kỳ",
        "Chỉ tiêu từ đầu nhiệm kỳ",
        "% chỉ tiêu",
        "Nữ",
        "Dân tộc thiểu số",
        "Đoàn viên",
        "Thôn, bản chưa có đảng viên",
    ]

    def row(scope: str, label: str, with_villages: bool) -> list[str]:
        return [
            label,
            fmt.number(data.get(scope, "period", "admitted")),
            fmt.number(data.get(scope, "term_to_date", "admitted")),
            fmt.number(data.get(scope, "term_to_date", "target")),
            fmt.percent(data.get(scope, "term_to_date", "target_pct")),
            fmt.percent(data.get(scope, "term_to_date", "women_pct")),
            fmt.percent(data.get(scope, "term_to_date", "ethnic_minority_pct")),
            fmt.percent(data.get(scope, "term_to_date", "youth_union_pct")),
            _start_end(data, scope, "term_to_date", "villages_no_member") if with_villages else "",
        ]

    shown = shown_units(data)
    rows, classes = [], []
    for kind, label in data.reference.kinds.items():
        members = [c for c in shown if c in data.reference.units and data.reference.units[c].kind == kind]
        if not members:
            continue
        for code in members:
            rows.append(row(code, escape(data.unit_name(code)), data.reference.units[code].has_villages))
            classes.append("")
        any_villages = any(data.reference.units[c].has_villages for c in members)
        rows.append(row(kind_scope(kind), f"<strong>Cộng: {escape(label)}</strong>", any_villages))
        classes.append("subtotal")
    rows += [row(c, escape(data.unit_name(c)), True) for c in shown if c not in data.reference.units]
    classes += ["" for c in shown if c not in data.reference.units]
    rows.append(row(PROVINCE, "<strong>Toàn tỉnh</strong>", True))
    classes.append("total")
    table = _table(headers, rows, "by-unit", row_classes=classes)
    return Html(
        f'<section class="appendix"><h2>{escape(APPENDIX_TITLE)}</h2>{table}{_not_computable_note(rows)}</section>'
    )


def _not_computable_note(rows: list[list[str]]) -> str:
    """The legend of `—`, under a table that shows it: the same words wherever a figure is missing."""
    shown = any(fmt.NOT_COMPUTABLE in cell for row in rows for cell in row)
    return f'<p class="table-note">{escape(fmt.NOT_COMPUTABLE_NOTE)}</p>' if shown else ""


MOST_NAMED = 5  # units below target the text names, for each kind of unit: the lowest


def below_target_units(data: BulletinData, window: str = "term_to_date") -> list[tuple[str, Decimal]]:
    """Units whose admissions are below their target in the window, lowest first."""
    found = []
    for code in data.indicators.unit_scopes():
        pct = data.get(code, window, "target_pct")
        if isinstance(pct, Decimal) and pct < 100:
            found.append((code, pct))
    return sorted(found, key=lambda item: item[1])


def kinds_attainment(data: BulletinData, window: str = "term_to_date") -> list[tuple[str, str, int, Decimal | None]]:
    """(kind, label, admitted, share of target) by kind of unit, in the declared order: the `kind:…` rows
    of the indicators (the share is None when not computable)."""
    result = []
    kinds_shown = {data.reference.units[c].kind for c in shown_units(data, (window,)) if c in data.reference.units}
    for kind, label in data.reference.kinds.items():
        scope = kind_scope(kind)
        if kind in kinds_shown and data.indicators.has(scope, window, "admitted"):
            admitted = int(data.get(scope, window, "admitted") or 0)
            result.append((kind, label, admitted, data.get(scope, window, "target_pct")))
    return result


def below_target(data: BulletinData, window: str = "term_to_date") -> Html:
    """By kind of unit: how many units are below target and the lowest of them by name; then the kinds."""
    lowest = below_target_units(data, window)
    parts = ["<h2>Đơn vị, loại hình chưa đạt chỉ tiêu</h2>"]
    items = []
    for kind, label, _, _ in kinds_attainment(data, window):
        scope = kind_scope(kind)
        below, counted = data.get(scope, window, "units_below_target"), data.get(scope, window, "units_with_target")
        if not below:
            continue
        named = [(c, p) for c, p in lowest if data.reference.units[c].kind == kind][:MOST_NAMED]
        listed = "; ".join(f"{escape(data.unit_name(c))} ({fmt.percent(p)})" for c, p in named)
        which = "thấp nhất là" if below > len(named) else "gồm"  # type: ignore[operator]
        items.append(f"<li>{escape(label)}: {fmt.number(below)}/{fmt.number(counted)} đơn vị, {which} {listed}.</li>")
    if items:
        parts.append(f"<p>Tính từ đầu nhiệm kỳ, các đơn vị chưa đạt chỉ tiêu kết nạp:</p><ul>{''.join(items)}</ul>")
    else:
        parts.append("<p>Tính từ đầu nhiệm kỳ, tất cả các đơn vị đều đạt hoặc vượt chỉ tiêu kết nạp.</p>")
    kinds = kinds_attainment(data, window)
    lagging = [(label, pct) for _, label, _, pct in kinds if pct is not None and pct < 100]
    if lagging:
        parts.append(
            "<p>Theo loại hình đảng bộ, chưa đạt chỉ tiêu: "
            + "; ".join(f"{escape(label.lower())} ({fmt.percent(pct)})" for label, pct in lagging)
            + ".</p>"
        )
    kind_rows = [
        [
            escape(label),
            fmt.number(admitted),
            fmt.percent(pct),
            f"{fmt.number(data.get(kind_scope(kind), window, 'units_below_target'))}/"
            f"{fmt.number(data.get(kind_scope(kind), window, 'units_with_target'))}",
        ]
        for kind, label, admitted, pct in kinds
    ]
    headers = ["Loại hình đảng bộ", "Kết nạp từ đầu nhiệm kỳ", "% chỉ tiêu", "Số đơn vị chưa đạt"]
    parts.append(_table(headers, kind_rows, "by-kind"))
    parts.append(_not_computable_note(kind_rows))
    return Html("\n".join(parts))


def _problem_rows(problems: list[Problem]) -> list[list[str]]:
    return [
        [
            escape(SEVERITY_VI[p.severity]),
            escape(p.period),
            escape(p.unit_code),
            escape(p.place),
            escape(
                p.message
                + (f" Giá trị: {p.value}." if p.value else "")
                + (f" Cần: {p.expected}." if p.expected else "")
            ),
        ]
        for p in problems
    ]


def data_notes(data: BulletinData) -> Html:
    """Returns received, late and missing; warnings; sources with SHA-256; the code version."""
    late = [p for p in data.problems if p.check == LATE_RETURN]
    parts = ["<h2>Ghi chú về số liệu</h2>"]
    for half in data.period.periods():
        expected = data.reference.expected_units(half)
        this_period = data.sources[data.sources["period"] == str(half)]
        received = sorted(set(this_period["unit_code"]) & {u.code for u in expected})
        missing = [p for p in data.problems if p.period == str(half) and p.check == MISSING_RETURN]
        parts.append(
            f"<p>Kỳ {escape(half.label_vi())}: nhận được báo cáo của {len(received)}/{len(expected)} "
            "đơn vị phải báo cáo"
            + (
                "; chưa nhận được: " + "; ".join(escape(data.unit_name(p.unit_code)) for p in missing)
                if missing
                else ""
            )
            + ".</p>"
        )
    if late:
        parts.append(
            "<p>Báo cáo nộp muộn: "
            + "; ".join(
                f"{escape(data.unit_name(p.unit_code))} ({escape(p.period)}, lập ngày {escape(p.value)})" for p in late
            )
            + ".</p>"
        )
    if data.problems:
        parts.append("<h3>Lỗi và cảnh báo khi kiểm tra báo cáo</h3>")
        parts.append(
            _table(["Mức", "Kỳ", "Đơn vị", "Vị trí", "Nội dung"], _problem_rows(data.problems), "problems", 99)
        )
    else:
        parts.append("<p>Kiểm tra báo cáo không phát hiện lỗi hay cảnh báo nào.</p>")
    parts.append("<h3>Nguồn số liệu</h3>")
    files = data.sources.drop_duplicates(["period", "file"])
    periods = ", ".join(sorted(set(files["period"])))
    parts.append(
        f"<p>Số liệu lấy từ {fmt.number(len(files))} tệp báo cáo của các kỳ {escape(periods)} và các tệp danh mục "
        f"({', '.join(escape(p.name) for p in data.reference.files)}). Danh sách đầy đủ các tệp, kèm đơn vị, người "
        "lập, ngày lập và mã SHA-256 của từng tệp, ghi trong tệp manifest.json đi kèm bản tin.</p>"
    )
    parts.append(f'<p class="version">Bản tin được tạo bởi mã nguồn phiên bản {escape(code_version())}.</p>')
    # Marked as notes: counts of returns and files, not figures of the indicators.
    return Html('<section class="data-notes">' + "\n".join(parts) + "</section>")
