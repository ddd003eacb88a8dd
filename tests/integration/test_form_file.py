"""The form as data (SPEC 10): the default form file, a province's form.toml on top of it, rows found
wherever they stand, and the workbooks and templates of a province whose form differs from SPEC 3."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import cli
from pipeline.common.errors import UserError
from pipeline.common.periods import Period, parse
from pipeline.execution.fingerprint import fingerprint
from pipeline.intake import forms
from pipeline.intake.blank_returns import write_templates
from pipeline.intake.checks import check_return
from pipeline.intake.clean import clean_period
from pipeline.intake.problems import ERROR, Problem
from pipeline.intake.reference import Reference, load_reference
from pipeline.intake.returns import read_return_file
from testdata.forms_rewrite import CUSTOM_FORM, add_title_rows, rewrite_to_custom_form
from testdata.returns import VALID_ADMISSIONS, VALID_VILLAGES, write_return
from testdata.workbook import write_rows
from tests.conftest import ROOT, SAMPLE_RAW, make

P = Period(2017, 1)
PERIODS = ("2016H1", "2016H2", "2017H1")


def _problems(path: Path, reference: Reference) -> list[Problem]:
    problems = []
    for ret in read_return_file(path, path.name, reference.form):
        check_return(ret, P, reference)
        problems.extend(ret.problems)
    return problems


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def _custom(raw: Path) -> Reference:
    (raw / forms.FORM_FILE).write_text(CUSTOM_FORM, encoding="utf-8")
    return load_reference(raw)


def _clean_all(raw: Path) -> dict[str, pd.DataFrame]:
    reference = load_reference(raw)
    previous = None
    figures = {}
    for period in PERIODS:
        result = clean_period(raw, parse(period), reference, previous)
        assert [p.as_row() for p in result.problems if p.severity == ERROR] == []
        figures[period] = previous = result.figures
    return figures


@pytest.fixture(scope="module")
def original_figures() -> dict[str, pd.DataFrame]:
    return _clean_all(SAMPLE_RAW)


# ---- the default form is a file


def test_default_form_is_the_form_of_spec_3() -> None:
    form = forms.DEFAULT
    assert [s.name for s in form.sheets] == ["Thông tin", "Kết nạp", "Tổ chức", "Đảng viên"]
    assert (form.admissions.column("code"), form.admissions.column("label"), form.admissions.column("value")) == (
        "A",
        "B",
        "C",
    )
    assert form.admissions.label("admitted") == "Tổng số đảng viên mới kết nạp"
    assert form.info.label("period") == "Kỳ báo cáo"
    assert form.admissions.header == {"code": "Mã", "label": "Chỉ tiêu", "value": "Kỳ này"}
    assert set(forms.CODES + forms.MEMBER_CODES) == {c for s in form.tables for c in s.labels} - {forms.TOTAL}
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    shipped = package_data["package-data"]["pipeline.intake"]
    assert {"default_form.toml", "rules.toml"} <= set(shipped)  # shipped with the package


def test_form_toml_adds_labels_and_replaces_names_and_columns(raw_copy: Path) -> None:
    form = _custom(raw_copy).form
    assert form.admissions.names == ("Phát triển đảng viên", "PTĐV")
    assert form.admissions.code_column is None and form.admissions.column("value") == "D"
    assert form.admissions.labels["admitted"] == ("Tổng số kết nạp", "Tổng số đảng viên mới kết nạp")
    assert form.organization.labels["villages_joint_end"] == ("Thôn, bản chưa có chi bộ, sinh hoạt ghép, cuối kỳ",)
    assert form.info.column("label") == "B"
    assert raw_copy / "form.toml" in load_reference(raw_copy).files


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[admissions]\nsheets = "Kết nạp"\n', "sheets"),
        ('[admission]\nsheet = "Kết nạp"\n', "admission"),
        ('sheet = "Kết nạp"\n', "sheet"),
        ('[admissions.labels]\nveterans = ["Cựu chiến binh"]\n', "veterans"),
        ('[info.labels]\nunit = ["Đơn vị"]\n', "unit"),
        ('[info]\ncode_column = "A"\n', "code_column"),
        ('[organization.header]\nunit = "ĐVT"\n', "unit"),
    ],
)
def test_unknown_key_is_refused_with_its_name(raw_copy: Path, toml: str, named: str) -> None:
    (raw_copy / "form.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(UserError, match=named) as caught:
        load_reference(raw_copy)
    assert "form.toml" in str(caught.value)


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('[admissions]\nvalue_column = "3"\n', "value_column"),
        ('[admissions]\nvalue_column = "B"\n', "khác nhau"),
        ('[admissions.labels]\nwomen = ["Dân tộc thiểu số"]\n', "women"),
        ('[organization]\naliases = ["Kết nạp"]\n', "Kết nạp"),
        ('[info]\nsheet = ""\n', "sheet"),
        ("[admissions\n", "sai cú pháp TOML ở dòng 1"),
    ],
)
def test_form_mistakes_are_named(raw_copy: Path, toml: str, said: str) -> None:
    (raw_copy / "form.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(UserError, match=said):
        load_reference(raw_copy)


def test_form_mistake_reaches_the_analyst_as_a_message(
    raw_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (raw_copy / "form.toml").write_text('[admissions]\nvalue_colum = "D"\n', encoding="utf-8")
    status = cli.main(["templates", "--period", "2017H2", "--raw-dir", str(raw_copy), "--reports-dir", str(tmp_path)])
    said = capsys.readouterr().err
    assert status == 1
    assert "form.toml" in said and "value_colum" in said and "Traceback" not in said


def test_form_toml_is_part_of_the_fingerprint(raw_copy: Path) -> None:
    before = fingerprint(raw_copy, "2017H1")
    _custom(raw_copy)
    assert fingerprint(raw_copy, "2017H1") != before
    assert "form.toml" in fingerprint(raw_copy, "2017H1")


# ---- the sample, laid out as other provinces do


def test_sample_with_title_rows_reads_as_the_original(raw_copy: Path, original_figures: dict) -> None:  # type: ignore[type-arg]
    shift = add_title_rows(raw_copy)
    titled = _clean_all(raw_copy)
    for period in PERIODS:
        before, after = original_figures[period], titled[period]
        same = ["unit_code", "code", "value", "file", "sheet"]
        pd.testing.assert_frame_equal(before[same], after[same])
        workbook = ~before["file"].str.endswith(".csv")
        moved = [f"{c[0]}{int(c[1:]) + shift}" for c in before.loc[workbook, "cell"]]
        assert after.loc[workbook, "cell"].tolist() == moved
        assert (after.loc[~workbook, "cell"] == before.loc[~workbook, "cell"]).all()


def test_sample_on_another_form_reads_the_same_figures(raw_copy: Path, original_figures: dict) -> None:  # type: ignore[type-arg]
    rewrite_to_custom_form(raw_copy)
    rewritten = _clean_all(raw_copy)
    for period in PERIODS:
        key = ["unit_code", "code"]
        before = original_figures[period].sort_values(key).reset_index(drop=True)
        after = rewritten[period].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(before[[*key, "value"]], after[[*key, "value"]])
    sheets = set(rewritten["2017H1"]["sheet"])
    assert {"Phát triển đảng viên", "PTĐV", "THÔN BẢN"} <= sheets


def test_sample_on_another_form_gives_the_same_indicators(raw_copy: Path, tmp_path: Path, sample_build: Path) -> None:
    raw = raw_copy
    rewrite_to_custom_form(raw)
    make("report", "PERIOD=2017H1", raw=raw, out=tmp_path)
    made = (tmp_path / "reports" / "2017H1" / "indicators.csv").read_bytes()
    assert made == (sample_build / "reports" / "2017H1" / "indicators.csv").read_bytes()


# ---- rows found wherever they stand; what the form does not know


def _custom_return(path: Path, rows: list[list[object]], info: list[list[object]] | None = None) -> Path:
    info = info or [[1, "Mã số đơn vị", "DBP"], [2, "Kỳ", "2017H1"], [3, "Ngày lập", "05/07/2017"]]
    body = [["STT", "Nội dung", "ĐVT", "Số lượng"], *rows]
    codes = forms.DEFAULT.admissions.codes
    admissions = [[n, forms.DEFAULT.admissions.label(c), "người", VALID_ADMISSIONS[c]] for n, c in enumerate(codes)]
    villages = [[n, forms.DEFAULT.organization.label(c), "thôn", v] for n, (c, v) in enumerate(VALID_VILLAGES.items())]
    write_rows(
        path,
        {"Thông tin chung": info, "Phát triển đảng viên": [*admissions, *body], "Thôn bản": [["Biểu 2"], *villages]},
    )
    return path


def test_rows_the_form_does_not_know_pass_over_unless_they_hold_a_number(raw_copy: Path, tmp_path: Path) -> None:
    reference = _custom(raw_copy)
    passed = [["", "Ghi chú: đã rà soát"], [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG"], [7, "Đợt 2", "người", "-"]]
    assert _problems(_custom_return(tmp_path / "a.xlsx", passed), reference) == []
    strays = [[1, "Đảng viên dự bị", "người", 5], [2, "Cựu chiến binh", "người", "1.234"], [3, None, None, "12,5"]]
    errors = _errors(_problems(_custom_return(tmp_path / "b.xlsx", strays), reference))
    assert [(p.cell, p.value) for p in errors] == [
        ("B29", "Đảng viên dự bị"),
        ("B30", "Cựu chiến binh"),
        ("D31", "12,5"),
    ]
    assert all("không có" in p.message for p in errors)


def test_value_on_an_unknown_row_of_the_default_form_is_an_error(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx", extra_rows=[("Kết nạp", None, "Cựu chiến binh", 3)])
    [error] = _errors(_problems(path, sample_reference))
    assert (error.sheet, error.cell, error.value) == ("Kết nạp", "B29", "Cựu chiến binh")


def test_a_known_row_is_checked_whatever_it_holds(raw_copy: Path, tmp_path: Path) -> None:
    reference = _custom(raw_copy)
    path = _custom_return(tmp_path / "a.xlsx", [])
    book = openpyxl.load_workbook(path)
    book["Phát triển đảng viên"]["D3"] = "mười"  # women
    book.save(path)
    [error] = _errors(_problems(path, reference))
    assert (error.sheet, error.cell, error.value) == ("Phát triển đảng viên", "D3", "mười")


def test_header_and_titles_at_any_height_on_the_default_form(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        sheet.insert_rows(1, 4)
        sheet["A1"], sheet["C2"] = "BÁO CÁO KẾT QUẢ", "Biểu số 1"
        sheet.merge_cells("A3:C3")
        sheet["A3"] = "Mã, chỉ tiêu và số kỳ này"
    book.save(path)
    assert _problems(path, sample_reference) == []
    [ret] = read_return_file(path, path.name)
    assert ret.figures["admitted"].place.cell == "C6"


def test_two_sheets_matching_one_form_sheet_are_refused(tmp_path: Path, sample_reference: Reference) -> None:
    path = write_return(tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(path)
    book.copy_worksheet(book["Kết nạp"]).title = "Ket nap"
    book.save(path)
    [error] = _errors(_problems(path, sample_reference))
    assert "«Kết nạp»" in error.message and "«Ket nap»" in error.message
    [ret] = read_return_file(path, path.name)
    assert "admitted" not in ret.figures  # neither is read: never a silent choice


@pytest.mark.parametrize(
    ("sheet_names", "expected"),
    [
        (
            ("Sheet1", "Sheet2", "Sheet3"),
            ("Thông tin", "Mã đơn vị", "Kết nạp", "Tổng số đảng viên mới kết nạp", "Tổ chức"),
        ),
        (("Thông tin", "Biểu 1", "Biểu 2"), ("Kết nạp", "Tổng số đảng viên mới kết nạp", "Tổ chức", "cột C")),
    ],
)
def test_a_return_that_matches_nothing_gets_one_message(
    tmp_path: Path, sample_reference: Reference, sheet_names: tuple[str, str, str], expected: tuple[str, ...]
) -> None:
    path = write_return(tmp_path / "x.xlsx", sheet_names=sheet_names)
    [problem] = _problems(path, sample_reference)
    assert problem.severity == ERROR
    for text in expected:
        assert text in problem.expected
    assert sheet_names[1] in problem.value


def test_a_sheet_whose_rows_match_nothing_gets_one_message(tmp_path: Path, sample_reference: Reference) -> None:
    # Another province's admissions, no row of which the form knows: one message, not one per row.
    dropped = dict.fromkeys(VALID_ADMISSIONS, "<drop>")
    theirs = [("Kết nạp", None, f"Chỉ tiêu số {number}", number) for number in range(1, 9)]
    path = write_return(tmp_path / "x.xlsx", values=dropped, extra_rows=theirs)
    [error] = _errors(_problems(path, sample_reference))
    assert error.sheet == "Kết nạp"
    assert "Tổng số đảng viên mới kết nạp" in error.expected and "cột C" in error.expected


# ---- templates follow the form


def test_templates_of_a_custom_form_read_back_through_it(raw_copy: Path, tmp_path: Path) -> None:
    reference = _custom(raw_copy)
    period = Period(2017, 2)
    path = next(p for p in write_templates(reference, period, tmp_path) if p.name.startswith("DBP_"))
    book = openpyxl.load_workbook(path)
    # The membership balance (SPEC 11) is on every template; left blank, the return does not hold it.
    assert book.sheetnames == ["Thông tin chung", "Phát triển đảng viên", "Thôn bản", "Biến động đảng viên"]
    admissions = book["Phát triển đảng viên"]
    assert (admissions["B1"].value, admissions["D1"].value) == ("Nội dung", "Số lượng")
    assert admissions["B2"].value == "Tổng số kết nạp" and admissions["A2"].value is None
    assert admissions["D2"].protection.locked is False
    assert book["Thông tin chung"]["B1"].value == "Mã số đơn vị" and book["Thông tin chung"]["C1"].value == "DBP"
    typed = {**VALID_ADMISSIONS, **VALID_VILLAGES}
    for sheet in (admissions, book["Thôn bản"]):
        table = reference.form.admissions if sheet is admissions else reference.form.organization
        for number, code in enumerate(table.codes, start=2):
            sheet.cell(number, 4).value = typed.get(code)  # the optional grassroots rows left blank
    book.save(path)
    [ret] = read_return_file(path, path.name, reference.form)
    check_return(ret, period, reference)
    assert ret.problems == []
    assert {code: f.value for code, f in ret.figures.items()} == typed
    assert ret.figures["admitted"].place.cell == "D2"
