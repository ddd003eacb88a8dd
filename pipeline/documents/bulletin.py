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

from pipeline.common import fmt, labels
from pipeline.common.layout import INDICATORS_FILE
from pipeline.common.periods import Edition, Period, parse_edition, periods_on_record
from pipeline.common.version import code
from pipeline.documents.chart import CACHE_DIR, edition_key
from pipeline.indicators.compute import window_periods, window_span
from pipeline.indicators.table import Indicators
from pipeline.intake import clean
from pipeline.intake.checks import LATE_RETURN, MISSING_RETURN
from pipeline.intake.problems import ERROR, SEVERITY_VI, Problem
from pipeline.intake.reference import Reference, load_reference

TITLE = "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"


def subtitle(province: str, edition: Edition) -> str:
    """`Tỉnh Điện Biên — 6 tháng đầu năm 2017`: the line under the title, also in the running title."""
    return f"Tỉnh {province} — {edition.label_vi()}"


class Html(str):
    """A block of HTML that Jupyter (and so the bulletin) shows as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class BulletinData:
    edition: Edition  # what the bulletin covers: a half-year, or a whole year
    reference: Reference
    indicators: Indicators
    figures: pd.DataFrame  # every half-year on record up to the edition's end
    on_record: list[Period]
    problems: list[Problem]
    sources: pd.DataFrame
    draft: bool
    # Charts also as 300-dpi pictures, for Word (the report's notebook); SVG alone elsewhere.
    word_pictures: bool = False
    chart_cache: Path | None = None  # where the edition's charts are kept once drawn (pipeline/documents/chart.py)
    chart_key: str = ""  # what they are drawn from

    @property
    def term_periods(self) -> list[Period]:
        return window_periods("term_to_date", self.edition, self.reference)

    def window_periods(self, window: str) -> list[Period]:
        """The half-years of one of the three windows; another window is the analyst's error (CellArgumentError)."""
        return window_periods(labels.check_window(window), self.edition, self.reference)

    def window_words(self, window: str) -> str:
        """`từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)`: the window as the documents name it."""
        return labels.window_words(window, self.edition, self.window_periods(window)[0])

    @property
    def subtitle(self) -> str:
        return subtitle(self.reference.province, self.edition)

    def unit_name(self, code: str) -> str:
        unit = self.reference.units.get(code)
        return unit.name if unit else code

    def get(self, scope: str, window: str, indicator: str) -> int | Decimal | None:
        return self.indicators.get(scope, window, indicator)

    def units_not_counted(self) -> dict[str, list[str]]:
        """For a draft: units whose figures of some half-year of the windows are left out, and why."""
        covered = {str(p) for p in window_span(self.edition, self.reference)}
        reasons: dict[str, dict[str, str]] = {}
        for problem in self.problems:
            if problem.period in covered and problem.severity == ERROR and problem.unit_code:
                reason = "chưa nộp báo cáo" if problem.rule == MISSING_RETURN else "báo cáo có lỗi"
                reasons.setdefault(problem.unit_code, {}).setdefault(problem.period, reason)
        order = list(self.reference.units)
        return {
            code: [f"{period}: {reason}" for period, reason in sorted(reasons[code].items())]
            for code in sorted(reasons, key=lambda c: order.index(c) if c in order else len(order))
        }

    def periods_missing(self) -> list[Period]:
        """Half-years of the windows with no returns folder at all."""
        return [p for p in window_span(self.edition, self.reference) if p not in self.on_record]


def load(
    edition: str | Period | Edition,
    raw_dir: str | Path,
    processed_dir: str | Path,
    reports_dir: str | Path,
    draft: bool = False,
    word_pictures: bool = False,
) -> BulletinData:
    """Everything the bulletin of `edition` is written from; the stages before it must have run."""
    edition = parse_edition(edition) if isinstance(edition, str) else Edition.of(edition)
    reference = load_reference(Path(raw_dir))
    on_record = periods_on_record(Path(raw_dir), until=edition.last)
    indicators = Indicators.read(Path(reports_dir) / str(edition) / INDICATORS_FILE)
    return BulletinData(
        edition=edition,
        reference=reference,
        indicators=indicators,
        figures=clean.load_figures(Path(processed_dir), on_record),
        on_record=on_record,
        problems=clean.load_problems(Path(processed_dir), on_record),
        sources=clean.load_sources(Path(processed_dir), on_record),
        draft=draft,
        word_pictures=word_pictures,
        chart_cache=Path(reports_dir) / str(edition) / CACHE_DIR,
        chart_key=edition_key(Path(reports_dir) / str(edition) / INDICATORS_FILE, reference.files, str(edition), draft),
    )


def _table(headers: list[str], rows: list[list[str]], css_class: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


DRAFT_NOTICE_UNITS = 10  # units named in a draft's notice under the title; the data notes name them all


def title_block(data: BulletinData) -> Html:
    parts = [f'<h1 class="title">{escape(TITLE)}</h1>', f'<p class="subtitle">{escape(data.subtitle)}</p>']
    if data.draft:
        not_counted = list(data.units_not_counted().items())
        listed = "; ".join(
            f"{escape(data.unit_name(code))} ({escape('; '.join(reasons))})"
            for code, reasons in not_counted[:DRAFT_NOTICE_UNITS]
        )
        if len(not_counted) > DRAFT_NOTICE_UNITS:  # a province of 120 communes: a line, not a page
            listed += (
                f" và {fmt.number(len(not_counted) - DRAFT_NOTICE_UNITS)} đơn vị khác"
                " (đủ danh sách trong phần «Ghi chú về số liệu»)"
            )
        periods = ", ".join(str(p) for p in data.periods_missing())
        parts.append(
            '<div class="draft-notice"><strong>BẢN NHÁP</strong> — số liệu chưa đầy đủ, không dùng để công bố.'
            + (f" Chưa tính số liệu của: {listed}." if listed else "")
            + (f" Chưa có báo cáo của các kỳ: {periods}." if periods else "")
            + "</div>"
        )
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
    late = [p for p in data.problems if p.rule == LATE_RETURN]
    parts = ["<h2>Ghi chú về số liệu</h2>"]
    for half in data.edition.periods():
        expected = data.reference.expected_units(half)
        this_period = data.sources[data.sources["period"] == str(half)]
        received = sorted(set(this_period["unit_code"]) & {u.code for u in expected})
        missing = [p for p in data.problems if p.period == str(half) and p.rule == MISSING_RETURN]
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
        parts.append(_table(["Mức", "Kỳ", "Đơn vị", "Vị trí", "Nội dung"], _problem_rows(data.problems), "problems"))
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
    parts.append(f'<p class="version">Bản tin được tạo bởi chương trình lập bản tin, {escape(code().words())}.</p>')
    # Marked as notes: counts of returns and files, not figures of the indicators.
    return Html('<section class="data-notes">' + "\n".join(parts) + "</section>")
