"""Blank return workbooks for the units of a half-year (`make templates`), written with openpyxl.

Each holds the three sheets of SPEC 3 with the unit, its name and the period filled in; only the cells an
office must fill are unlocked, and those accept whole numbers ≥ 0 only (a date for `Ngày lập`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import forms, iorw
from pipeline.periods import Period
from pipeline.reference import Reference, Unit

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
GUIDE = (
    "Hướng dẫn: chỉ nhập vào các ô tô màu vàng ở cột C, số nguyên ≥ 0; ô để trống được hiểu là 0 "
    "(riêng dòng tổng số đảng viên mới kết nạp phải ghi số). Không thêm, xóa hay đổi mã các dòng."
)
# Workbook metadata is fixed so that the same reference files give the same templates.
STAMP = dt.datetime(2000, 1, 1)


def file_name(unit: Unit, period: Period) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', unit.code)}_{period}.xlsx"


def _whole_numbers() -> DataValidation:
    rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    rule.error = "Chỉ nhập số nguyên không âm (0, 1, 2, …)."
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.showErrorMessage = True
    return rule


def build(unit: Unit, period: Period) -> Workbook:
    book = Workbook()
    book.properties.creator = "dangvien-bulletin"
    book.properties.created = book.properties.modified = STAMP
    info = book.active
    info.title = forms.SHEET_INFO
    values = {
        "unit_code": unit.code,
        "unit_name": unit.name,
        "period": str(period),
        "prepared_on": None,
        "prepared_by": None,
    }
    for key, label in forms.INFO_LABELS.items():
        info.append([label, values[key]])
        if isinstance(values[key], str):
            info.cell(info.max_row, 2).data_type = "s"  # a name is text, even one that starts with "="
    for row in (4, 5):  # Ngày lập, Người lập: filled by the office
        info.cell(row, 2).protection = UNLOCKED
        info.cell(row, 2).fill = INPUT_FILL
    info.cell(4, 2).number_format = "dd/mm/yyyy"
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.error = "Nhập ngày theo dạng dd/mm/yyyy."
    dates.showErrorMessage = True
    info.add_data_validation(dates)
    dates.add("B4")
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 48
    info.protection.sheet = True

    for sheet_name, header, rows in (
        (forms.SHEET_ADMISSIONS, forms.ADMISSIONS_HEADER, forms.ADMISSION_ROWS),
        (forms.SHEET_ORGANIZATION, forms.ORGANIZATION_HEADER, forms.ORGANIZATION_ROWS),
    ):
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        rule = _whole_numbers()
        sheet.add_data_validation(rule)
        for number, row in enumerate(rows, start=2):
            sheet.append([row.code, row.label, None])
            value = sheet.cell(number, 3)
            value.protection = UNLOCKED
            value.fill = INPUT_FILL
        rule.add(f"C2:C{len(rows) + 1}")
        sheet["E1"] = GUIDE
        sheet["E1"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 52
        sheet.column_dimensions["C"].width = 12
        sheet.column_dimensions["E"].width = 40
        sheet.protection.sheet = True
    return book


def write_templates(reference: Reference, period: Period, folder: Path) -> list[Path]:
    """One template per unit expected in `period`, into `folder`."""
    written = []
    for unit in reference.expected_units(period):
        path = Path(folder) / file_name(unit, period)
        with iorw.atomic_path(path) as temporary:
            build(unit, period).save(temporary)
        written.append(path)
    return written
