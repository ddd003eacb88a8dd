"""Reading returns and checking them: each problem found with its file, sheet and cell."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.common.periods import Period
from pipeline.intake import forms
from pipeline.intake.clean import clean_period
from pipeline.intake.problems import ERROR, WARNING, Problem
from pipeline.intake.reference import Reference
from pipeline.intake.returns import read_return_file
from testdata.corpus import _missing_target
from testdata.returns import VALID_ADMISSIONS, VALID_VILLAGES, write_csv_export, write_return

P = Period(2017, 1)


def _problems(path: Path, reference: Reference, period: Period = P) -> list[Problem]:
    """The problems of one return on its own (the other expected units' missing returns left out)."""
    from pipeline.intake.checks import check_return

    problems = []
    for ret in read_return_file(path, path.name):
        check_return(ret, period, reference)
        problems.extend(ret.problems)
    return problems


def _only(problems: list[Problem], severity: str = ERROR) -> Problem:
    matching = [p for p in problems if p.severity == severity]
    assert len(matching) == 1, [p.as_row() for p in problems]
    return matching[0]


def test_valid_return_reads_every_figure_with_its_cell(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "DBP.xlsx")
    [ret] = read_return_file(path, "DBP.xlsx")
    assert ret.unit_code == "DBP"
    assert {code: f.value for code, f in ret.figures.items()} == {**VALID_ADMISSIONS, **VALID_VILLAGES}
    assert ret.figures["admitted"].place.sheet == forms.SHEET_ADMISSIONS
    assert ret.figures["admitted"].place.cell == "C2"
    assert ret.figures["villages_total"].place.cell == "C2"
    assert _problems(path, sample_reference) == []


def test_non_numeric_cell_is_an_error_at_that_cell(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "DBP.xlsx", values={"women": "4a"})
    problem = _only(_problems(path, sample_reference))
    assert (problem.sheet, problem.cell, problem.value) == (forms.SHEET_ADMISSIONS, "C4", "4a")
    assert "số nguyên" in problem.message


def test_text_numbers_blank_and_dash_are_read(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "DBP.xlsx", values={"admitted": "10", "readmitted": "-", "occ_worker": None})
    [ret] = read_return_file(path, "x")
    assert ret.figures["admitted"].value == 10
    assert ret.figures["readmitted"].value == 0
    assert ret.figures["occ_worker"].value == 0
    assert _problems(path, sample_reference) == []


def test_blank_admitted_is_an_error(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "DBP.xlsx", values={"admitted": None})
    problem = _only(_problems(path, sample_reference))
    assert problem.cell == "C2"


def test_unknown_unit(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", unit_code="XYZ")
    problem = _only(_problems(path, sample_reference))
    assert (problem.sheet, problem.cell, problem.value) == (forms.SHEET_INFO, "B1", "XYZ")
    assert "units.csv" in problem.message


def test_wrong_period(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", period="6 tháng cuối năm 2016")
    problem = _only(_problems(path, sample_reference))
    assert (problem.sheet, problem.cell) == (forms.SHEET_INFO, "B3")
    assert problem.expected.startswith("2017H1")


def test_period_in_words_is_accepted(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", period="6 tháng đầu năm 2017")
    assert _problems(path, sample_reference) == []


def test_breakdown_that_does_not_sum(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", values={"age_18_30": 6})
    problem = _only(_problems(path, sample_reference))
    assert problem.sheet == forms.SHEET_ADMISSIONS
    assert problem.cell == "C15:C18"
    assert (problem.value, problem.expected) == ("9", "10")
    assert "độ tuổi" in problem.message


def test_of_which_above_admitted(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", values={"youth_union": 11})
    problem = _only(_problems(path, sample_reference))
    assert (problem.cell, problem.value, problem.expected) == ("C7", "11", "≤ 10")


def test_villages_above_total(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", values={"villages_joint_end": 121})
    problem = _only(_problems(path, sample_reference))
    assert (problem.sheet, problem.cell) == (forms.SHEET_ORGANIZATION, "C6")


def test_unknown_row_code(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", extra_rows=[(forms.SHEET_ADMISSIONS, "veterans", "Cựu chiến binh", 3)])
    problem = _only(_problems(path, sample_reference))
    assert (problem.cell, problem.value) == ("A29", "veterans")


def test_row_without_code_matched_by_label(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(
        tmp_path / "x.xlsx",
        values={"religious": "<drop>"},
        extra_rows=[(forms.SHEET_ADMISSIONS, None, unicodedata.normalize("NFD", "TÔN GIÁO"), 1)],
    )
    [ret] = read_return_file(path, "x")
    assert ret.figures["religious"].value == 1
    assert _problems(path, sample_reference) == []


def test_total_row_must_agree_with_admitted(tmp_path: Path, sample_reference: Reference) -> None:
    agrees = write_return(tmp_path / "a.xlsx", extra_rows=[(forms.SHEET_ADMISSIONS, None, "Tổng cộng", 10)])
    assert _problems(agrees, sample_reference) == []
    contradicts = write_return(tmp_path / "b.xlsx", extra_rows=[(forms.SHEET_ADMISSIONS, None, "TỔNG CỘNG", 12)])
    problem = _only(_problems(contradicts, sample_reference))
    assert (problem.cell, problem.value) == ("C29", "12")


def test_sheet_names_in_other_case_and_decomposed(tmp_path: Path, sample_reference: Reference) -> None:
    names = ("THÔNG TIN", unicodedata.normalize("NFD", "kết nạp"), "To chuc")
    path = write_return(tmp_path / "x.xlsx", sheet_names=names)
    assert _problems(path, sample_reference) == []


def test_missing_sheet(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", sheet_names=(forms.SHEET_INFO, forms.SHEET_ADMISSIONS, "Sheet3"))
    problem = _only(_problems(path, sample_reference))
    assert problem.sheet == forms.SHEET_ORGANIZATION
    assert "Thiếu trang" in problem.message


def test_corrupt_file(tmp_path: Path, sample_reference: Reference) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    problem = _only(_problems(path, sample_reference))
    assert problem.file == "broken.xlsx"
    assert "hỏng" in problem.message


def test_late_return_is_a_warning(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", prepared_on="21/07/2017")
    problem = _only(_problems(path, sample_reference), WARNING)
    assert (problem.cell, problem.value) == ("B4", "21/07/2017")
    on_time = write_return(tmp_path / "y.xlsx", prepared_on="20/07/2017")
    assert _problems(on_time, sample_reference) == []


def test_villages_from_unit_without_villages_is_a_warning(tmp_path: Path, sample_reference: Reference) -> None:
    values = {"org_commune": 0, "org_police": 8}
    path = write_return(tmp_path / "x.xlsx", unit_code="CAT", values=values)
    problem = _only(_problems(path, sample_reference), WARNING)
    assert problem.sheet == forms.SHEET_ORGANIZATION


def test_csv_export_several_units(tmp_path: Path, sample_reference: Reference) -> None:
    rows = [(u, "2017H1", code, v) for u in ("CAT", "BPT") for code, v in VALID_ADMISSIONS.items()]
    rows.append(("CAT", "2017H1", "women", "4"))  # a second value for one figure
    path = write_csv_export(tmp_path / "export.csv", rows)
    problems = _problems(path, sample_reference)
    problem = _only(problems)
    assert (problem.unit_code, problem.cell) == ("CAT", f"D{len(rows) + 1}")
    returns = read_return_file(path, "export.csv")
    assert [r.unit_code for r in returns] == ["CAT", "BPT"]
    assert returns[1].figures["admitted"].place.cell == f"D{len(VALID_ADMISSIONS) + 2}"


def test_period_check_finds_duplicates_and_missing_units(tmp_path: Path, sample_reference: Reference) -> None:
    raw = tmp_path / "raw"
    for name in ("province.toml", "units.csv", "targets.csv"):
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes((Path(__file__).resolve().parents[2] / "data" / "raw" / name).read_bytes())
    write_return(raw / "returns" / "2017H1" / "a.xlsx")
    write_return(raw / "returns" / "2017H1" / "b.xlsx")
    (raw / "returns" / "2017H1" / "~$a.xlsx").write_bytes(b"office lock file")
    result = clean_period(raw, P, sample_reference)
    duplicates = [p for p in result.problems if "nhiều báo cáo" in p.message]
    assert {p.file for p in duplicates} == {"returns/2017H1/a.xlsx", "returns/2017H1/b.xlsx"}
    missing = {p.unit_code for p in result.problems if p.rule == "return-missing"}
    assert missing == set(sample_reference.units) - {"DBP"}
    assert result.figures.empty  # both returns of DBP are rejected
    assert set(result.sources["status"]) == {"rejected"}


@pytest.mark.parametrize("period", ["2016H1", "2016H2", "2017H1"])
def test_sample_returns_are_clean(period: str, sample_reference: Reference) -> None:
    from pipeline.common.periods import parse
    from tests.conftest import SAMPLE_RAW

    result = clean_period(SAMPLE_RAW, parse(period), sample_reference)
    assert [p.as_row() for p in result.problems if p.severity == ERROR] == []
    assert set(result.sources["status"]) == {"accepted"}
    assert result.figures["unit_code"].nunique() == 15
    assert (result.figures["cell"] != "").all()


def test_note_beside_the_form_is_not_a_row(tmp_path: Path, sample_reference: Reference) -> None:
    book_path = write_return(tmp_path / "x.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(book_path)
    book[forms.SHEET_ADMISSIONS]["E40"] = "Ghi chú: số liệu đã rà soát"
    book.save(book_path)
    assert _problems(book_path, sample_reference) == []


def test_row_codes_in_other_case(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(
        tmp_path / "x.xlsx",
        values={"readmitted": "<drop>"},
        extra_rows=[(forms.SHEET_ADMISSIONS, "Readmitted", "Trong đó: kết nạp lại", 1)],
    )
    [ret] = read_return_file(path, "x")
    assert ret.figures["readmitted"].value == 1


def test_empty_admissions_sheet_is_one_error(tmp_path: Path, sample_reference: Reference) -> None:
    values = {code: "<drop>" for code in VALID_ADMISSIONS}
    problem = _only(_problems(write_return(tmp_path / "x.xlsx", values=values), sample_reference))
    assert problem.sheet == forms.SHEET_ADMISSIONS


def test_csv_export_without_period(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_csv_export(tmp_path / "e.csv", [("CAT", "", c, v) for c, v in VALID_ADMISSIONS.items()])
    problem = _only(_problems(path, sample_reference))
    assert problem.cell == "B2"


def test_unit_without_target_is_warned(tmp_path: Path, raw_copy: Path) -> None:
    from pipeline.intake.reference import load_reference

    _missing_target(raw_copy)
    write_return(raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx")
    result = clean_period(raw_copy, P, load_reference(raw_copy))
    warned = [p for p in result.problems if p.rule == "target-missing"]
    assert [(p.unit_code, p.file) for p in warned] == [("DBP", "targets.csv")]
