"""The bulletin's content: the data it is written from, and its HTML blocks (SPEC 6).

Each block is an `Html` object, which a notebook shows by evaluating it; text that came from the
returns or the reference files is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

import pandas as pd

from pipeline.common import fmt, labels
from pipeline.common.layout import CHART_CACHE_DIR, INDICATORS_FILE
from pipeline.common.periods import Edition, Period, parse, parse_edition, periods_on_record
from pipeline.common.version import code
from pipeline.documents.compose.charting.narrow import show_figures_for_phones
from pipeline.documents.compose.charting.picture import edition_key
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
    chart_cache: Path | None = (
        None  # where the edition's charts are kept once drawn (pipeline/documents/compose/charting/picture.py)
    )
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
            code: [f"{labels.half_year(parse(period))}: {reason}" for period, reason in sorted(reasons[code].items())]
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
    if not word_pictures:  # the bulletin's notebook: an analyst's own figure gets a narrow variant too
        show_figures_for_phones()
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
        chart_cache=Path(reports_dir) / str(edition) / CHART_CACHE_DIR,
        chart_key=edition_key(Path(reports_dir) / str(edition) / INDICATORS_FILE, reference.files, str(edition), draft),
    )


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
        periods = ", ".join(labels.half_year(p) for p in data.periods_missing())
        parts.append(
            '<div class="draft-notice"><strong>BẢN NHÁP</strong> — số liệu chưa đầy đủ, không dùng để công bố.'
            + (f" Chưa tính số liệu của: {listed}." if listed else "")
            + (f" Chưa có báo cáo của các kỳ: {periods}." if periods else "")
            + "</div>"
        )
    return Html("\n".join(parts))


# A place in a return (`returns/2016H2/MNH.ods, Thông tin!B4`) in parentheses: validation.html's, not the notes'.
_PLACE = re.compile(r"\s*\([^()]*(?:/|\.xlsx|\.xls|\.ods|\.csv|![A-Z]{1,3}\d)[^()]*\)")
_CODE = re.compile(r"\b(\d{4}H[12])\b")
_FOLDER = re.compile(r"\breturns/(\d{4}H[12])\b(?!/)")  # a half-year's folder: said as the half-year
_PATH = re.compile(r"[^\s,;()]*(?:/|\.xlsx\b|\.xls\b|\.ods\b|\.csv\b)")


def for_readers(message: str) -> str:
    """A problem's message as the data notes say it: half-years in words, places and files in the returns
    left out (validation.html names them): a message that lists files ends before them."""
    text = _FOLDER.sub(lambda m: m.group(1), _PLACE.sub("", message))
    path = _PATH.search(text)
    if path:
        text = text[: path.start()].rstrip(" ,;:") + "."
    return " ".join(_CODE.sub(lambda m: labels.half_year(parse(m.group(1))), text).split())


def _problem_items(data: BulletinData) -> list[str]:
    """The problems other than missing and late returns (named above them), one line for each kind: its
    message and the units and half-years it was found in."""
    found: dict[tuple[str, str], list[str]] = {}
    for p in data.problems:
        if p.rule in (LATE_RETURN, MISSING_RETURN):
            continue
        where = ", ".join(
            part for part in (data.unit_name(p.unit_code) if p.unit_code else "", _half_year(p.period)) if part
        )
        found.setdefault((p.severity, for_readers(p.message)), []).append(where)
    items = []
    for (severity, message), places in found.items():
        where = "; ".join(dict.fromkeys(w for w in places if w))
        items.append(
            f"<li>{escape(SEVERITY_VI[severity].capitalize())}: {escape(message)}"
            + (f" ({escape(where)})" if where else "")
            + "</li>"
        )
    return items


def _half_year(code: str) -> str:
    try:
        return labels.half_year(parse(code))
    except ValueError:
        return ""


def _listed(items: list[str]) -> str:
    """`a, b và c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1] if items else ""


def data_notes(data: BulletinData) -> Html:
    """Returns received, late and missing; warnings in words, a pointer to the validation pages; the sources
    (their files, places and SHA-256 stay in the annex's sources sheet and the manifest); the code version."""
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
                f"{escape(data.unit_name(p.unit_code))} ({escape(_half_year(p.period))}, lập ngày {escape(p.value)})"
                for p in late
            )
            + ".</p>"
        )
    items = _problem_items(data)
    if items:
        parts.append("<h3>Lỗi và cảnh báo khi kiểm tra báo cáo</h3>")
        parts.append('<ul class="problems">' + "".join(items) + "</ul>")
    if data.problems:
        parts.append(
            "<p>Chi tiết từng lỗi, cảnh báo (tệp, ô, giá trị tìm thấy và giá trị cần có) ghi trong trang kiểm tra "
            "báo cáo của từng kỳ (validation.html), do bộ phận tổng hợp lưu giữ.</p>"
        )
    else:
        parts.append("<p>Kiểm tra báo cáo không phát hiện lỗi hay cảnh báo nào.</p>")
    parts.append("<h3>Nguồn số liệu</h3>")
    files = data.sources.drop_duplicates(["period", "file"])
    halves = _listed([labels.half_year(parse(p)) for p in sorted(set(files["period"]))])
    parts.append(
        f"<p>Số liệu lấy từ {fmt.number(len(files))} tệp báo cáo của các đơn vị ({escape(halves)}) và danh mục "
        "đơn vị, nhiệm kỳ, chỉ tiêu của tỉnh. Danh sách đầy đủ các tệp, kèm đơn vị, người lập, ngày lập và mã "
        "kiểm tra của từng tệp, ghi ở trang «Nguồn số liệu» của phụ lục số liệu và trong tệp manifest.json đi "
        "kèm bản tin.</p>"
    )
    parts.append(f'<p class="version">Bản tin được tạo bởi chương trình lập bản tin, {escape(code().words())}.</p>')
    # Marked as notes: counts of returns and files, not figures of the indicators.
    return Html('<section class="data-notes">' + "\n".join(parts) + "</section>")
