"""Blank return workbooks for the units of a half-year (`make templates`), written with openpyxl.

Each holds the sheets of the province's form (SPEC 3, 10: names, columns, the first label of each row) with
the unit, its name and the period filled in; only the cells an office must fill are unlocked, and those
accept whole numbers ≥ 0 only (a date for `Ngày lập`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.common import iorw
from pipeline.common.periods import Period
from pipeline.intake import forms
from pipeline.intake.form_file import Form, SheetForm
from pipeline.intake.reference import Reference, Unit

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
# Workbook metadata is fixed so that the same reference files give the same templates.
STAMP = dt.datetime(2000, 1, 1)
# Fields of `Thông tin` an office fills in; the others the template fills.
OFFICE_FIELDS = ("prepared_on", "prepared_by")


def file_name(unit: Unit, period: Period) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', unit.code)}_{period}.xlsx"


def _guide(sheet: SheetForm) -> str:
    rows = "mã" if sheet.code_column is not None else "tên"
    return (
        f"Hướng dẫn: chỉ nhập vào các ô tô màu vàng ở cột {sheet.column('value')}, số nguyên ≥ 0; ô để trống được "
        "hiểu là 0 (riêng dòng tổng số đảng viên mới kết nạp phải ghi số). "
        f"Không thêm, xóa hay đổi {rows} các dòng."
    )


def _whole_numbers() -> DataValidation:
    rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    rule.error = "Chỉ nhập số nguyên không âm (0, 1, 2, …)."
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.showErrorMessage = True
    return rule


def _info_sheet(sheet: Worksheet, form: SheetForm, unit: Unit, period: Period) -> None:
    values = {"unit_code": unit.code, "unit_name": unit.name, "period": str(period)}
    label_column, value_column = form.label_column + 1, form.value_column + 1
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.error = "Nhập ngày theo dạng dd/mm/yyyy."
    dates.showErrorMessage = True
    sheet.add_data_validation(dates)
    for number, key in enumerate(form.codes, start=1):
        sheet.cell(number, label_column, form.label(key))
        value = sheet.cell(number, value_column, values.get(key))
        if key in values:
            value.data_type = "s"  # a name is text, even one that starts with "="
        if key in OFFICE_FIELDS:
            value.protection = UNLOCKED
            value.fill = INPUT_FILL
        if key == "prepared_on":
            value.number_format = "dd/mm/yyyy"
            dates.add(value.coordinate)
    sheet.column_dimensions[form.column("label")].width = 16
    sheet.column_dimensions[form.column("value")].width = 48
    sheet.protection.sheet = True


def _table_sheet(sheet: Worksheet, form: SheetForm) -> None:
    titles = [(form.code_column, "code"), (form.label_column, "label"), (form.value_column, "value")]
    for column, role in titles:
        if column is not None and role in form.header:
            sheet.cell(1, column + 1, form.header[role]).font = Font(bold=True)
    rule = _whole_numbers()
    sheet.add_data_validation(rule)
    for number, code in enumerate(form.codes, start=2):
        if form.code_column is not None:
            sheet.cell(number, form.code_column + 1, code)
        sheet.cell(number, form.label_column + 1, form.label(code))
        value = sheet.cell(number, form.value_column + 1)
        value.protection = UNLOCKED
        value.fill = INPUT_FILL
    value_letter = form.column("value")
    rule.add(f"{value_letter}2:{value_letter}{len(form.codes) + 1}")
    guide = sheet.cell(1, max(c for c, _ in titles if c is not None) + 3, _guide(form))
    guide.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"code": 24, "label": 52, "value": 12}
    for role, width in widths.items():
        if form.column(role):
            sheet.column_dimensions[form.column(role)].width = width
    sheet.column_dimensions[guide.column_letter].width = 40
    sheet.protection.sheet = True


def build(unit: Unit, period: Period, form: Form | None = None) -> Workbook:
    """The blank return of `unit` for `period` on `form` (the default form when None)."""
    form = form or forms.DEFAULT
    book = Workbook()
    book.properties.creator = "dangvien-bulletin"
    book.properties.created = book.properties.modified = STAMP
    info = book.active
    info.title = form.info.name
    _info_sheet(info, form.info, unit, period)
    for table in form.tables:
        _table_sheet(book.create_sheet(table.name), table)
    return book


def write_templates(reference: Reference, period: Period, folder: Path) -> list[Path]:
    """One template per unit expected in `period`, into `folder`, on the province's form."""
    written = []
    for unit in reference.expected_units(period):
        path = Path(folder) / file_name(unit, period)
        with iorw.atomic_path(path) as temporary:
            build(unit, period, reference.form).save(temporary)
        written.append(path)
    return written
