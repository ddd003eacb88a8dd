"""The bulletin's own blocks (SPEC 6): its title (with a draft's notice) and its notes on the data. The
other blocks it shows are every document's (`blocks`, `charts`).
"""

from __future__ import annotations

import re

from pipeline.common import fmt, labels
from pipeline.common.periods import parse
from pipeline.common.version import code
from pipeline.documents.compose.edition import EditionData
from pipeline.documents.content.document_parts import BulletinTitle, DataNotes
from pipeline.documents.content.model import Block, BulletList, Heading, Paragraph, Run
from pipeline.intake.checks import LATE_RETURN, MISSING_RETURN
from pipeline.intake.problems import SEVERITY_VI

TITLE = "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"


DRAFT_NOTICE_UNITS = 10  # units named in a draft's notice under the title; the data notes name them all


def title_block(data: EditionData) -> BulletinTitle:
    notice: list[Run] = []
    if data.draft:
        not_counted = list(data.units_not_counted().items())
        listed = "; ".join(
            f"{data.unit_name(code)} ({'; '.join(reasons)})" for code, reasons in not_counted[:DRAFT_NOTICE_UNITS]
        )
        if len(not_counted) > DRAFT_NOTICE_UNITS:  # a province of 120 communes: a line, not a page
            listed += (
                f" và {fmt.number(len(not_counted) - DRAFT_NOTICE_UNITS)} đơn vị khác"
                " (đủ danh sách trong phần «Ghi chú về số liệu»)"
            )
        periods = ", ".join(labels.half_year(p) for p in data.periods_missing())
        notice = [
            Run("BẢN NHÁP", bold=True),
            Run(
                " — số liệu chưa đầy đủ, không dùng để công bố."
                + (f" Chưa tính số liệu của: {listed}." if listed else "")
                + (f" Chưa có báo cáo của các kỳ: {periods}." if periods else "")
            ),
        ]
    return BulletinTitle(TITLE, data.subtitle, notice)


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


def _problem_items(data: EditionData) -> list[list[Run]]:
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
        items.append([Run(f"{SEVERITY_VI[severity].capitalize()}: {message}" + (f" ({where})" if where else ""))])
    return items


def _half_year(code: str) -> str:
    try:
        return labels.half_year(parse(code))
    except ValueError:
        return ""


def _listed(items: list[str]) -> str:
    """`a, b và c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1] if items else ""


def data_notes(data: EditionData) -> DataNotes:
    """Returns received, late and missing; warnings in words, a pointer to the validation pages; the sources
    (their files, places and SHA-256 stay in the annex's sources sheet and the manifest); the code version."""
    late = [p for p in data.problems if p.rule == LATE_RETURN]
    notes: list[Block] = [Heading("Ghi chú về số liệu", 2)]
    for half in data.edition.periods():
        expected = data.reference.expected_units(half)
        this_period = data.sources[data.sources["period"] == str(half)]
        received = sorted(set(this_period["unit_code"]) & {u.code for u in expected})
        missing = [p for p in data.problems if p.period == str(half) and p.rule == MISSING_RETURN]
        notes.append(
            _said(
                f"Kỳ {half.label_vi()}: nhận được báo cáo của {len(received)}/{len(expected)} đơn vị phải báo cáo"
                + ("; chưa nhận được: " + "; ".join(data.unit_name(p.unit_code) for p in missing) if missing else "")
                + "."
            )
        )
    if late:
        notes.append(
            _said(
                "Báo cáo nộp muộn: "
                + "; ".join(f"{data.unit_name(p.unit_code)} ({_half_year(p.period)}, lập ngày {p.value})" for p in late)
                + "."
            )
        )
    items = _problem_items(data)
    if items:
        notes.append(Heading("Lỗi và cảnh báo khi kiểm tra báo cáo", 3))
        notes.append(BulletList(items, css_class="problems"))
    if data.problems:
        notes.append(
            _said(
                "Chi tiết từng lỗi, cảnh báo (tệp, ô, giá trị tìm thấy và giá trị cần có) ghi trong trang kiểm tra "
                "báo cáo của từng kỳ (validation.html), do bộ phận tổng hợp lưu giữ."
            )
        )
    else:
        notes.append(_said("Kiểm tra báo cáo không phát hiện lỗi hay cảnh báo nào."))
    notes.append(Heading("Nguồn số liệu", 3))
    files = data.sources.drop_duplicates(["period", "file"])
    halves = _listed([labels.half_year(parse(p)) for p in sorted(set(files["period"]))])
    notes.append(
        _said(
            f"Số liệu lấy từ {fmt.number(len(files))} tệp báo cáo của các đơn vị ({halves}) và danh mục "
            "đơn vị, nhiệm kỳ, chỉ tiêu của tỉnh. Danh sách đầy đủ các tệp, kèm đơn vị, người lập, ngày lập và mã "
            "kiểm tra của từng tệp, ghi ở trang «Nguồn số liệu» của phụ lục số liệu và trong tệp manifest.json đi "
            "kèm bản tin."
        )
    )
    notes.append(_said(f"Bản tin được tạo bởi chương trình lập bản tin, {code().words()}.", "version"))
    # Marked as notes: counts of returns and files, not figures of the indicators.
    return DataNotes(notes)


def _said(text: str, css_class: str = "") -> Paragraph:
    return Paragraph([Run(text)], css_class)
