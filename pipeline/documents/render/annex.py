"""`tables.xlsx`: the statistical annex (SPEC 8), written with XlsxWriter.

A cover sheet, then one table per sheet: every indicator by scope for each window, admissions by category,
villages, the trend, and the sources (every return read, with its SHA-256). Every value is the value of its
row of `indicators.csv`, as a number with a number format; text is always written as text (a name that
starts with `=` stays a name, never a formula); headers are frozen; no merged cells.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import xlsxwriter

from pipeline.common import iorw, labels
from pipeline.common.periods import Edition, parse
from pipeline.indicators.compute import window_periods
from pipeline.indicators.members import MEMBER_INDICATORS
from pipeline.indicators.table import KIND_PREFIX, PROVINCE, WINDOWS, Indicators
from pipeline.intake import forms
from pipeline.intake.reference import Reference

SHEET_OF_WINDOW = {
    "period": "Chỉ tiêu trong kỳ",
    "year_to_date": "Chỉ tiêu từ đầu năm",
    "term_to_date": "Chỉ tiêu nhiệm kỳ",
}
CATEGORY_SHEET, VILLAGE_SHEET, TREND_SHEET, SOURCE_SHEET = "Cơ cấu kết nạp", "Thôn, bản", "Qua các kỳ", "Nguồn số liệu"
MEMBERS_SHEET = "Số lượng đảng viên"
DEFINITIONS = (
    "scope: province = toàn tỉnh; kind:… = mọi đơn vị của một loại; còn lại là mã đơn vị (units.csv).",
    "Chỉ tiêu có đuôi _pct là tỷ lệ phần trăm (làm tròn 2 chữ số thập phân); các chỉ tiêu khác là số đếm.",
    "target: chỉ tiêu kết nạp, mỗi kỳ 6 tháng bằng một nửa chỉ tiêu năm; ô trống: không tính được.",
    "Mọi giá trị bằng đúng dòng tương ứng của indicators.csv đi kèm.",
)
LANGUAGE = "vi-VN"
TITLE_ROW, HEADER_ROW = 0, 1  # every sheet's title in A1 (a screen reader reads it first), its table's headers below


def write_annex(
    path: Path,
    ind: Indicators,
    reference: Reference,
    edition: Edition,
    sources: pd.DataFrame,
    when: dt.date,
) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties(
        {"title": f"Phụ lục số liệu — {edition.label_vi()}", "created": dt.datetime.combine(when, dt.time())}
    )
    formats = {
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2", "border": 1}),
        "count": book.add_format({"num_format": "#,##0"}),
        "half": book.add_format({"num_format": "#,##0.0"}),
        "pct": book.add_format({"num_format": "0.00"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "text": book.add_format({"text_wrap": False}),
    }
    # The membership sheet (SPEC 11) only where some unit's balance is in the indicators: else the annex is
    # as before.
    members = any(i in MEMBER_INDICATORS for i in ind.names())
    sheets = [*SHEET_OF_WINDOW.values(), CATEGORY_SHEET, VILLAGE_SHEET, TREND_SHEET, SOURCE_SHEET]
    if members:
        sheets.insert(sheets.index(TREND_SHEET), MEMBERS_SHEET)
    _cover(book, formats, reference, edition, sources, when, sheets)
    formats["edition"] = edition.label_vi()  # not a format: the words every table's title ends with
    windows = {w: labels.window_words(w, edition, window_periods(w, edition, reference)[0]) for w in WINDOWS}
    _indicator_sheets(book, formats, ind, scope_names(reference), windows, reference)
    if members:
        _members_sheet(book, formats, ind, scope_names(reference), windows)
    _source_sheet(book, formats, reference, sources)
    book.close()
    iorw.write_bytes(path, iorw.fixed_zip(_with_language(buffer.getvalue(), LANGUAGE)))


def _with_language(data: bytes, language: str) -> bytes:
    """The workbook with `dc:language` in its core properties, where Excel and screen readers look for the
    language of its words: XlsxWriter has no property for it."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            member = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                end = b"</cp:coreProperties>"
                if member.count(end) != 1:
                    raise ValueError("docProps/core.xml without its end: XlsxWriter changed its output")
                member = member.replace(end, f"<dc:language>{language}</dc:language>".encode() + end)
            target.writestr(item, member)
    return buffer.getvalue()


def _indicator_sheets(
    book: xlsxwriter.Workbook,
    formats: dict,
    ind: Indicators,
    names: dict[str, str],
    windows: dict[str, str],
    reference: Reference,
) -> None:
    """Every indicator by unit for each window, admissions by category (the province's own too), villages,
    the trend; each window named in words (`windows`) in its sheet's title and its headers."""
    for window, sheet in SHEET_OF_WINDOW.items():
        indicators = list(dict.fromkeys(i for (_, w, i), _ in ind.items() if w == window))
        rows = [
            [scope, names.get(scope, scope), *(ind.get(scope, window, i) for i in indicators)] for scope in ind.scopes()
        ]
        _table(book, formats, sheet, ["scope", "Tên", *indicators], rows, windows[window])
    categories = [c for c in forms.CODES if c in forms.SHARE_CODES]
    own = {category.code: category.name for category in reference.form.categories}  # SPEC 11
    category_names = {**{code: forms.ROW_BY_CODE[code].label for code in categories}, **own}
    rows = [
        [
            code,
            category_names[code],
            *(v for w in WINDOWS for v in (ind.get(PROVINCE, w, code), ind.get(PROVINCE, w, f"{code}_pct"))),
        ]
        for code in [*categories, *own]
    ]
    headers = ["code", "Chỉ tiêu", *(f"{name}, {windows[w]}" for w in WINDOWS for name in ("Số", "%"))]
    _table(book, formats, CATEGORY_SHEET, headers, rows)
    village_codes = [c for c in ind.names() if c.startswith(("villages_", "new_village"))]
    rows = [
        [scope, names.get(scope, scope), *(ind.get(scope, "term_to_date", c) for c in village_codes)]
        for scope in ind.scopes()
    ]
    _table(book, formats, VILLAGE_SHEET, ["scope", "Tên", *village_codes], rows, windows["term_to_date"])
    _table(
        book,
        formats,
        TREND_SHEET,
        ["Kỳ", "admitted", "target", "target_pct"],
        [
            [labels.half_year(parse(half)), admitted, target, ind.get(PROVINCE, half, "target_pct")]
            for half, admitted, target in ind.trend()
        ],
    )


def _members_sheet(
    book: xlsxwriter.Workbook, formats: dict, ind: Indicators, names: dict[str, str], words: dict[str, str]
) -> None:
    """The membership balance by unit (SPEC 11), for the edition and for the term to date (`words`: the
    windows named in words); a blank cell where a figure is withheld."""
    shown = ("period", "term_to_date")
    headers = ["scope", "Tên", *(f"{i}, {words[w]}" for w in shown for i in MEMBER_INDICATORS)]
    rows = [
        [scope, names.get(scope, scope), *(ind.get(scope, w, i) for w in shown for i in MEMBER_INDICATORS)]
        for scope in ind.scopes()
    ]
    _table(book, formats, MEMBERS_SHEET, headers, rows)


def _source_sheet(book: xlsxwriter.Workbook, formats: dict, reference: Reference, sources: pd.DataFrame) -> None:
    """Every return read (its unit, date, preparer, SHA-256) and the reference files."""
    source_rows = [
        [
            r["period"],
            r["file"],
            r["unit_code"],
            r["unit_name"],
            r["prepared_by"],
            r["prepared_on"],
            r["status"],
            r["sha256"],
        ]
        for r in sources.to_dict("records")
    ]
    source_rows += [["", p.name, "", "", "", "", "", iorw.sha256(p)] for p in reference.files]
    headers = ["Kỳ", "Tệp", "Mã đơn vị", "Tên đơn vị (trong báo cáo)", "Người lập", "Ngày lập", "Trạng thái", "SHA-256"]
    # A column no return fills (a form without the preparer's name, say) is left out: no blank column in a table.
    kept = [c for c in range(len(headers)) if any(row[c] not in (None, "") for row in source_rows)]
    _table(book, formats, SOURCE_SHEET, [headers[c] for c in kept], [[row[c] for c in kept] for row in source_rows])


def scope_names(reference: Reference) -> dict[str, str]:
    """Each scope of the indicators by its name: the province, each kind of unit, each unit."""
    names = {PROVINCE: f"Tỉnh {reference.province}"}
    names |= {f"{KIND_PREFIX}{kind}": label for kind, label in reference.kinds.items()}
    names |= {code: unit.name for code, unit in reference.units.items()}
    return names


def _cover(book, formats, reference, edition, sources, when, sheets) -> None:  # type: ignore[no-untyped-def]
    sheet = book.add_worksheet("Bìa")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, "PHỤ LỤC SỐ LIỆU CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN", formats["title"])
    lines = [
        ("Kỳ", edition.label_vi()),
        ("Tỉnh", reference.province),
        ("Số liệu tính đến", when.strftime("%d/%m/%Y")),
        (
            "Nguồn",
            f"{len(sources.drop_duplicates(['period', 'file']))} tệp báo cáo của các đảng bộ trực thuộc; danh sách ở trang {SOURCE_SHEET}",
        ),
    ]
    lines += [("Giải thích", text) for text in DEFINITIONS]
    for row, (label, text) in enumerate(lines, start=2):
        sheet.write_string(row, 0, label, formats["head"])
        sheet.write_string(row, 1, text)
    # The contents: every sheet, a link to its A1.
    for row, name in enumerate(sheets, start=2 + len(lines)):
        sheet.write_string(row, 0, "Các trang" if row == 2 + len(lines) else "", formats["head"])
        sheet.write_url(row, 1, f"internal:'{name[:31]}'!A1", string=name[:31])


def _table(book, formats, name: str, headers: list[str], rows: list[list[object]], words: str = "") -> None:  # type: ignore[no-untyped-def]
    """A sheet of one table, its title in A1: the sheet's name and the window (`words`) or the edition."""
    sheet = book.add_worksheet(name[:31])
    sheet.write_string(TITLE_ROW, 0, f"{name} — {labels.capitalized(words or formats['edition'])}", formats["title"])
    for column, header in enumerate(headers):
        sheet.write_string(HEADER_ROW, column, header, formats["head"])
    widths = [len(h) for h in headers]
    for row_number, row in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(row):
            text = _write(sheet, formats, row_number, column, value, headers[column])
            widths[column] = max(widths[column], len(text))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(max(width + 2, 8), 60))
    sheet.freeze_panes(HEADER_ROW + 1, min(2, len(headers) - 1))
    # No selection or scrolling set: every sheet opens at A1, where its title is (XlsxWriter's default).


def _write(sheet, formats, row: int, column: int, value: object, header: str) -> str:  # type: ignore[no-untyped-def]
    if value is None or value == "":
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        percent = header.endswith("_pct") or header.startswith("%")
        kind = "pct" if percent else ("half" if isinstance(value, Decimal) and value % 1 else "count")
        sheet.write_number(row, column, float(value), formats[kind])
        return f"{value}"
    sheet.write_string(row, column, str(value))
    return str(value)
