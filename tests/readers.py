"""The documents read back as their readers take them: the text a reader meets in each document (python-docx,
pypdf, the HTML's visible text and alternatives, the annex's sheets), the check that it says periods in words,
and the checks of real readers (LibreOffice's layout of report.docx, the PDFs' structure trees, the annex as
an accessible spreadsheet). Shared by the tests of the sample, of publishing and of the generated province."""

from __future__ import annotations

import base64
import fcntl
import itertools
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pypdf
import pytest
from docx import Document

from pipeline.documents.render.annex import SOURCE_SHEET


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def docx_text(path: Path) -> str:
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return squash(" ".join(parts))


def pdf_text(path: Path) -> str:
    return squash(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


# What no reader should see: a half-year code, git's word for changed code, a return's path.
NOT_FOR_READERS = re.compile(r"20\d\dH[12]|dirty|returns/|\.xlsx\b|\.ods\b")


class _ReaderText(HTMLParser):
    """What a reader of a page meets: its text, the alt, aria-label and title attributes, and the text of the
    SVG pictures it shows (charts are `<img src="data:image/svg+xml;base64,…">`)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("style", "script")
        for name, value in attrs:
            if name in ("alt", "aria-label", "title") and value:
                self.parts.append(value)
            if name == "src" and value and value.startswith("data:image/svg+xml;base64,"):
                svg = base64.b64decode(value.split(",", 1)[1]).decode("utf-8")
                self.parts += re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
                self.parts += re.findall(r"<title>([^<]*)</title>", svg)

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_reader_text(path: Path) -> str:
    parser = _ReaderText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def docx_reader_text(path: Path) -> str:
    """Every run of text of the document, its headers and footers, and its pictures' descriptions."""
    with zipfile.ZipFile(path) as package:
        parts = [
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        ]
    found = [t for xml in parts for t in re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)]
    found += [d for xml in parts for d in re.findall(r'\bdescr="([^"]*)"', xml)]
    return " ".join(found)


def annex_reader_text(path: Path) -> str:
    """The cover sheet whole; of every other sheet its title and its headers (the sources sheet's rows list the
    returns by path, as SPEC 4 asks)."""
    book = openpyxl.load_workbook(path, read_only=True)
    parts = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True, max_row=None if sheet.title == "Bìa" else 2)
        parts += [str(v) for row in rows for v in row if v is not None]
    assert SOURCE_SHEET in book.sheetnames
    return " ".join(parts)


def reader_texts(report: Path) -> dict[str, str]:
    """The text of each document of an edition's report folder that a reader meets."""
    return {
        "bulletin.html": html_reader_text(report / "bulletin.html"),
        "bulletin.pdf": pdf_text(report / "bulletin.pdf"),
        "report.pdf": pdf_text(report / "report.pdf"),
        "report.docx": docx_reader_text(report / "report.docx"),
        "tables.xlsx": annex_reader_text(report / "tables.xlsx"),
    }


def assert_in_words(texts: dict[str, str]) -> None:
    """No half-year code, no `dirty`, no return path in any of `texts` (name → text)."""
    found = {
        name: sorted({text[max(0, m.start() - 40) : m.end() + 20] for m in NOT_FOR_READERS.finditer(text)})[:5]
        for name, text in texts.items()
    }
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert all(len(text) > 200 for text in texts.values()), {n: len(t) for n, t in texts.items()}


HEADINGS = {f"/H{level}": level for level in range(1, 7)}


def office_pdf(docx: Path, folder: Path) -> Path:
    """`docx` converted to PDF by LibreOffice into `folder`, once: parallel workers wait for the first (a
    conversion takes seconds). A private profile, so that runs do not share LibreOffice's."""
    office = shutil.which("soffice")
    assert office, "make test installs libreoffice-writer-nogui: run through make test"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{docx.stem}.pdf"
    with (folder / "convert.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not pdf.is_file():
            profile = f"-env:UserInstallation=file://{folder / 'profile'}"
            command = [office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)]
            result = subprocess.run(command, capture_output=True, text=True, timeout=240)
            assert result.returncode == 0 and pdf.is_file(), result.stdout + result.stderr
    return pdf


def shared_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> Path:
    """A folder of this test run that every xdist worker sees (as conftest's sample_build)."""
    if worker_id == "master":
        return tmp_path_factory.getbasetemp() / name
    return tmp_path_factory.getbasetemp().parent / name


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines as laid out (pdftotext -layout), with runs of spaces squashed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [re.sub(r"\s+", " ", line).strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")
    ]


def _pages_with_images(pdf: Path) -> set[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {int(line.split()[0]) for line in listing.splitlines()[2:] if line.split()[2] == "image"}


def check_office_layout(docx: Path, pdf: Path) -> None:
    """The header line and the place-date line whole; `Nơi nhận`, the last recipient, the signer's role and
    name on one page; every `Biểu đồ N` on a page with a picture, one caption per picture of the .docx."""
    document = Document(docx)
    header = document.tables[0].rows[0].cells[1].paragraphs
    place_date = header[-1].text
    signature = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    recipients, signer = (cell.paragraphs for cell in signature.rows[0].cells)
    wanted = ["Nơi nhận:", recipients[-1].text, *(p.text for p in signer if p.text)]
    pages = _pages(pdf)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in " ".join(pages[0][:2])  # whole, on the first line or two (beside the left block)
    assert any(place_date in line for line in pages[0]), (place_date, pages[0][:6])
    with_signature = [number for number, lines in enumerate(pages) if "Nơi nhận:" in " ".join(lines)]
    assert len(with_signature) == 1
    page = " ".join(pages[with_signature[0]])
    assert all(text in page for text in wanted), (wanted, page)
    images = _pages_with_images(pdf)
    captions = [
        (int(match[1]), number + 1)
        for number, lines in enumerate(pages)
        for line in lines
        if (match := re.match(r"Biểu đồ (\d+)\.", line))
    ]
    assert [n for n, _ in captions] == list(range(1, len(document.inline_shapes) + 1)), captions
    assert all(page in images for _, page in captions), (captions, images)


def _kids(node: object) -> list[object]:
    kids = node.get("/K")  # type: ignore[attr-defined]
    if kids is None:
        return []
    kids = kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]
    found = [k.get_object() for k in kids]
    return [k for k in found if isinstance(k, pypdf.generic.DictionaryObject) and "/S" in k]


def _elements(node: object) -> list[object]:
    """The structure elements below `node`, in reading order."""
    found = []
    for kid in _kids(node):
        found += [kid, *_elements(kid)]
    return found


def check_structure_tree(pdf: Path) -> None:
    """Tagged, in Vietnamese, its title shown by the viewer, headings in order without a skipped level, every
    figure with its text alternative, every table with its header cells as TH."""
    reader = pypdf.PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog, pdf
    assert catalog["/Lang"] in ("vi", "vi-VN"), pdf
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) and reader.metadata.title.strip(), pdf
    elements = _elements(catalog["/StructTreeRoot"])
    levels = [HEADINGS[e["/S"]] for e in elements if e["/S"] in HEADINGS]
    assert levels and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(e.get("/Alt", "")).strip() for e in figures), pdf
    tables = [e for e in elements if e["/S"] == "/Table"]
    assert tables, pdf
    for table in tables:
        first_row = next(e for e in _elements(table) if e["/S"] == "/TR")
        cells = [kid["/S"] for kid in _kids(first_row)]
        assert cells and set(cells) == {"/TH"}, (pdf, cells)


def check_annex(path: Path) -> None:
    """The accessible-spreadsheet checklist: a title in A1 of every sheet; the cover lists every sheet with a
    link and holds the notes; each table's headers unique and non-empty, no blank row or column inside it;
    the workbook's title and language in its properties; every sheet opens at A1, the cover first."""
    book = openpyxl.load_workbook(path)
    assert book.properties.title and book.properties.language == "vi-VN"
    cover, *tables = book.worksheets
    assert book.active is cover and not any(sheet.sheet_view.tabSelected for sheet in tables)
    links = {cell.hyperlink.location for row in cover.iter_rows() for cell in row if cell.hyperlink}
    assert links == {f"'{sheet.title}'!A1" for sheet in tables}
    assert any(cell.value == "Giải thích" for cell in cover["A"])  # the notes, on the cover (SPEC 8)
    for sheet in book.worksheets:
        assert isinstance(sheet["A1"].value, str) and sheet["A1"].value.strip(), sheet.title
        view = sheet.sheet_view
        assert view.topLeftCell in (None, "A1"), sheet.title
        if view.pane is not None:  # frozen headers: the scrolling part starts right below them, not scrolled
            assert view.pane.topLeftCell == sheet.freeze_panes, sheet.title
        active = [s for s in view.selection if s.pane == (view.pane.activePane if view.pane else None)]
        assert all(s.activeCell in (None, "A1") for s in active), sheet.title
    for sheet in tables:
        headers = [cell.value for cell in sheet[2]]
        assert all(isinstance(h, str) and h.strip() for h in headers), sheet.title
        assert len(set(headers)) == len(headers), sheet.title
        body = [row[: len(headers)] for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert body and all(any(v not in (None, "") for v in row) for row in body), sheet.title
        for column, header in enumerate(headers):
            assert any(row[column] not in (None, "") for row in body), (sheet.title, header)
