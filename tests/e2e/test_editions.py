"""Every edition on record (`make reports`): the half-years, the annual bulletin, the index; and the same
bulletin rebuilt in another checkout on another day is byte-identical."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from pipeline.common import fmt
from pipeline.common.iorw import sha256
from pipeline.common.layout import DOCUMENTS
from pipeline.documents.compose.blocks import APPENDIX_TITLE
from pipeline.indicators.table import Indicators
from tests.conftest import copy_of_checkout, make

EDITIONS = ("2016H1", "2016H2", "2017H1", "2016")


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_renders(sample_build: Path, edition: str) -> None:
    for name in ("bulletin.html", "bulletin.pdf", "indicators.csv", "manifest.json"):
        assert (sample_build / "reports" / edition / name).is_file(), name


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))


def test_annual_bulletin_covers_the_year(sample_build: Path) -> None:
    ind = Indicators.read(sample_build / "reports" / "2016" / "indicators.csv")
    halves = [Indicators.read(sample_build / "reports" / h / "indicators.csv") for h in ("2016H1", "2016H2")]
    admitted = ind.get("province", "period", "admitted")
    assert admitted == sum(h.get("province", "period", "admitted") for h in halves)  # type: ignore[misc]
    assert ind.get("province", "period", "villages_no_member_start") == halves[0].get(
        "province", "period", "villages_no_member_start"
    )
    assert ind.get("province", "period", "villages_no_member_end") == halves[1].get(
        "province", "period", "villages_no_member_end"
    )
    text = _text(sample_build / "reports" / "2016" / "bulletin.pdf")
    assert "Tỉnh Điện Biên — năm 2016" in text
    assert f"Cả năm 2016, toàn tỉnh kết nạp {fmt.number(admitted)} đảng viên" in text  # type: ignore[arg-type]


def test_lead_numbers_match_the_indicators(sample_build: Path) -> None:
    ind = Indicators.read(sample_build / "reports" / "2017H1" / "indicators.csv")
    text = _text(sample_build / "reports" / "2017H1" / "bulletin.pdf")
    for name in ("admitted", "org_commune", "villages_total"):
        assert fmt.number(ind.get("province", "term_to_date", name)) in text  # type: ignore[arg-type]
    for name in ("youth_union_pct", "women_pct", "occ_farmer_pct", "ethnic_minority_pct"):
        assert fmt.percent(ind.get("province", "term_to_date", name)) in text  # type: ignore[arg-type]
    assert f"giảm {fmt.percent(abs(ind.get('province', 'period', 'admitted_change_pct')))}" in text  # type: ignore[arg-type]


def test_pdf_text_bookmarks_and_fonts(sample_build: Path) -> None:
    reader = pypdf.PdfReader(sample_build / "reports" / "2017H1" / "bulletin.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    for words in ("Điện Biên", "Mường Nhé", "kết nạp"):
        assert words in text
    titles = set(_titles(reader.outline))
    assert {
        "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN",
        "Số liệu chủ yếu",
        APPENDIX_TITLE,
        "Ghi chú về số liệu",
    } <= titles


def _titles(outline: list) -> list[str]:
    """Every bookmark's title, at any depth."""
    return [t for item in outline for t in (_titles(item) if isinstance(item, list) else [item.title])]


def test_index_lists_every_edition(sample_build: Path) -> None:
    html = (sample_build / "reports" / "index.html").read_text(encoding="utf-8")
    for edition in EDITIONS:
        assert f'href="{edition}/bulletin.html"' in html and f'href="{edition}/bulletin.pdf"' in html
    assert "Năm 2016" in html and "6 tháng đầu năm 2017" in html
    # Newest first: a year's edition before its second half-year's.
    order = [html.index(f'href="{edition}/bulletin.html"') for edition in ("2017H1", "2016", "2016H2", "2016H1")]
    assert order == sorted(order)
    assert (
        fmt.number(
            Indicators.read(sample_build / "reports" / "2016" / "indicators.csv").get("province", "period", "admitted")
        )
        in html
    )  # type: ignore[arg-type]


def test_rebuilt_in_another_checkout_on_another_day_is_identical(sample_build: Path, tmp_path: Path) -> None:
    assert shutil.which("faketime"), "make test installs Debian's faketime; run it through make test"
    checkout = copy_of_checkout(tmp_path / "another-checkout", commit=False)
    out = tmp_path / "out"
    # PYTHONPATH: the copy's own code, not the one the shared venv's editable install points to.
    make(
        "report",
        "PERIOD=2017H1",
        cwd=checkout,
        out=out,
        prefix=("faketime", "2031-03-04 05:06:07", "env", f"PYTHONPATH={checkout}"),
    )
    for name in DOCUMENTS:
        assert sha256(out / "reports" / "2017H1" / name) == sha256(sample_build / "reports" / "2017H1" / name), name
