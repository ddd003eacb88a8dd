"""Every figure the bulletin prints is a row of `indicators.csv`: the counts and percentages of its text
and tables are read back from the HTML and each is found among the indicators' values, on the sample and
on a copy where one unit has no target (the figures that then cannot be computed say so, in the same
words, everywhere)."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from pipeline.common import fmt
from pipeline.indicators.table import Indicators
from tests.conftest import SAMPLE_RAW, make
from tests.readers import docx_text
from tests.traceability import assert_traceable, figures_in_text, indicator_values, printed_figures


def test_every_figure_of_the_bulletin_is_an_indicator(sample_build: Path) -> None:
    for edition in ("2016H1", "2016H2", "2017H1", "2016"):
        assert assert_traceable(sample_build / "reports" / edition) > 150, edition


def test_the_check_finds_a_figure_that_is_not_an_indicator(sample_build: Path) -> None:
    """The extraction is not vacuous: a figure computed while rendering would be caught."""
    _, counts = indicator_values(sample_build / "reports" / "2017H1" / "indicators.csv")
    figures = printed_figures("<p>Khối cơ quan đạt 12.345 đảng viên, bằng 97,31% so với năm 2016.</p>")
    assert [(v, p) for v, p, _ in figures] == [(Decimal("12345"), False), (Decimal("97.31"), True)]
    assert Decimal("12345") not in counts


@pytest.fixture(scope="module")
def without_a_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("without-target-raw") / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    targets = raw / "targets.csv"
    lines = targets.read_text(encoding="utf-8").splitlines(keepends=True)
    targets.write_text("".join(line for line in lines if not line.startswith("DBP,2017,")), encoding="utf-8")
    out = tmp_path_factory.mktemp("without-target")
    make("report", "PERIOD=2017H1", raw=raw, out=out)
    return out / "reports" / "2017H1"


def test_a_missing_target_is_withheld_and_said_the_same_way(without_a_target: Path) -> None:
    ind = Indicators.read(without_a_target / "indicators.csv")
    for scope in ("province", "kind:district", "DBP"):
        assert ind.get(scope, "term_to_date", "target_pct") is None, scope
    assert ind.get("kind:bloc", "term_to_date", "target_pct") is not None
    assert ind.get("province", "2017H1", "target") is None and ind.get("province", "2016H2", "target") == 950
    assert_traceable(without_a_target)
    html = (without_a_target / "bulletin.html").read_text(encoding="utf-8")
    pdf = " ".join(page.extract_text() for page in pypdf.PdfReader(without_a_target / "bulletin.pdf").pages)
    for text in (html, re.sub(r"\s+", " ", pdf)):
        assert fmt.NOT_COMPUTABLE_NOTE in text
        assert f"tỷ lệ so với chỉ tiêu tỉnh giao {fmt.NOT_COMPUTABLE_TEXT}" in text
    assert "158,24%" not in html and "877,5" not in html  # what rendering used to compute on its own


def _report_text(path: Path) -> str:
    """The formal report's words, without its header block and signature (a number, a date, names): its
    paragraphs, its tables, and its pictures' text alternatives."""
    from docx import Document

    document = Document(path)
    tables = document.tables[1:-1] if len(document.tables) > 2 else []
    parts = [p.text for p in document.paragraphs if not p.text.startswith("Biểu đồ ")]  # captions number charts
    parts += [cell.text for table in tables for row in table.rows for cell in row.cells]
    parts += [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    return " ".join(parts)


def _assert_report_traceable(report: Path) -> int:
    percentages, counts = indicator_values(report / "indicators.csv")
    figures = figures_in_text(_report_text(report / "report.docx"))
    untraced = [(v, p, where) for v, p, where in figures if v not in (percentages if p else counts)]
    assert untraced == []
    return len(figures)


def test_every_figure_of_the_report_is_an_indicator(sample_build: Path, without_a_target: Path) -> None:
    assert _assert_report_traceable(sample_build / "reports" / "2017H1") > 100
    _assert_report_traceable(without_a_target)
    assert fmt.NOT_COMPUTABLE_NOTE in docx_text(without_a_target / "report.docx")
