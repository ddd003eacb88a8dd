"""Every bad return of the corpus: cleaned in-process with the cleaning stage's own code, the problem is
reported by the case's rule, at its file and place, with its severity, and the raw folder is unchanged.
A few of them also go through the commands an analyst runs: the finding is printed in Vietnamese with
its file and cell, the exit says whether the period is blocked, and no traceback reaches the analyst."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pipeline.common.periods import parse
from pipeline.intake import rules
from pipeline.intake.clean import clean_period, load_previous_figures, write_result
from pipeline.intake.problems import Problem
from pipeline.intake.reference import load_reference
from pipeline.intake.validation import CSV_FILE
from testdata.corpus import CASES, PERIOD, Case
from tests.conftest import SAMPLE_RAW, digests, make

BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The processed folder holding the half-year before 2017H1, for the start-of-period checks."""
    processed = tmp_path_factory.mktemp("corpus-processed")
    before = parse(PERIOD).shift(-1)
    write_result(clean_period(SAMPLE_RAW, before, load_reference(SAMPLE_RAW)), processed)
    return processed


def _where(problem: Problem) -> str:
    """The place within the file, as the cases write it: `Kết nạp!C4`, `Kết nạp`, `D5` or ""."""
    return f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else problem.sheet or problem.cell


def clean_case(case: Case, raw: Path, processed: Path) -> tuple[str, list[Problem]]:
    """Spoil a copy of the sample's raw folder as the case says and clean 2017H1 as the clean stage does
    (notebooks/01_clean.ipynb); the file label the finding must name, and every problem found."""
    shutil.copytree(SAMPLE_RAW, raw)
    label = case.build(raw)
    before = digests(raw)
    period = parse(PERIOD)
    result = clean_period(raw, period, load_reference(raw), load_previous_figures(raw, processed, period))
    assert digests(raw) == before, "the raw folder must never change"
    return label, result.problems


def test_corpus_has_a_case_per_fault() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.rule for case in CASES} <= set(rules.RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_return(case: Case, seeded: Path, tmp_path: Path) -> None:
    label, problems = clean_case(case, tmp_path / "raw", seeded)
    found = [p for p in problems if p.rule == case.rule]
    assert found, f"no problem by rule {case.rule}; found: {[(p.rule, p.file, _where(p)) for p in problems]}"
    at = [
        p for p in found if p.file == label and _where(p) == case.place and (not case.unit or p.unit_code == case.unit)
    ]
    assert at, f"{case.rule} not at {label!r}, {case.place!r}: {[(p.file, _where(p), p.unit_code) for p in found]}"
    assert all(p.severity == case.severity == rules.RULES[case.rule].severity for p in at)
    assert all(p.message and p.period == PERIOD for p in at)
    if case.severity == "warning":
        assert not [p for p in problems if p.severity == "error"], "a warning case must not block the period"


@pytest.mark.parametrize("name", ["empty_file", "text_renamed_xlsx", "truncated_zip"])
def test_a_file_that_cannot_be_opened_has_that_one_problem(name: str, seeded: Path, tmp_path: Path) -> None:
    """Nothing of it was read: no rule about its contents (villages not reported, …) applies to it."""
    label, problems = clean_case(BY_NAME[name], tmp_path / "raw", seeded)
    assert [p.rule for p in problems if p.file == label] == ["file-unopenable"]


def _run(case: Case, target: str, seeded: Path, tmp_path: Path) -> tuple[str, Problem, Path, int]:
    """`make TARGET` on the case's spoiled raw folder: what it printed, the case's problem, the reports
    folder and the exit status."""
    label, problems = clean_case(case, tmp_path / "raw", seeded)
    [expected] = [p for p in problems if p.rule == case.rule and p.file == label and _where(p) == case.place]
    result = make(target, f"PERIOD={PERIOD}", raw=tmp_path / "raw", out=tmp_path, check=False)
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    return said, expected, tmp_path / "reports" / PERIOD, result.returncode


@pytest.mark.parametrize("name", ["breakdown_does_not_sum", "missing_unit"])
def test_an_error_blocks_make_report(name: str, seeded: Path, tmp_path: Path) -> None:
    said, problem, reports, status = _run(BY_NAME[name], "report", seeded, tmp_path)
    assert status == 2, said  # make's exit status when a stage fails
    assert problem.message in said and "LỖI" in said
    assert problem.place in said or not problem.place
    assert any(problem.unit_code in line and problem.message in line for line in said.splitlines()), said
    assert not (reports / "bulletin.pdf").exists()


def test_a_warning_lets_make_validate_write_its_rule(seeded: Path, tmp_path: Path) -> None:
    said, problem, reports, status = _run(BY_NAME["late_return"], "validate", seeded, tmp_path)
    assert status == 0, said
    assert problem.message in said and problem.place in said
    assert said.count(f"Kỳ {PERIOD}: ") == 1, said  # the half-year's count of problems, said once
    with (reports / CSV_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["Mã quy tắc"], r["Tệp"], r["Ô"], r["Nội dung"]) for r in rows if r["Mã quy tắc"] == problem.rule] == [
        (problem.rule, problem.file, problem.cell, problem.message)
    ]
