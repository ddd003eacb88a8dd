"""Workbooks as offices make them: the blank templates, and a template filled in and saved by LibreOffice
Calc as .xlsx, .xls (Excel 97–2003) and .ods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pipeline.common.periods import Period
from pipeline.intake import forms
from pipeline.intake.blank_returns import write_templates
from pipeline.intake.checks import check_return
from pipeline.intake.reference import Reference
from pipeline.intake.returns import read_return_file
from testdata.returns import VALID_ADMISSIONS, VALID_VILLAGES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
P = Period(2017, 2)


@pytest.fixture
def templates(tmp_path: Path, sample_reference: Reference) -> list[Path]:
    return write_templates(sample_reference, P, tmp_path)


def test_one_template_per_expected_unit(templates: list[Path], sample_reference: Reference) -> None:
    assert sorted(p.name for p in templates) == sorted(f"{code}_{P}.xlsx" for code in sample_reference.units)


def test_template_is_filled_in_and_locked_but_for_the_inputs(
    templates: list[Path], sample_reference: Reference
) -> None:
    book = openpyxl.load_workbook(templates[0])
    sheets = [forms.SHEET_INFO, forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION, forms.SHEET_MEMBERS]
    assert book.sheetnames == sheets
    info = book[forms.SHEET_INFO]
    assert [info.cell(r, 1).value for r in range(1, 6)] == list(forms.INFO_LABELS.values())
    assert info["B3"].value == str(P)
    for sheet_name, codes in (
        # The sample's form.toml adds its own category to `Kết nạp` (SPEC 11).
        (forms.SHEET_ADMISSIONS, sample_reference.form.admissions.codes),
        (forms.SHEET_ORGANIZATION, forms.DEFAULT.organization.codes),
        (forms.SHEET_MEMBERS, forms.MEMBER_CODES),
    ):
        sheet, rows = book[sheet_name], codes
        assert sheet.protection.sheet
        assert [sheet.cell(r, 1).value for r in range(2, len(rows) + 2)] == list(codes)
        assert all(not sheet.cell(r, 3).protection.locked for r in range(2, len(rows) + 2))
        assert sheet["A2"].protection.locked and sheet["B2"].protection.locked
        [rule] = sheet.data_validations.dataValidation
        assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
        assert f"C2:C{len(rows) + 1}" in str(rule.sqref)


def test_template_filled_in_reads_back_exactly(templates: list[Path], sample_reference: Reference) -> None:
    path = next(p for p in templates if p.name.startswith("DBP_"))
    typed = {**VALID_ADMISSIONS, **VALID_VILLAGES, "occ_worker": 0, "college_graduate": 1}
    book = openpyxl.load_workbook(path)
    book[forms.SHEET_INFO]["B4"] = dt.datetime(2018, 1, 8)
    book[forms.SHEET_INFO]["B5"] = "Lò Văn Minh"
    for sheet_name in (forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION):
        for row in book[sheet_name].iter_rows(min_row=2):
            row[2].value = typed.get(row[0].value)  # the optional grassroots rows left blank
    book.save(path)
    [ret] = read_return_file(path, path.name, sample_reference.form)  # the membership sheet left blank
    check_return(ret, P, sample_reference)
    assert ret.problems == []
    assert {code: f.value for code, f in ret.figures.items()} == typed
    assert (ret.unit_code, ret.prepared_on, ret.prepared_by) == ("DBP", dt.date(2018, 1, 8), "Lò Văn Minh")


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_saved_return_reads_exactly(suffix: str, sample_reference: Reference) -> None:
    path = FIXTURES / f"DBP_2017H1_libreoffice.{suffix}"
    [ret] = read_return_file(path, path.name)
    check_return(ret, Period(2017, 1), sample_reference)
    assert ret.problems == []
    assert {code: f.value for code, f in ret.figures.items()} == {**VALID_ADMISSIONS, **VALID_VILLAGES}
    assert ret.figures["women"].place.sheet == forms.SHEET_ADMISSIONS
    assert ret.figures["women"].place.cell == "C4"
    assert (ret.prepared_on, ret.prepared_by) == (dt.date(2017, 7, 5), "Lò Thị Hoa")
