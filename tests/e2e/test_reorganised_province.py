"""A province as it is since the 2025 reorganisation (testdata/province.py): 120 commune units and three
provincial units from 2025H2, a new term from 2025H2, ten districts and two blocs retired at 2025H1, the
blocs merged into one. The bulletin must read as well as with fifteen units."""

from __future__ import annotations

import base64
import re
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from pipeline.common import fmt
from pipeline.common.periods import Period, parse
from pipeline.documents.compose.blocks import APPENDIX_TITLE
from pipeline.indicators.table import Indicators
from pipeline.intake.clean import load_figures
from pipeline.intake.reference import load_reference
from testdata.province import MERGED_BLOC
from tests.conftest import PROVINCE_EDITIONS
from tests.readers import (
    assert_in_words,
    check_annex,
    check_office_layout,
    check_structure_tree,
    office_pdf,
    reader_texts,
)
from tests.traceability import assert_traceable

EDITIONS = PROVINCE_EDITIONS
PRINTABLE_HEIGHT_INCHES = (29.7 - 2 - 2) / 2.54  # A4 less print.css's top and bottom margins


@pytest.fixture(scope="module")
def province(province_build: Path) -> Path:
    return province_build


class _Rows(HTMLParser):
    """The rows of the appendix's table: (css class of the row, its cells' text)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._in_appendix = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("class") == "appendix":
            self._in_appendix = True
        elif self._in_appendix and tag == "tr":
            self.rows.append((values.get("class") or "", []))
        elif self._in_appendix and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._in_appendix = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _appendix(report: Path) -> list[tuple[str, list[str]]]:
    parser = _Rows()
    parser.feed((report / "bulletin.html").read_text(encoding="utf-8"))
    return [(kind, cells) for kind, cells in parser.rows if cells]


def test_the_bulletin_fits_before_its_appendix(province: Path) -> None:
    for edition in EDITIONS:
        pages = [page.extract_text() for page in pypdf.PdfReader(province / "reports" / edition / "bulletin.pdf").pages]
        first = next(n for n, text in enumerate(pages, start=1) if APPENDIX_TITLE in text)
        assert first - 1 <= 8, (edition, first)


def test_no_chart_is_taller_than_a_page(province: Path) -> None:
    for edition in EDITIONS:
        html = (province / "reports" / edition / "bulletin.html").read_text(encoding="utf-8")
        images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
        assert len(images) >= 5
        for encoded in images:
            svg = base64.b64decode(encoded).decode("utf-8")
            width, height = (
                float(x) for x in re.search(r'<svg[^>]* width="([0-9.]+)pt" height="([0-9.]+)pt"', svg).groups()
            )  # type: ignore[union-attr]
            assert height / 72 <= PRINTABLE_HEIGHT_INCHES, (edition, width, height)


def test_the_appendix_lists_every_unit_once_by_kind_with_subtotals(province: Path) -> None:
    report = province / "reports" / "2025H2"
    reference = load_reference(province / "raw")
    ind = Indicators.read(report / "indicators.csv")
    rows = _appendix(report)
    names = [cells[0] for kind, cells in rows if kind == ""]
    expected = [u.name for u in reference.expected_units(parse("2025H2"))]
    assert sorted(names) == sorted(expected) and len(expected) == 123
    # Grouped: each kind's units, then its subtotal, in the declared order; the province last.
    kinds_in_order = []
    for kind, cells in rows:
        if kind == "subtotal":
            label = cells[0].removeprefix("Cộng: ")
            code = next(c for c, lab in reference.kinds.items() if lab == label)
            kinds_in_order.append(code)
            assert cells[1] == fmt.number(ind.get(f"kind:{code}", "period", "admitted"))
            assert cells[2] == fmt.number(ind.get(f"kind:{code}", "term_to_date", "admitted"))
            assert cells[4] == fmt.percent(ind.get(f"kind:{code}", "term_to_date", "target_pct"))
    assert kinds_in_order == ["commune", "bloc", "armed_forces"]
    assert rows[-1][0] == "total" and rows[-1][1][1] == fmt.number(ind.get("province", "period", "admitted"))
    units_by_row = [reference.units[c].kind for c in ind.unit_scopes() if reference.units[c].name in names]
    assert units_by_row.count("commune") == 120


def test_retired_districts_are_not_rows_of_the_half_years_tables(province: Path) -> None:
    half_year = _appendix(province / "reports" / "2025H2")
    assert not any("huyện" in cells[0] for _, cells in half_year)
    # The year's edition covers 2025H1, when the districts still reported: there they are.
    year = _appendix(province / "reports" / "2025")
    assert sum("Đảng bộ huyện" in cells[0] for kind, cells in year if kind == "") == 10


def test_changes_on_last_year_follow_the_predecessors(province: Path) -> None:
    ind = Indicators.read(province / "reports" / "2025H2" / "indicators.csv")
    figures = load_figures(province / "processed", [parse("2024H2")])
    admitted = figures[figures["code"] == "admitted"].set_index("unit_code")["value"].astype(int)
    assert ind.get(MERGED_BLOC, "period", "admitted_prev_year") == admitted["KCQ"] + admitted["KDN"]
    assert ind.get(MERGED_BLOC, "period", "admitted_change_pct") is not None
    for commune in ("X001", "X077"):  # new units, formed from no unit under the province: nothing to compare
        assert ind.get(commune, "period", "admitted") is not None
        assert not ind.has(commune, "period", "admitted_prev_year")
        assert not ind.has(commune, "period", "admitted_change_pct")
    assert not ind.has("kind:commune", "period", "admitted_change_pct")
    assert isinstance(ind.get("province", "period", "admitted_change_pct"), Decimal)


def test_every_figure_is_an_indicator_at_this_size_too(province: Path) -> None:
    for edition in EDITIONS:
        assert_traceable(province / "reports" / edition)


def test_no_page_is_blank(province: Path, tmp_path: Path) -> None:
    """The PDF's pages as pictures (poppler's pdftoppm, as a reader's viewer draws them): each has ink."""
    for edition in EDITIONS:
        prefix = tmp_path / edition
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-gray",
                "-png",
                str(province / "reports" / edition / "bulletin.pdf"),
                str(prefix),
            ],
            check=True,
        )
        pictures = sorted(tmp_path.glob(f"{edition}-*.png"))
        assert len(pictures) == len(pypdf.PdfReader(province / "reports" / edition / "bulletin.pdf").pages)
        for picture in pictures:
            histogram = Image.open(picture).convert("L").histogram()
            inked = sum(histogram[:200]) / sum(histogram)
            assert inked > 0.01, picture.name  # a running title and a page number alone are less


def test_a_window_across_the_reorganisation_counts_each_village_once(province: Path) -> None:
    """The year 2025: districts until June, communes from July. Villages at the year's end are the
    communes' (and the provincial units'), at its start the districts'; the year's target is half of each
    one's, as admissions are counted, so the two shares of target agree."""
    reference = load_reference(province / "raw")
    ind = Indicators.read(province / "reports" / "2025H2" / "indicators.csv")
    first, last = parse("2025H1"), parse("2025H2")
    figures = load_figures(province / "processed", [first, last])

    def summed(period: Period, code: str) -> int:
        rows = figures[(figures["period"] == str(period)) & (figures["code"] == code)]
        return sum(
            int(v)
            for u, v in zip(rows["unit_code"], rows["value"], strict=True)
            if reference.units[u].expected_in(period)
        )

    for window in ("period", "year_to_date"):
        assert ind.get("province", window, "villages_total") == summed(last, "villages_total"), window
        assert ind.get("province", window, "villages_no_member_end") == summed(last, "villages_no_member_end")
    start = summed(first, "villages_no_member_start")
    assert ind.get("province", "year_to_date", "villages_no_member_start") == start
    assert start != summed(last, "villages_no_member_start")  # the year's start is not the half-year's
    assert ind.get("kind:district", "year_to_date", "villages_total") == 0  # none left at the year's end
    assert ind.get("province", "year_to_date", "annual_target") == ind.get("province", "year_to_date", "target")
    assert ind.get("province", "year_to_date", "annual_target_pct") == ind.get("province", "year_to_date", "target_pct")
    year = Indicators.read(province / "reports" / "2025" / "indicators.csv")
    assert year.get("province", "period", "villages_total") == summed(last, "villages_total")


def test_real_readers_take_its_documents(province: Path, tmp_path: Path) -> None:
    """Issue 22's reader checks at this size: LibreOffice's layout of report.docx, the PDFs' structure trees,
    the annex as an accessible spreadsheet."""
    report = province / "reports" / "2025H2"
    check_office_layout(report / "report.docx", office_pdf(report / "report.docx", tmp_path))
    for edition in EDITIONS:
        for name in ("bulletin.pdf", "report.pdf"):
            check_structure_tree(province / "reports" / edition / name)
        check_annex(province / "reports" / edition / "tables.xlsx")


def test_its_documents_say_periods_in_words(province: Path) -> None:
    """Issue 22 at this size: no half-year code, no `dirty`, no return path in what a reader meets; the term
    that starts in the second half of 2025 named by its months."""
    for edition in EDITIONS:
        texts = reader_texts(province / "reports" / edition)
        assert_in_words(texts)
        assert "Từ đầu nhiệm kỳ (từ tháng 7-2025 đến hết năm 2025)" in texts["bulletin.html"], edition
