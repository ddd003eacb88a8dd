"""SPEC 11: a province's own categories, the membership balance, grassroots organizations (issue 26)."""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.common import fmt
from pipeline.common.errors import UserError
from pipeline.common.periods import Period
from pipeline.documents.compose.narrative import lead_paragraph
from pipeline.indicators.compute import compute, percent
from pipeline.indicators.table import PROVINCE, Indicators
from pipeline.intake import checks, forms
from pipeline.intake.clean import clean_period
from pipeline.intake.form_file import default_form, parse_form
from pipeline.intake.reference import Reference, load_reference
from pipeline.intake.returns import Return, read_return_file
from testdata.returns import VALID_ADMISSIONS, write_return
from testdata.workbook import sheet_named
from tests.conftest import SAMPLE_RAW, make
from tests.readers import docx_text

ON_RECORD = [Period(2016, 1), Period(2016, 2), Period(2017, 1)]
EDITION = Period(2017, 1)
CATEGORY = "college_graduate"  # the sample's form.toml declares it
SPEC_11 = {CATEGORY, f"{CATEGORY}_pct", *forms.MEMBER_CODES, "members_net", "members_left", "admitted_rate_pct"}
SPEC_11 |= {*forms.GRASSROOTS_CODES, "orgs_admitting_pct"}
BALANCED = {
    "members_start": 500,
    "transferred_in": 4,
    "transferred_out": 3,
    "deceased": 2,
    "expelled": 1,
    "struck_off": 1,
    "permitted_to_leave": 0,
    "members_end": 500 + VALID_ADMISSIONS["admitted"] + 4 - 3 - 2 - 1 - 1,  # type: ignore[operator]
    "probationary_end": 20,
    "made_full": 5,
}
ALL_SHEETS = (forms.SHEET_INFO, forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION, forms.SHEET_MEMBERS)


def _figures(raw: Path, reference: Reference) -> pd.DataFrame:
    results = [clean_period(raw, p, reference) for p in ON_RECORD]
    for result in results:
        assert [p for p in result.problems if p.severity == "error"] == [], result.problems
    return pd.concat([r.figures for r in results], ignore_index=True)


@pytest.fixture(scope="module")
def sample(sample_reference: Reference) -> tuple[pd.DataFrame, Indicators]:
    figures = _figures(SAMPLE_RAW, sample_reference)
    return figures, Indicators(compute(figures, sample_reference, EDITION, ON_RECORD))


def _sum(figures: pd.DataFrame, code: str, periods: list[Period], units: list[str] | None = None) -> int:
    rows = figures[(figures["code"] == code) & figures["period"].astype(str).isin([str(p) for p in periods])]
    if units is not None:
        rows = rows[rows["unit_code"].isin(units)]
    return int(rows["value"].sum())


# ---- the form


def _form(extra: str) -> object:
    import tomllib

    return parse_form(tomllib.loads(extra), Path("form.toml"), default_form())


def test_the_sample_form_declares_a_category_that_every_return_holds(sample_reference: Reference) -> None:
    [category] = sample_reference.form.categories
    assert category.code == CATEGORY and category.optional
    assert CATEGORY in sample_reference.form.admissions.codes
    export = next((SAMPLE_RAW / "returns" / "2017H1").glob("*.csv")).read_text(encoding="utf-8-sig")
    assert f",{CATEGORY}," in export  # the CSV export carries it under its code


@pytest.mark.parametrize(
    ("category", "named"),
    [
        ('code = "women"\nlabels = ["Nữ giới"]', "«women»"),  # a code of SPEC 3
        ('code = "members_end"\nlabels = ["Cuối kỳ"]', "«members_end»"),
        ('code = "owner"\nlabels = ["Nữ"]', "«Nữ»"),  # a label of another row
        ('code = "Owner"\nlabels = ["Chủ doanh nghiệp"]', "«Owner»"),  # not a code
        ('code = "owner"\nlabels = ["Chủ doanh nghiệp"]\ncolour = 1', "colour"),
    ],
)
def test_a_bad_category_is_refused_by_name(category: str, named: str) -> None:
    with pytest.raises(UserError) as error:
        _form(f"[[admissions.categories]]\n{category}\n")
    assert named in str(error.value) and "form.toml" in str(error.value)


def test_a_duplicated_category_is_refused_by_name() -> None:
    one = '[[admissions.categories]]\ncode = "owner"\nlabels = ["Chủ doanh nghiệp"]\n'
    other = '[[admissions.categories]]\ncode = "owner"\nlabels = ["Chủ doanh nghiệp tư nhân"]\n'
    with pytest.raises(UserError, match=r"«owner».*hai lần"):
        _form(one + other)
    with pytest.raises(UserError, match="«Chủ doanh nghiệp»"):  # one label for two categories
        _form(one + one.replace('"owner"', '"owner2"'))


# ---- categories


def test_a_category_row_is_accepted_and_its_figures_reach_the_indicators(
    sample: tuple[pd.DataFrame, Indicators], sample_reference: Reference
) -> None:
    figures, ind = sample
    windows = {"period": [EDITION], "term_to_date": ON_RECORD}
    scopes = {PROVINCE: None, "kind:district": [u for u, x in sample_reference.units.items() if x.kind == "district"]}
    scopes |= {"CAT": ["CAT"], "DBP": ["DBP"]}  # CAT: from the CSV export in 2017H1
    for scope, units in scopes.items():
        for window, periods in windows.items():
            count, admitted = _sum(figures, CATEGORY, periods, units), _sum(figures, "admitted", periods, units)
            assert count > 0
            assert ind.get(scope, window, CATEGORY) == count, (scope, window)
            assert ind.get(scope, window, f"{CATEGORY}_pct") == percent(count, admitted), (scope, window)


def _drop_row(path: Path, label: str) -> None:
    """Delete the row holding `label` from a return workbook (.xlsx)."""
    book = openpyxl.load_workbook(path)
    sheet = sheet_named(book, forms.SHEET_ADMISSIONS)
    row = next(cell.row for line in sheet.iter_rows() for cell in line if cell.value == label)
    sheet.delete_rows(row)
    book.save(path)


def test_an_optional_category_missing_from_a_return_withholds_the_figures_covering_it(raw_copy: Path) -> None:
    form = raw_copy / forms.FORM_FILE
    path = raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx"
    _drop_row(path, "Trình độ cao đẳng, đại học trở lên")
    reference = load_reference(raw_copy)
    ind = Indicators(compute(_figures(raw_copy, reference), reference, EDITION, ON_RECORD))
    for scope in (PROVINCE, "kind:district", "DBP"):
        for window in ("period", "term_to_date"):
            assert ind.get(scope, window, CATEGORY) is None, (scope, window)
    assert ind.get("DBP", "period", "admitted") is not None
    assert ind.get("kind:bloc", "term_to_date", CATEGORY) is not None
    assert ind.get("MLA", "period", f"{CATEGORY}_pct") is not None
    # Not optional, its absence is an error at the sheet.
    text = form.read_text(encoding="utf-8")
    form.write_text(re.sub(r"optional = true.*", "optional = false", text), encoding="utf-8")
    reference = load_reference(raw_copy)
    [ret] = read_return_file(path, path.name, reference.form)
    checks.check_return(ret, EDITION, reference)
    assert [(p.rule, p.severity, p.sheet) for p in ret.problems] == [
        ("row-missing-required", "error", forms.SHEET_ADMISSIONS)
    ]


def test_a_category_above_admitted_is_an_error_at_its_cell(tmp_path: Path, sample_reference: Reference) -> None:
    form = sample_reference.form
    path = write_return(
        tmp_path / "r.xlsx",
        values={CATEGORY: 999, **BALANCED},
        sheet_names=ALL_SHEETS,
        extra_rows=[(forms.SHEET_ADMISSIONS, CATEGORY, "Trình độ cao đẳng, đại học trở lên", 999)],
    )
    [ret] = read_return_file(path, path.name, form)
    checks.check_return(ret, EDITION, sample_reference)
    [problem] = [p for p in ret.problems if p.severity == "error"]
    assert problem.rule == "of-which-above-admitted" and problem.value == "999"
    assert problem.cell == ret.figures[CATEGORY].place.cell


# ---- the membership balance


@pytest.fixture(scope="module")
def default_reference(sample_reference: Reference) -> Reference:
    """The sample's units on the default form (without the sample's own category)."""
    return dataclasses.replace(sample_reference, form=default_form())


def _checked(tmp_path: Path, reference: Reference, **members: object) -> tuple[list, Return]:
    path = write_return(tmp_path / "r.xlsx", values={**BALANCED, **members}, sheet_names=ALL_SHEETS)
    [ret] = read_return_file(path, path.name)
    checks.check_return(ret, EDITION, reference)
    return [p for p in ret.problems if p.rule not in ("villages-not-reported",)], ret


def test_a_balanced_membership_sheet_is_read(tmp_path: Path, default_reference: Reference) -> None:
    problems, ret = _checked(tmp_path, default_reference)
    assert problems == []
    assert {c: ret.figures[c].value for c in forms.MEMBER_CODES} == BALANCED
    assert ret.figures["members_end"].place.sheet == forms.SHEET_MEMBERS


def test_an_end_that_does_not_balance_is_an_error_at_its_cell_with_the_computed_value(
    tmp_path: Path, default_reference: Reference
) -> None:
    wrong = BALANCED["members_end"] + 7
    problems, ret = _checked(tmp_path, default_reference, members_end=wrong)
    [problem] = problems
    assert (problem.rule, problem.severity) == ("members-balance", "error")
    assert (problem.sheet, problem.cell) == (forms.SHEET_MEMBERS, ret.figures["members_end"].place.cell)
    assert problem.value == fmt.number(wrong) and problem.expected == fmt.number(BALANCED["members_end"])
    assert f"= {fmt.number(BALANCED['members_end'])}" in problem.message


def test_probationary_members_above_the_end_are_an_error(tmp_path: Path, default_reference: Reference) -> None:
    problems, ret = _checked(tmp_path, default_reference, probationary_end=BALANCED["members_end"] + 1)
    assert [(p.rule, p.cell) for p in problems] == [
        ("probationary-above-members", ret.figures["probationary_end"].place.cell)
    ]


def test_a_membership_sheet_without_a_row_is_an_error(tmp_path: Path, default_reference: Reference) -> None:
    problems, _ = _checked(tmp_path, default_reference, deceased="<drop>")
    assert [(p.rule, p.severity) for p in problems] == [("row-missing-required", "error")]
    assert "deceased" in problems[0].message


def test_a_start_other_than_the_end_before_is_a_warning_at_its_cell(
    tmp_path: Path, default_reference: Reference
) -> None:
    _, ret = _checked(tmp_path, default_reference)
    before = BALANCED["members_start"] + 3
    ends = {("DBP", "members_end"): (before, "DBP_2016H2.xlsx", forms.SHEET_MEMBERS, "C9")}
    checks.check_continuity(ret, EDITION, ends, default_reference)
    [problem] = [p for p in ret.problems if p.rule == checks.DISCONTINUITY]
    assert problem.severity == "warning" and problem.cell == ret.figures["members_start"].place.cell
    assert problem.expected == fmt.number(before) and "DBP_2016H2.xlsx" in problem.message


def test_a_merged_units_start_is_compared_with_its_predecessors_ends(
    tmp_path: Path, default_reference: Reference
) -> None:
    """DBP formed from two units: its start must be the sum of their ends of the half-year before."""
    _, ret = _checked(tmp_path, default_reference)
    merged = dataclasses.replace(default_reference.units["DBP"], predecessors=("OLD1", "OLD2"))
    reference = dataclasses.replace(default_reference, units={**default_reference.units, "DBP": merged})
    ends = {
        ("OLD1", "members_end"): (300, "OLD1.xlsx", forms.SHEET_MEMBERS, "C9"),
        ("OLD2", "members_end"): (BALANCED["members_start"] - 300, "OLD2.xlsx", forms.SHEET_MEMBERS, "C9"),
    }
    checks.check_continuity(ret, EDITION, ends, reference)
    assert [p for p in ret.problems if p.rule == checks.DISCONTINUITY] == []
    ends[("OLD2", "members_end")] = (1, "OLD2.xlsx", forms.SHEET_MEMBERS, "C9")
    checks.check_continuity(ret, EDITION, ends, reference)
    [problem] = [p for p in ret.problems if p.rule == checks.DISCONTINUITY]
    assert problem.expected == fmt.number(301) and "OLD1" in problem.message and "OLD2" in problem.message


def test_the_sample_balance_continues_from_half_year_to_half_year(sample: tuple[pd.DataFrame, Indicators]) -> None:
    figures, _ = sample
    for before, after in itertools.pairwise(ON_RECORD):
        ends = figures[(figures["code"] == "members_end") & (figures["period"].astype(str) == str(before))]
        starts = figures[(figures["code"] == "members_start") & (figures["period"].astype(str) == str(after))]
        assert dict(zip(ends["unit_code"], ends["value"], strict=True)) == dict(
            zip(starts["unit_code"], starts["value"], strict=True)
        )


def test_membership_indicators_are_the_sums_and_definitions_over_the_returns(
    sample: tuple[pd.DataFrame, Indicators],
) -> None:
    figures, ind = sample
    end = _sum(figures, "members_end", [EDITION])
    assert end > 0 and ind.get(PROVINCE, "period", "members_end") == end
    start = _sum(figures, "members_start", [ON_RECORD[0]])
    assert ind.get(PROVINCE, "term_to_date", "members_start") == start
    assert ind.get(PROVINCE, "term_to_date", "members_end") == end
    assert ind.get(PROVINCE, "term_to_date", "members_net") == end - start
    left = sum(_sum(figures, c, ON_RECORD) for c in forms.MEMBERS_LEFT)
    assert ind.get(PROVINCE, "term_to_date", "members_left") == left
    assert ind.get(PROVINCE, "term_to_date", "made_full") == _sum(figures, "made_full", ON_RECORD)
    rate = percent(_sum(figures, "admitted", [EDITION]), _sum(figures, "members_start", [EDITION]))
    assert ind.get(PROVINCE, "period", "admitted_rate_pct") == rate
    orgs, admitting = (_sum(figures, c, [EDITION]) for c in forms.GRASSROOTS_CODES)
    assert 0 < admitting <= orgs
    assert ind.get(PROVINCE, "period", "orgs_admitting_pct") == percent(admitting, orgs)
    assert ind.get(PROVINCE, "term_to_date", "orgs_admitting_pct") is None  # it would count twice


def test_where_only_some_units_report_the_sheet_it_is_withheld(
    sample: tuple[pd.DataFrame, Indicators], sample_reference: Reference
) -> None:
    figures, _ = sample
    lacking = figures[~(figures["code"].isin(forms.MEMBER_CODES) & (figures["unit_code"] == "KCQ"))]
    ind = Indicators(compute(lacking, sample_reference, EDITION, ON_RECORD))
    for scope in (PROVINCE, "kind:bloc", "KCQ"):
        assert ind.get(scope, "period", "members_end") is None, scope
    assert ind.get("kind:district", "period", "members_end") is not None
    assert ind.get("KDN", "term_to_date", "members_end") is not None


def test_a_province_without_the_new_data_has_the_indicators_and_lead_it_had(
    sample: tuple[pd.DataFrame, Indicators], sample_reference: Reference
) -> None:
    """The same returns without the membership sheet, grassroots rows and category give every other
    indicator unchanged, no SPEC 11 row, and the lead without its membership paragraph."""
    figures, ind = sample
    old = figures[~figures["code"].isin(SPEC_11)]
    before = compute(old, sample_reference, EDITION, ON_RECORD)
    after = compute(figures, sample_reference, EDITION, ON_RECORD)
    assert not before["indicator"].isin(SPEC_11).any()
    pd.testing.assert_frame_equal(after[~after["indicator"].isin(SPEC_11)].reset_index(drop=True), before)
    old_lead = lead_paragraph(Indicators(before), sample_reference, EDITION)
    new_lead = lead_paragraph(ind, sample_reference, EDITION)
    assert "đảng viên toàn tỉnh lên" not in old_lead and "tổ chức cơ sở đảng (" not in old_lead
    assert (
        new_lead.startswith(old_lead) and new_lead.count('<p class="lead">') == old_lead.count('<p class="lead">') + 1
    )


def test_a_blank_membership_sheet_of_a_template_is_no_balance(tmp_path: Path, default_reference: Reference) -> None:
    blank = dict.fromkeys(forms.MEMBER_CODES)
    path = write_return(tmp_path / "r.xlsx", values=blank, sheet_names=ALL_SHEETS)
    [ret] = read_return_file(path, path.name)
    checks.check_return(ret, EDITION, default_reference)
    assert not set(forms.MEMBER_CODES) & set(ret.figures)
    assert [p for p in ret.problems if p.severity == "error"] == []


def test_grassroots_organizations_admitting_above_their_number_are_an_error(
    tmp_path: Path, default_reference: Reference
) -> None:
    path = write_return(tmp_path / "r.xlsx", values={"grassroots_orgs": 5, "grassroots_orgs_admitting": 6})
    [ret] = read_return_file(path, path.name)
    checks.check_return(ret, EDITION, default_reference)
    [problem] = [p for p in ret.problems if p.severity == "error"]
    assert problem.rule == "grassroots-admitting-above-total"
    assert problem.cell == ret.figures["grassroots_orgs_admitting"].place.cell


# ---- the documents


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's 2017H1 documents, with a commentary placeholder of the category."""
    raw = tmp_path_factory.mktemp("members-raw") / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    notes = raw / "commentary" / "2017H1.md"
    notes.write_text(
        notes.read_text(encoding="utf-8")
        + f"\nTỷ lệ có trình độ cao đẳng, đại học: {{{{ province.period.{CATEGORY}_pct }}}}.\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("members-out")
    make("report", "PERIOD=2017H1", raw=raw, out=out)
    return out / "reports" / "2017H1"


def test_the_documents_print_the_membership_and_the_category(built: Path) -> None:
    ind = Indicators.read(built / "indicators.csv")
    html = (built / "bulletin.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    end = fmt.number(ind.get(PROVINCE, "period", "members_end"))
    assert re.search(rf"nâng tổng số đảng viên toàn tỉnh lên {re.escape(end)} đảng viên", text)
    share = fmt.percent(ind.get(PROVINCE, "period", f"{CATEGORY}_pct"))
    assert f"Tỷ lệ có trình độ cao đẳng, đại học: {share}." in text  # the commentary's placeholder
    term_share = fmt.percent(ind.get(PROVINCE, "term_to_date", f"{CATEGORY}_pct"))
    assert f"có trình độ cao đẳng, đại học trở lên {term_share}" in html  # the composition chart's alt
    assert "Số lượng đảng viên" in text and "Tổ chức cơ sở đảng kết nạp được đảng viên trong kỳ" in text
    assert f"nâng tổng số đảng viên toàn tỉnh lên {end}" in docx_text(built / "report.docx")


def test_the_annex_holds_the_category_and_the_membership_by_unit(built: Path) -> None:
    ind = Indicators.read(built / "indicators.csv")
    book = openpyxl.load_workbook(built / "tables.xlsx")
    categories = sheet_named(book, "Cơ cấu kết nạp")
    row = next(r for r in categories.iter_rows(values_only=True) if r[0] == CATEGORY)
    assert row[1] == "có trình độ cao đẳng, đại học trở lên"
    assert Decimal(str(row[2])) == ind.get(PROVINCE, "period", CATEGORY)
    members = sheet_named(book, "Số lượng đảng viên")
    header = [c.value for c in members[2]]
    # the column's window in words (the edition's half-year), never a code
    column = next(i for i, h in enumerate(header) if h.startswith("members_end, 6 tháng"))
    by_scope = {r[0]: r[column] for r in members.iter_rows(min_row=3, values_only=True)}
    assert by_scope[PROVINCE] == ind.get(PROVINCE, "period", "members_end")
    assert by_scope["DBP"] == ind.get("DBP", "period", "members_end")
