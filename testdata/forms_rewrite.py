"""The sample's workbooks rewritten as other provinces lay them out: with titles above the tables, or on a
form of their own (other sheet names, no code column, a running number and a unit of measure, a header
row `STT | Nội dung | ĐVT | Số lượng`, other labels, rows in another order), with the form.toml that says so;
written by the one writer of `testdata.workbook`.
"""

from __future__ import annotations

from pathlib import Path

import python_calamine as calamine

from pipeline.common.text import fold
from pipeline.intake import forms
from pipeline.intake.form_file import TOTAL
from pipeline.intake.returns import WORKBOOK_SUFFIXES, read_return_file
from testdata.workbook import Rows, write_rows

TITLE_ROWS: Rows = [
    ["ĐẢNG BỘ TỈNH ĐIỆN BIÊN", None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    [None, "BÁO CÁO THỐNG KÊ CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"],
    ["Ghi chú: số liệu tính đến hết kỳ báo cáo; đơn vị tính: người."],
]

CUSTOM_FORM = """\
# The form of a province whose returns differ from the default form in every way form.toml can say.
[info]
sheet = "Thông tin chung"
label_column = "B"
value_column = "C"

[info.labels]
unit_code = ["Mã số đơn vị"]
period = ["Kỳ"]

[admissions]
sheet = "Phát triển đảng viên"
aliases = ["PTĐV"]
code_column = ""
label_column = "B"
value_column = "D"

[admissions.header]
label = "Nội dung"
value = "Số lượng"

[admissions.labels]
admitted = ["Tổng số kết nạp"]
youth_union = ["Là đoàn viên thanh niên"]
occ_farmer = ["Nông dân, lao động nông nghiệp"]
age_51_plus = ["Trên 50 tuổi"]
total = ["Cộng"]

[organization]
sheet = "Thôn bản"
code_column = ""
label_column = "B"
value_column = "D"

[organization.labels]
villages_total = ["Tổng số thôn, bản"]
new_village_cells = ["Chi bộ thôn bản mới thành lập"]

[members]
sheet = "Biến động đảng viên"
code_column = ""
label_column = "B"
value_column = "D"

[members.labels]
members_end = ["Tổng số đảng viên đến cuối kỳ"]
"""
CUSTOM_HEADER = ["STT", "Nội dung", "ĐVT", "Số lượng"]
CUSTOM_TITLES: Rows = [
    ["TỈNH ỦY ĐIỆN BIÊN", None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"],
    ["BAN TỔ CHỨC"],
    [None, "BIỂU THỐNG KÊ KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN 6 THÁNG", None, "Biểu số 01"],
]
SIGNATURES: Rows = [[], [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"], [None, "(Ký, ghi rõ họ tên)"]]


def read_cells(path: Path) -> dict[str, Rows]:
    """Every sheet's cells, as a spreadsheet shows them (whole numbers as ints, empty cells as None)."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    sheets = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets[name] = [[_plain(v) for v in row] for row in rows]
    return sheets


def _plain(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def workbooks(raw: Path) -> list[Path]:
    return sorted(p for p in (raw / "returns").rglob("*") if p.suffix.lower() in WORKBOOK_SUFFIXES)


def add_title_rows(raw: Path) -> int:
    """Put TITLE_ROWS above the table of every sheet of every workbook, in its own format; the number of
    rows every cell moved down by."""
    for path in workbooks(raw):
        sheets = {name: [*TITLE_ROWS, *rows] for name, rows in read_cells(path).items()}
        write_rows(path, sheets)
    return len(TITLE_ROWS)


def _cell(sheets: dict[str, Rows], sheet: str, cell: str) -> object:
    """The value of `Kết nạp!C7`, as the original shows it."""
    column = ord(cell[0]) - ord("A")
    row = sheets[sheet][int(cell[1:]) - 1]
    return row[column] if column < len(row) else None


def _info_rows(original: dict[str, Rows], form: forms.Form) -> Rows:
    """`Thông tin` on the custom form: a running number, the field's label (another one for some), its
    value; in another order."""
    name = next(n for n in original if fold(n) == fold(forms.SHEET_INFO))
    fields = {}
    for row in original[name]:
        key = forms.DEFAULT.info.code_of_label.get(fold(row[0] if row else None))
        if key and key not in fields:
            fields[key] = row[1] if len(row) > 1 else None
    keys = list(reversed(fields))
    return [[number, form.info.label(key), fields[key]] for number, key in enumerate(keys, start=1)]


def _table_rows(
    path: Path, original: dict[str, Rows], sheet: forms.SheetForm, unit: str, original_form: forms.Form
) -> Rows:
    """A sheet of figures on the custom form: the rows the original holds, in reverse order, each with a
    running number, its label on the custom form, a unit of measure and the original value cell."""
    [ret] = read_return_file(path, path.name, original_form)
    codes = [code for code in sheet.codes if code in ret.figures]
    rows: Rows = [*CUSTOM_TITLES, [], CUSTOM_HEADER, [None, "Chia theo các nhóm (xem hướng dẫn ghi biểu)"]]
    for number, code in enumerate(reversed(codes), start=1):
        place = ret.figures[code].place
        rows.append([number, sheet.label(code), unit, _cell(original, place.sheet, place.cell)])
    if ret.total is not None and sheet.key == "admissions":
        rows.append([None, sheet.label(TOTAL), unit, _cell(original, ret.total.place.sheet, ret.total.place.cell)])
    return [*rows, *SIGNATURES]


def rewrite_to_custom_form(raw: Path) -> None:
    """Every workbook of `raw` rewritten on CUSTOM_FORM (as .xlsx, the original removed), and the form.toml
    (with the categories the raw folder's own form.toml declares, SPEC 11)."""
    original_form = forms.load_form(raw)
    own = forms.form_path(raw)
    categories = own.read_text(encoding="utf-8") if own.is_file() else ""
    own.write_text(CUSTOM_FORM + "\n" + categories, encoding="utf-8")
    form = forms.load_form(raw)
    for number, path in enumerate(workbooks(raw)):
        original = read_cells(path)
        admissions = form.admissions.aliases[0] if number % 3 == 0 else form.admissions.name
        sheets = {
            form.info.name: [*CUSTOM_TITLES, [], *_info_rows(original, form)],
            admissions: _table_rows(path, original, form.admissions, "người", original_form),
            form.organization.name.upper(): _table_rows(path, original, form.organization, "thôn", original_form),
        }
        members = _table_rows(path, original, form.members, "người", original_form)
        if any(row and row[0] is not None and isinstance(row[0], int) for row in members):
            sheets[form.members.name] = members  # the membership balance (SPEC 11), where the return holds it
        path.unlink()
        write_rows(path.with_suffix(".xlsx"), sheets)
