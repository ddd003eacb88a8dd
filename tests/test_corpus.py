"""Every bad return of the corpus, through the commands an analyst runs: the finding is printed in
Vietnamese with its file and cell, the command's exit says whether the period is blocked, no traceback
reaches the analyst, and the raw folder is byte-identical afterwards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_RAW, digests, make
from tests.corpus import CASES, PERIOD, Case


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample's raw folder and its half-years before 2017H1 already cleaned, shared by the cases."""
    base = tmp_path_factory.mktemp("corpus-base")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(SAMPLE_RAW, raw)
    make(str(processed / "2016H2" / "figures.csv"), raw=raw, out=base)
    return raw, processed


def test_corpus_has_a_case_per_fault() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_return(case: Case, seeded: tuple[Path, Path], tmp_path: Path) -> None:
    raw, processed, reports = tmp_path / "raw", tmp_path / "processed", tmp_path / "reports"
    shutil.copytree(seeded[0], raw)
    shutil.copytree(seeded[1], processed)  # copy2 keeps the times, so make sees these as up to date
    label = case.build(raw)
    before = digests(raw)

    said = ""
    if case.severity == "warning":
        # Warnings are listed by `make validate` (and in the bulletin's data notes); `make report` goes on.
        checked = make("validate", f"PERIOD={PERIOD}", raw=raw, out=tmp_path, check=False)
        assert checked.returncode == 0, checked.stderr
        assert case.fragment in (reports / PERIOD / "validation.csv").read_text(encoding="utf-8-sig")
        said = checked.stdout + checked.stderr
    result = make("report", f"PERIOD={PERIOD}", raw=raw, out=tmp_path, check=False)
    said += result.stdout + result.stderr

    assert digests(raw) == before, "the raw folder must never change"
    assert "Traceback" not in said
    assert case.fragment in said
    if label:
        where = f"{label}, {case.place}" if case.place else label
        assert where in said, said
    if case.unit:
        assert any(case.unit in line and case.fragment in line for line in said.splitlines()), said
    if case.severity == "error":
        assert result.returncode == 2, said  # make's exit status when a stage fails
        assert not (reports / PERIOD / "bulletin.pdf").exists()
        assert "[LỖI]" in said or "LỖI" in said
    else:
        assert result.returncode == 0, said  # warnings do not block: the bulletin is made
        assert (reports / PERIOD / "bulletin.pdf").is_file()
        assert case.fragment in (reports / PERIOD / "bulletin.html").read_text(encoding="utf-8")  # data notes
