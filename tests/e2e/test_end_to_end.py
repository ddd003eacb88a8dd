"""`make report` end to end, into temporary PROCESSED_DIR and REPORTS_DIR, as an analyst runs it."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pypdf
import pytest

from pipeline.common.layout import DOCUMENTS, NOTEBOOKS
from pipeline.indicators.table import Indicators
from testdata.workbook import sheet_named
from tests.article import ARTICLE
from tests.browser import CHROMIUM
from tests.conftest import ROOT, SAMPLE_RAW, make, make_command
from tests.readers import assert_in_words, reader_texts

# What the lead paragraph of the 2017H1 bulletin must state (the article's figures in vi-VN notation).
LEAD_FIGURES = ["3.722", "73,67%", "37,10%", "42,56%", "63,86%", "81,30%", "2.403", "64,56%"]


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class _Resources(HTMLParser):
    """Every address a script, stylesheet, image or other element would load."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.addresses.append((tag, value))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_report_writes_every_output(sample_build: Path) -> None:
    report = sample_build / "reports" / "2017H1"
    for name in ("bulletin.html", "bulletin.pdf", "indicators.csv", "manifest.json"):
        assert (report / name).stat().st_size > 0, name
    for notebook in ("01_clean", "02_indicators", "03_bulletin"):
        assert (report / "notebooks" / f"{notebook}.ipynb").is_file()
    for period in ("2016H1", "2016H2", "2017H1"):
        assert (sample_build / "processed" / period / "figures.csv").is_file()
    assert not (ROOT / "data" / "raw" / "processed").exists()


@pytest.mark.parametrize(("indicator", "expected"), sorted(ARTICLE.items()))
def test_indicators_csv_holds_the_article_figures(sample_build: Path, indicator: str, expected: str) -> None:
    ind = Indicators.read(sample_build / "reports" / "2017H1" / "indicators.csv")
    assert str(ind.get("province", "term_to_date", indicator)) == expected


def test_indicators_csv_target_pct(sample_build: Path) -> None:
    ind = Indicators.read(sample_build / "reports" / "2017H1" / "indicators.csv")
    assert 130 < ind.get("province", "term_to_date", "target_pct") < 135  # type: ignore[operator]


def _lead_assertions(text: str) -> None:
    text = squash(text)
    for figure in LEAD_FIGURES:
        assert figure in text, figure
    ind_match = re.search(r"vượt (\d+,\d{2})% so với chỉ tiêu", text)
    assert ind_match, "the lead must say the target was exceeded"
    assert ind_match.group(1) == "30,60"
    assert "2.403 đảng viên (64,56%" in text
    assert re.search(r"từ 95/1\.813 thôn, bản xuống còn 51", text)
    assert "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN" in text
    assert "Tỉnh Điện Biên — 6 tháng đầu năm 2017" in text


def test_bulletin_pdf_states_the_lead_figures(sample_build: Path) -> None:
    reader = pypdf.PdfReader(sample_build / "reports" / "2017H1" / "bulletin.pdf")
    _lead_assertions(reader.pages[0].extract_text())


def test_bulletin_html_states_the_lead_figures(sample_build: Path) -> None:
    parser = _Text()
    parser.feed((sample_build / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8"))
    _lead_assertions(" ".join(parser.parts))


def test_html_loads_nothing_from_the_network(sample_build: Path) -> None:
    html = (sample_build / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(html)
    remote = [(tag, a) for tag, a in parser.addresses if re.match(r"^\s*(https?:)?//", a, re.IGNORECASE)]
    assert remote == []
    assert "<script" not in html.lower()
    images = [a for tag, a in parser.addresses if tag == "img"]
    assert len(images) >= 5 and all(a.startswith("data:image/svg+xml;base64,") for a in images)
    for image in images:  # vector charts whose words stay words, loading nothing themselves
        svg = base64.b64decode(image.split(",", 1)[1]).decode("utf-8")
        assert "<text" in svg and not re.search(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//""", svg)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"@import", html)


def test_pdf_is_a4_numbered_titled_with_embedded_fonts(sample_build: Path) -> None:
    reader = pypdf.PdfReader(sample_build / "reports" / "2017H1" / "bulletin.pdf")
    pages = len(reader.pages)
    assert pages >= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    for number, page in enumerate(reader.pages, start=1):
        text = squash(page.extract_text())
        assert f"Trang {number} / {pages}" in text
        if number > 1:
            assert "Bản tin công tác phát triển đảng viên — Tỉnh Điện Biên" in text
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            # Only the bulletin's own fonts (matplotlib's DejaVu, by the stylesheet's names or, in the SVG charts,
            # their own): nothing left to the machine's fontconfig.
            assert re.search(r"\+(Bulletin|DejaVu)-", font["/BaseFont"]), font["/BaseFont"]


def test_manifest_lists_inputs_outputs_and_versions(sample_build: Path) -> None:
    report = sample_build / "reports" / "2017H1"
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    inputs = {entry["path"] for entry in manifest["inputs"]}
    assert {"province.toml", "units.csv", "targets.csv"} <= inputs
    assert sum(path.startswith("returns/2016H1/") for path in inputs) == 15
    assert sum(path.startswith("returns/2017H1/") for path in inputs) == 14  # one CSV holds two units
    outputs = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    from pipeline.common.iorw import sha256

    assert outputs["bulletin.pdf"] == sha256(report / "bulletin.pdf")
    assert "notebooks/03_bulletin.ipynb" in outputs
    assert manifest["parameters"]["edition"] == "2017H1"
    assert {"pandas", "papermill", "weasyprint", "python"} <= set(manifest["libraries"])
    assert len(manifest["code"]["sha256"]) == 64
    assert [entry["path"] for entry in manifest["notebooks"]] == sorted(NOTEBOOKS.values())


def test_second_run_does_nothing(sample_build: Path) -> None:
    before = mtimes(sample_build)
    make("report", "PERIOD=2017H1", out=sample_build)
    assert mtimes(sample_build) == before
    # Rebuilt elsewhere, the bulletin is byte-identical: see the read-only, concurrent and other-checkout tests.


def _edit_return(path: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def _find_sheet(path: Path, folded: str) -> str:
    return sheet_named(openpyxl.load_workbook(path), folded).title


def test_changed_return_reruns_only_what_depends_on_it(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    make("report", "PERIOD=2017H1", raw=raw_copy, out=out)
    before = mtimes(out)
    dbp = raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx"
    _edit_return(dbp, _find_sheet(dbp, "thongtin"), "B5", "Người khác")  # Người lập: no figure changes
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=out)
    after = mtimes(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "processed/2017H1/sources.csv" in changed  # the preparer's name
    assert "processed/2017H1/figures.csv" not in changed  # same figures: the file is left as it was
    assert "reports/2017H1/bulletin.pdf" in changed  # it lists the preparers
    assert "reports/2017H1/.annex.stamp" in changed  # the annex lists the returns with their SHA-256
    assert not any(name.startswith(("processed/2016H1/", "processed/2016H2/")) for name in changed), changed
    assert "Làm sạch báo cáo kỳ 2016H1" not in result.stderr


def test_a_half_year_removed_reruns_the_reports_that_read_it(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    make("report", "PERIOD=2017H1", raw=raw_copy, out=out)
    shutil.rmtree(raw_copy / "returns" / "2016H1")
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=out, check=False)
    assert result.returncode != 0  # the term to date now lacks 2016H1: no bulletin, and it says why
    assert "Chưa có báo cáo kỳ 2016H1" in result.stderr
    assert not (out / "reports" / "2017H1" / "bulletin.pdf").exists()


def test_errors_block_the_bulletin_with_file_sheet_and_cell(raw_copy: Path, tmp_path: Path) -> None:
    dbp = raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx"
    sheet = _find_sheet(dbp, "ketnap")
    _edit_return(dbp, sheet, "C4", "bốn mươi")
    (raw_copy / "returns" / "2017H1" / "QST_2017H1.xlsx").unlink()
    out = tmp_path / "out"
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=out, check=False)
    assert result.returncode != 0
    messages = result.stdout + result.stderr
    assert f"returns/2017H1/DBP_2017H1.xlsx, {sheet}!C4" in messages
    assert "bốn mươi" in messages
    assert "QST" in messages and "Chưa nhận được báo cáo" in messages
    assert "Traceback" not in messages
    assert not (out / "reports" / "2017H1" / "bulletin.html").exists()
    assert not (out / "reports" / "2017H1" / "bulletin.pdf").exists()

    # A draft renders anyway, marked on every page, naming the units left out.
    make("report", "PERIOD=2017H1", "DRAFT=1", raw=raw_copy, out=out)
    reader = pypdf.PdfReader(out / "reports" / "2017H1" / "bulletin.pdf")
    first = squash(reader.pages[0].extract_text())
    assert "Đảng bộ thành phố Điện Biên Phủ (6 tháng đầu năm 2017: báo cáo có lỗi)" in first
    assert "Đảng bộ Quân sự tỉnh (6 tháng đầu năm 2017: chưa nộp báo cáo)" in first
    assert_in_words(reader_texts(out / "reports" / "2017H1"))  # its errors in words, without their places
    assert all("BẢN NHÁP" in page.extract_text() for page in reader.pages)
    html = (out / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8")
    assert "BẢN NHÁP" in html
    # Back to DRAFT=0: refused again, and the draft is not passed off as the bulletin.
    again = make("report", "PERIOD=2017H1", raw=raw_copy, out=out, check=False)
    assert again.returncode != 0
    assert not (out / "reports" / "2017H1" / "bulletin.pdf").exists()
    assert not (out / "reports" / "2017H1" / "bulletin.html").exists()


def test_bad_reference_file_is_reported_without_traceback(raw_copy: Path, tmp_path: Path) -> None:
    units = raw_copy / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(",bloc,0,", ",khoi,0,", 1), encoding="utf-8")
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=tmp_path / "out", check=False)
    assert result.returncode != 0
    assert re.search(r"units\.csv, dòng \d+, cột unit_kind: 'khoi' không hợp lệ", result.stderr)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("period", ["17H1", "2017H3", "2017-H1", "2017H1x", ""])
def test_malformed_period_is_refused(period: str, tmp_path: Path) -> None:
    result = make("report", f"PERIOD={period}", out=tmp_path, check=False)
    assert result.returncode != 0
    assert "PERIOD phải có dạng YYYYH1 hoặc YYYYH2" in result.stderr


@pytest.mark.parametrize("period", ["2019H1", "2017"])  # 2017: an annual bulletin needs 2017H2 too
def test_period_without_returns_is_refused(period: str, tmp_path: Path) -> None:
    result = make("report", f"PERIOD={period}", out=tmp_path, check=False)
    assert result.returncode != 0
    assert f"Chưa có báo cáo của kỳ {period}" in result.stderr


def test_clean_never_touches_raw(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = {p: p.read_bytes() for p in raw_copy.rglob("*") if p.is_file()}
    make("report", "PERIOD=2017H1", raw=raw_copy, out=out)
    make("clean", raw=raw_copy, out=out)
    assert {p: p.read_bytes() for p in raw_copy.rglob("*") if p.is_file()} == before
    assert not (out / "reports" / "2017H1").exists()
    assert not (out / "processed" / "2017H1").exists()
    shutil.rmtree(out, ignore_errors=True)


def test_missing_half_year_of_the_term_blocks_unless_draft(raw_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(raw_copy / "returns" / "2016H1")
    out = tmp_path / "out"
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=out, check=False)
    assert result.returncode != 0
    assert "Chưa có báo cáo kỳ 2016H1" in result.stderr
    make("report", "PERIOD=2017H1", "DRAFT=1", raw=raw_copy, out=out)
    first = squash(pypdf.PdfReader(out / "reports" / "2017H1" / "bulletin.pdf").pages[0].extract_text())
    assert "Chưa có báo cáo của các kỳ: 6 tháng đầu năm 2016" in first
    assert_in_words(reader_texts(out / "reports" / "2017H1"))  # a draft's notices in words too


def test_bulletin_opens_offline_in_a_real_browser(sample_build: Path, tmp_path: Path) -> None:
    """Headless Chromium opens the HTML from disk with every network request refused: nothing fails,
    nothing is logged as an error, every chart is decoded and has its text alternative, and a phone-sized
    window shows the page without sideways scrolling."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make test"
    url = (sample_build / "reports" / "2017H1" / "bulletin.html").as_uri()
    refused, failed, errors = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        def route(route: object) -> None:
            address = route.request.url  # type: ignore[attr-defined]
            if address.startswith(("file:", "data:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                refused.append(address)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        page.goto(url, wait_until="load")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth, e.alt])")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        shot = tmp_path / "bulletin.png"
        page.screenshot(path=str(shot))
        browser.close()
    assert refused == [] and failed == [] and errors == []
    assert len(images) >= 5
    assert all(complete and width > 0 for complete, width, _ in images)
    assert all("Biểu đồ" in alt for _, _, alt in images)
    assert overflow <= 0
    from PIL import Image

    colours = Image.open(shot).convert("L").getextrema()
    assert colours[1] - colours[0] > 100  # not a blank page


def test_raw_folder_read_only_with_spaces_and_vietnamese_name(tmp_path: Path, sample_build: Path) -> None:
    raw = tmp_path / "dữ liệu thô"
    shutil.copytree(SAMPLE_RAW, raw)
    for path in [raw, *raw.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        make("report", "PERIOD=2017H1", raw=raw, out=tmp_path / "out")
    finally:
        for path in [raw, *raw.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    for name in DOCUMENTS:
        assert (tmp_path / "out" / "reports" / "2017H1" / name).read_bytes() == (
            sample_build / "reports" / "2017H1" / name
        ).read_bytes()


def test_two_runs_at_once_give_one_complete_result(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = make_command("report", "PERIOD=2017H1", out=out)
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(run.wait(timeout=900), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0], results
    for name in ("bulletin.html", "bulletin.pdf", "indicators.csv"):
        assert (out / "reports" / "2017H1" / name).read_bytes() == (
            sample_build / "reports" / "2017H1" / name
        ).read_bytes()


def test_link_out_of_the_raw_folder_is_not_followed(raw_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.xlsx"
    outside.write_bytes((raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx").read_bytes())
    (raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx").unlink()
    (raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx").symlink_to(outside)
    result = make("report", "PERIOD=2017H1", raw=raw_copy, out=tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "returns/2017H1/DBP_2017H1.xlsx" in result.stderr
    assert "liên kết trỏ ra ngoài thư mục dữ liệu" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_raw_folder_is_refused(tmp_path: Path) -> None:
    result = make("report", "PERIOD=2017H1", raw=tmp_path / "không có", out=tmp_path, check=False)
    assert result.returncode != 0
    assert "Không thấy thư mục dữ liệu RAW_DIR=" in result.stderr
