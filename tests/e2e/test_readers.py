"""The documents as their real readers take them (issue 22): report.docx laid out by LibreOffice (Word with
Times New Roman has the same metrics), the PDFs' structure trees as a screen reader walks them, and the annex
against the accessible-spreadsheet checklist (UK Analysis Function). The checks are functions of
tests/readers.py, so that the 123-unit generated province (tests/e2e/test_reorganised_province.py) runs them on
its own build too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.readers import check_annex, check_office_layout, check_structure_tree, office_pdf, shared_folder


@pytest.fixture(scope="session")
def sample_office_pdf(sample_build: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    docx = sample_build / "reports" / "2017H1" / "report.docx"
    return office_pdf(docx, shared_folder(tmp_path_factory, worker_id, "office-2017H1"))


def test_libreoffice_lays_the_report_out_whole(sample_build: Path, sample_office_pdf: Path) -> None:
    check_office_layout(sample_build / "reports" / "2017H1" / "report.docx", sample_office_pdf)


@pytest.mark.parametrize("name", ["bulletin.pdf", "report.pdf"])
@pytest.mark.parametrize("edition", ["2017H1", "2016"])
def test_the_pdfs_structure_trees(sample_build: Path, edition: str, name: str) -> None:
    check_structure_tree(sample_build / "reports" / edition / name)


@pytest.mark.parametrize("edition", ["2017H1", "2016"])
def test_the_annex_is_an_accessible_spreadsheet(sample_build: Path, edition: str) -> None:
    check_annex(sample_build / "reports" / edition / "tables.xlsx")


def test_libreoffice_opens_the_annex(sample_build: Path, tmp_path: Path) -> None:
    office = shutil.which("soffice")
    assert office, "make test installs libreoffice-writer-nogui: run through make test"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    annex = sample_build / "reports" / "2017H1" / "tables.xlsx"
    command = [
        office,
        profile,
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "--outdir",
        str(tmp_path),
        str(annex),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    cover = (tmp_path / "tables.csv").read_text(encoding="utf-8", errors="strict")
    assert cover.startswith("PHỤ LỤC SỐ LIỆU") and "Nguồn số liệu" in cover
