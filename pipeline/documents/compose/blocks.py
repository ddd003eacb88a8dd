"""The blocks of an edition that every document carries: the lead, the key figures, the commentary, the units
and kinds below target, the table by unit. Built from the indicators as `content` blocks, so that the
bulletin and the formal report print the same sentences and figures.
"""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from pipeline.common import fmt, labels
from pipeline.documents.compose import commentary as commentary_file
from pipeline.documents.compose import member_blocks
from pipeline.documents.compose.edition import EditionData
from pipeline.documents.compose.narrative import lead_paragraph
from pipeline.documents.content.model import Block, BulletList, Heading, Paragraph, Run, Section, Table
from pipeline.indicators.compute import window_periods
from pipeline.indicators.table import PROVINCE, kind_scope

APPENDIX_TITLE = "Phụ lục: Kết quả theo đơn vị"
TABLE_WINDOWS = ("period", "term_to_date")  # the windows the table by unit shows
MOST_NAMED = 5  # units below target the text names, for each kind of unit: the lowest


class _LeadParagraphs(HTMLParser):
    """The lead template's HTML (`<p class="lead">` with `<strong>`) as paragraphs of runs."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[list[Run]] = []
        self._bold = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.paragraphs.append([])
        elif tag == "strong":
            self._bold = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong":
            self._bold = False

    def handle_data(self, data: str) -> None:
        if (self.paragraphs and data.strip(" \n") != "") or (self.paragraphs and self.paragraphs[-1]):
            self.paragraphs[-1].append(Run(" ".join(data.split("\n")), self._bold))


def lead(data: EditionData) -> Section:
    parser = _LeadParagraphs()
    parser.feed(lead_paragraph(data.indicators, data.reference, data.edition))
    paragraphs = [_tidy(runs) for runs in parser.paragraphs]
    return Section([Paragraph(runs, "lead") for runs in paragraphs if runs], "lead")


def _tidy(runs: list[Run]) -> list[Run]:
    """One space between words, none at the ends (the template's line breaks are not the text's)."""
    joined: list[Run] = []
    for run in runs:
        text = " ".join(run.text.split()) if run.text.strip() else " "
        text = (" " if run.text[:1].isspace() and run.text.strip() else "") + text
        text += " " if run.text[-1:].isspace() and run.text.strip() else ""
        joined.append(Run(text, run.bold, run.italic))
    if joined:
        joined[0] = Run(joined[0].text.lstrip(), joined[0].bold)
        joined[-1] = Run(joined[-1].text.rstrip(), joined[-1].bold)
    return [r for r in joined if r.text]


def start_end(data: EditionData, scope: str, window: str, stem: str) -> str:
    """`95 → 51`: a village count at the start and at the end of the window."""
    start, end = (data.get(scope, window, f"{stem}_{edge}") for edge in ("start", "end"))
    return f"{fmt.number(start)} → {fmt.number(end)}"  # type: ignore[arg-type]


def _note(rows: list[list[str]]) -> str:
    """The legend of `—`, under a table that shows it: the same words wherever a figure is missing."""
    return fmt.NOT_COMPUTABLE_NOTE if any(fmt.NOT_COMPUTABLE in cell for row in rows for cell in row) else ""


def key_figures(data: EditionData) -> Section:
    """The key figures of the edition and of the term to date, side by side."""
    windows = ("period", "term_to_date")
    headers = ["Chỉ tiêu", *(labels.capitalized(data.window_words(w)) for w in windows)]

    def row(label: str, indicator: str, show: object = fmt.number) -> list[str]:
        return [label] + [show(data.get(PROVINCE, w, indicator)) for w in windows]  # type: ignore[operator]

    rows = [
        row("Đảng viên mới kết nạp", "admitted"),
        # The year before, or `—` when it cannot be compared: said the same way as elsewhere.
        [
            f"{'Năm' if data.edition.annual else 'Cùng kỳ năm'} {data.edition.year - 1}",
            fmt.number(data.get(PROVINCE, "period", "admitted_prev_year")),
            "",
        ],
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
            *[start_end(data, PROVINCE, w, "villages_no_member") for w in windows],
        ],
        [
            "Thôn, bản chưa có chi bộ, sinh hoạt ghép (đầu → cuối)",
            *[start_end(data, PROVINCE, w, "villages_joint") for w in windows],
        ],
        row("Chi bộ thôn, bản thành lập mới, chia tách", "new_village_cells"),
    ]
    return Section([Heading("Số liệu chủ yếu"), Table(headers, rows, "key-figures", note=_note(rows))], "key-figures")


def commentary(data: EditionData, raw_dir: object) -> Section:
    """The analysts' own words for this edition (`commentary/<E>.md`), figures filled in; nothing when the
    edition has none."""
    from pathlib import Path

    found = commentary_file.load(Path(str(raw_dir)), data.edition, data.indicators, data.reference, data.draft)
    return Section(found.blocks, "commentary")


def shown_units(data: EditionData, windows: tuple[str, ...] = TABLE_WINDOWS) -> list[str]:
    """The units a table of `windows` lists: those expected in a half-year of one of them, or with members
    admitted in one. A unit retired before them (a district after the 2025 reorganisation) has nothing
    there and is left out, rather than shown as a row of zeros."""
    periods = {p for w in windows for p in window_periods(w, data.edition, data.reference)}
    shown = []
    for code in data.indicators.unit_scopes():
        unit = data.reference.units.get(code)
        expected = unit is not None and any(unit.expected_in(p) for p in periods)
        if expected or any(data.get(code, w, "admitted") for w in windows):
            shown.append(code)
    return shown


UNIT_TABLE_HEADERS = [
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


def unit_table(data: EditionData) -> Section:
    """The appendix: admissions, target and make-up of every unit, for the edition and the term to date,
    grouped by kind of unit (in the declared order) with a subtotal for each, then the province."""

    def row(scope: str, label: str, with_villages: bool) -> list[str]:
        term = "term_to_date"
        return [
            label,
            fmt.number(data.get(scope, "period", "admitted")),
            fmt.number(data.get(scope, term, "admitted")),
            fmt.number(data.get(scope, term, "target")),
            *(fmt.percent(data.get(scope, term, name)) for name in ("target_pct", "women_pct")),
            *(fmt.percent(data.get(scope, term, name)) for name in ("ethnic_minority_pct", "youth_union_pct")),
            start_end(data, scope, term, "villages_no_member") if with_villages else "",
        ]

    shown = shown_units(data)
    rows, kinds = [], []
    for kind, label in data.reference.kinds.items():
        members = [c for c in shown if c in data.reference.units and data.reference.units[c].kind == kind]
        if not members:
            continue
        rows += [row(c, data.unit_name(c), data.reference.units[c].has_villages) for c in members]
        kinds += [""] * len(members)
        any_villages = any(data.reference.units[c].has_villages for c in members)
        rows.append(row(kind_scope(kind), f"Cộng: {label}", any_villages))
        kinds.append("subtotal")
    strays = [c for c in shown if c not in data.reference.units]  # a draft's unknown unit codes
    rows += [row(c, c, True) for c in strays]
    kinds += [""] * len(strays)
    rows.append(row(PROVINCE, "Toàn tỉnh", True))
    kinds.append("total")
    table = Table(UNIT_TABLE_HEADERS, rows, "by-unit", row_kinds=kinds, note=_note(rows), scroll_label=APPENDIX_TITLE)
    return Section([Heading(APPENDIX_TITLE), table], "appendix")


def below_target_units(data: EditionData, window: str = "term_to_date") -> list[tuple[str, Decimal]]:
    """Units whose admissions are below their target in the window, lowest first."""
    found = []
    for code in data.indicators.unit_scopes():
        pct = data.get(code, window, "target_pct")
        if isinstance(pct, Decimal) and pct < 100:
            found.append((code, pct))
    return sorted(found, key=lambda item: item[1])


def kinds_attainment(data: EditionData, window: str = "term_to_date") -> list[tuple[str, str, int, Decimal | None]]:
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


def below_target(data: EditionData, window: str = "term_to_date") -> Section:
    """By kind of unit: how many units are below target and the lowest of them by name; then the kinds."""
    lowest = below_target_units(data, window)
    words = data.window_words(window)
    blocks: list[Block] = [Heading("Đơn vị, loại hình chưa đạt chỉ tiêu")]
    items = []
    for kind, label, _, _ in kinds_attainment(data, window):
        scope = kind_scope(kind)
        below, counted = data.get(scope, window, "units_below_target"), data.get(scope, window, "units_with_target")
        if not below:
            continue
        named = [(c, p) for c, p in lowest if data.reference.units[c].kind == kind][:MOST_NAMED]
        listed = "; ".join(f"{data.unit_name(c)} ({fmt.percent(p)})" for c, p in named)
        which = "thấp nhất là" if below > len(named) else "gồm"  # type: ignore[operator]
        items.append([Run(f"{label}: {fmt.number(below)}/{fmt.number(counted)} đơn vị, {which} {listed}.")])
    if items:
        blocks += [Paragraph([Run(f"Tính {words}, các đơn vị chưa đạt chỉ tiêu kết nạp:")]), BulletList(items)]
    else:
        blocks.append(Paragraph([Run(f"Tính {words}, tất cả các đơn vị đều đạt hoặc vượt chỉ tiêu kết nạp.")]))
    kinds = kinds_attainment(data, window)
    lagging = [(label, pct) for _, label, _, pct in kinds if pct is not None and pct < 100]
    if lagging:
        listed = "; ".join(f"{label.lower()} ({fmt.percent(pct)})" for label, pct in lagging)
        blocks.append(Paragraph([Run(f"Theo loại hình đảng bộ, chưa đạt chỉ tiêu: {listed}.")]))
    rows = [
        [
            label,
            fmt.number(admitted),
            fmt.percent(pct),
            f"{fmt.number(data.get(kind_scope(kind), window, 'units_below_target'))}/"
            f"{fmt.number(data.get(kind_scope(kind), window, 'units_with_target'))}",
        ]
        for kind, label, admitted, pct in kinds
    ]
    headers = ["Loại hình đảng bộ", f"Kết nạp {labels.window_name(window)}", "% chỉ tiêu", "Số đơn vị chưa đạt"]
    headers, rows = member_blocks.with_grassroots_column(data, headers, rows, [kind for kind, *_ in kinds])
    blocks.append(Table(headers, rows, "by-kind", note=_note(rows)))
    return Section(blocks, "below-target")
