"""The one writer of return workbooks on a form (SPEC 3, 10), with openpyxl: the blank templates, the sample's
returns and the tests' returns are all laid out here.

A return is first a layout (`layout`): its sheets, each a list of lines (code, label, value) in the form's
order, which a caller may vary (rename a sheet, blank a code, reorder or add rows) before `build` puts it in
the form's columns. `save` writes the same bytes for the same workbook: fixed zip entry dates and the
document's `modified` date set to its `created` one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.intake.form_file import INFO, Form, SheetForm

Cell = int | float | str | dt.date | None

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "dd/mm/yyyy"
# Fields of the info sheet an office fills in; a template fills the others.
OFFICE_FIELDS = ("prepared_on", "prepared_by")
# Document dates when a caller gives none: the same inputs give the same file.
STAMP = dt.datetime(2000, 1, 1)
# Zip entries dated 1980-01-01, the earliest a zip can say: no run's clock in the file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Line:
    """One row of a sheet: its code (None: the code cell left empty), label and value. The info sheet has no code
    column: its lines carry the field's key as their code."""

    code: str | None
    label: str
    value: Cell = None


@dataclass
class SheetLayout:
    """One sheet of a return: the form's sheet it follows, the name it is saved under, its rows."""

    form: SheetForm
    name: str
    lines: list[Line] = field(default_factory=list)

    @property
    def is_info(self) -> bool:
        return self.form.key == INFO

    def grid(self) -> list[list[Cell]]:
        """The sheet's cells by row, each row as wide as the form's columns (for writers of other formats)."""
        columns = [c for c in (self.form.code_column, self.form.label_column, self.form.value_column) if c is not None]
        width = max(columns) + 1
        rows = [] if self.is_info else [_row(width, self.form, self.form.header.get)]
        for line in self.lines:
            cells = {"code": line.code, "label": line.label, "value": line.value}
            rows.append(_row(width, self.form, cells.get))
        return rows


def _row(width: int, form: SheetForm, value_of: Callable[[str], Cell]) -> list[Cell]:
    row: list[Cell] = [None] * width
    roles = (("code", form.code_column), ("label", form.label_column), ("value", form.value_column))
    for role, column in roles:
        if column is not None:
            row[column] = value_of(role)
    return row


def layout(form: Form, info: Mapping[str, Cell], values: Mapping[str, Cell] | None = None) -> list[SheetLayout]:
    """The sheets of a return on `form`: the info fields given (the others empty) and a row per code of each
    figures sheet, holding `values[code]` (empty when absent)."""
    values = values or {}
    fields = [Line(key, form.info.label(key), info.get(key)) for key in form.info.codes]
    sheets = [SheetLayout(form.info, form.info.name, fields)]
    for table in form.tables:
        sheets.append(SheetLayout(table, table.name, [Line(c, table.label(c), values.get(c)) for c in table.codes]))
    return sheets


@dataclass(frozen=True)
class Look:
    """How a return looks beyond its cells: column widths by role (`code`, `label`, `value`) and whether it is a
    template for offices (only their cells unlocked and yellow, with input rules and a guide; sheets locked)."""

    info_widths: Mapping[str, float] = field(default_factory=lambda: {"label": 16, "value": 48})
    table_widths: Mapping[str, float] = field(default_factory=lambda: {"code": 24, "label": 52, "value": 12})
    for_offices: bool = False


TEMPLATE = Look(for_offices=True)


def build(
    sheets: list[SheetLayout],
    look: Look | None = None,
    author: str = "dangvien-bulletin",
    stamp: dt.datetime = STAMP,
    last_modified_by: str | None = None,
) -> Workbook:
    """The workbook of a return laid out by `layout`, in its form's columns; `stamp`: its created date."""
    look = look or Look()
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = author
    if last_modified_by is not None:
        book.properties.lastModifiedBy = last_modified_by
    book.properties.created = book.properties.modified = stamp
    for sheet in sheets:
        target = book.create_sheet(sheet.name)
        if sheet.is_info:
            _info_sheet(target, sheet, look)
        else:
            _table_sheet(target, sheet, look)
        if look.for_offices:
            target.protection.sheet = True
    return book


def _widths(target: Worksheet, form: SheetForm, widths: Mapping[str, float]) -> None:
    for role, width in widths.items():
        if form.column(role):
            target.column_dimensions[form.column(role)].width = width


def _info_sheet(target: Worksheet, sheet: SheetLayout, look: Look) -> None:
    form = sheet.form
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.error = "Nhập ngày theo dạng dd/mm/yyyy."
    dates.showErrorMessage = True
    if look.for_offices:
        target.add_data_validation(dates)
    for number, line in enumerate(sheet.lines, start=1):
        target.cell(number, form.label_column + 1, line.label)
        cell = target.cell(number, form.value_column + 1, line.value)
        if isinstance(line.value, str):
            cell.data_type = "s"  # a name is text, even one that starts with "="
        if line.code == "prepared_on" and (line.value is None or isinstance(line.value, dt.date)):
            cell.number_format = DATE_FORMAT
            if look.for_offices:
                dates.add(cell.coordinate)
        if look.for_offices and line.code in OFFICE_FIELDS:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
    _widths(target, form, look.info_widths)


def _whole_numbers() -> DataValidation:
    rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    rule.error = "Chỉ nhập số nguyên không âm (0, 1, 2, …)."
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.showErrorMessage = True
    return rule


def _guide(form: SheetForm) -> str:
    rows = "mã" if form.code_column is not None else "tên"
    if form.key == "members":  # SPEC 11: optional as a whole, complete once filled in
        return (
            "Trang số đảng viên không bắt buộc: đơn vị không báo cáo thì để trống cả trang. Đã điền thì điền đủ "
            f"mọi dòng ở cột {form.column('value')}, số nguyên ≥ 0; số cuối kỳ phải bằng đầu kỳ + kết nạp + "
            f"chuyển đến − chuyển đi − từ trần − khai trừ − xóa tên − ra khỏi Đảng. Không thêm, xóa hay đổi {rows} "
            "các dòng."
        )
    return (
        f"Hướng dẫn: chỉ nhập vào các ô tô màu vàng ở cột {form.column('value')}, số nguyên ≥ 0; ô để trống được "
        "hiểu là 0 (riêng dòng tổng số đảng viên mới kết nạp phải ghi số). "
        f"Không thêm, xóa hay đổi {rows} các dòng."
    )


def _table_sheet(target: Worksheet, sheet: SheetLayout, look: Look) -> None:
    form = sheet.form
    columns = {"code": form.code_column, "label": form.label_column, "value": form.value_column}
    for role, column in columns.items():
        if column is not None and role in form.header:
            target.cell(1, column + 1, form.header[role]).font = Font(bold=True)
    if look.for_offices:
        rule = _whole_numbers()
        target.add_data_validation(rule)
        rule.add(f"{form.column('value')}2:{form.column('value')}{len(sheet.lines) + 1}")
    for number, line in enumerate(sheet.lines, start=2):
        if form.code_column is not None:
            target.cell(number, form.code_column + 1, line.code)
        target.cell(number, form.label_column + 1, line.label)
        cell = target.cell(number, form.value_column + 1, line.value)
        if look.for_offices:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
    _widths(target, form, look.table_widths)
    if look.for_offices:
        last = max(c for c in columns.values() if c is not None)
        guide = target.cell(1, last + 3, _guide(form))
        guide.alignment = Alignment(wrap_text=True, vertical="top")
        target.column_dimensions[guide.column_letter].width = 40


def save(book: Workbook, path: Path) -> None:
    """Save `book` to `path`, the same bytes every time: openpyxl dates the document and the zip entries with
    the clock, so both are fixed here (the document's `modified` to its `created`)."""
    buffer = io.BytesIO()
    book.save(buffer)
    created = book.properties.created
    write_fixed_zip(buffer.getvalue(), Path(path), created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None)


def write_fixed_zip(data: bytes, path: Path, core_modified: str | None = None) -> None:
    """Write the zip `data` to `path` with fixed entry dates, keeping entry order and compression; with
    `core_modified`, the document's `modified` date (docProps/core.xml) replaced by it."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if core_modified and info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + core_modified.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.create_system = 3
            target.writestr(entry, content)
