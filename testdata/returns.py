"""Returns written for tests: a valid unit-period that a test then spoils in one place, by the one writer of
`testdata.workbook`."""

from __future__ import annotations

from pathlib import Path

from pipeline.intake import forms, workbook_writer
from pipeline.intake.workbook_writer import Line
from testdata import workbook

VALID_ADMISSIONS = {
    "admitted": 10,
    "readmitted": 0,
    "women": 4,
    "ethnic_minority": 6,
    "religious": 1,
    "youth_union": 7,
    "occ_civil_servant": 2,
    "occ_public_employee": 1,
    "occ_worker": 0,
    "occ_farmer": 5,
    "occ_armed_forces": 0,
    "occ_student": 1,
    "occ_other": 1,
    "age_18_30": 7,
    "age_31_40": 2,
    "age_41_50": 1,
    "age_51_plus": 0,
    "edu_primary": 1,
    "edu_lower_secondary": 2,
    "edu_upper_secondary": 7,
    "org_commune": 8,
    "org_agency": 2,
    "org_public_service": 0,
    "org_enterprise": 0,
    "org_military": 0,
    "org_police": 0,
    "org_other": 0,
}
VALID_VILLAGES = {
    "villages_total": 120,
    "villages_no_member_start": 5,
    "villages_no_member_end": 4,
    "villages_joint_start": 20,
    "villages_joint_end": 18,
    "new_village_cells": 2,
}


def write_return(
    path: Path,
    unit_code: str = "DBP",
    period: object = "2017H1",
    prepared_on: object = "05/07/2017",
    values: dict[str, object] | None = None,
    sheet_names: tuple[str, str, str] = (forms.SHEET_INFO, forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION),
    extra_rows: list[tuple[str, str, object]] | None = None,
) -> Path:
    """An .xlsx return on the default form, by the product's writer; `values` overrides figures (None leaves
    the cell empty; a missing key keeps the default; `"<drop>"` leaves the row out); `extra_rows`: (sheet,
    code, label, value) rows added at the end of the sheet so named."""
    figures: dict[str, object] = {**VALID_ADMISSIONS, **VALID_VILLAGES, **(values or {})}
    info = {
        "unit_code": unit_code,
        "unit_name": "Đơn vị thử",
        "period": period,
        "prepared_on": prepared_on,
        "prepared_by": "Nguyễn Văn A",
    }
    sheets = workbook_writer.layout(forms.DEFAULT, info, figures)  # type: ignore[arg-type]
    if len(sheet_names) == 3:  # the membership sheet (SPEC 11) only when asked for by its name
        sheets = sheets[:3]
    for sheet, name in zip(sheets, sheet_names, strict=True):
        sheet.name = name
        if not sheet.is_info:
            sheet.lines = [line for line in sheet.lines if line.value != "<drop>"]
            sheet.lines += [Line(*row) for title, *row in extra_rows or [] if title == name]  # type: ignore[arg-type]
    return workbook.write_layout(path, sheets)


def write_csv_export(path: Path, rows: list[tuple[str, str, str, object]]) -> Path:
    """The membership database's CSV export holding `rows` (unit_code, period, code, value)."""
    return workbook.write_csv_export(path, rows)
