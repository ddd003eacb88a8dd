"""The three documents of an edition (SPEC 8): the bulletin, the formal report (.docx and PDF) and the
annex workbook, read back as their readers would (python-docx, pypdf, poppler, openpyxl, LibreOffice)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pypdf
import pytest
from docx import Document

from pipeline.common import fmt
from pipeline.common.layout import DOCUMENTS, EDITION_OUTPUTS
from pipeline.documents.compose.charting.svg import flattened
from pipeline.indicators.table import Indicators
from tests.conftest import SAMPLE_RAW
from tests.readers import docx_text, pdf_text, squash

# The sample commentary's sentences, as printed: each figure is its placeholder's row of indicators.csv.
COMMENTARY = [
    (
        "Toàn tỉnh kết nạp {} đảng viên, đạt {} chỉ tiêu 6 tháng",
        [("province", "period", "admitted"), ("province", "period", "target_pct")],
    ),
    (
        "Các đảng bộ huyện, thị xã, thành phố đạt {} chỉ tiêu nhiệm kỳ",
        [("kind:district", "term_to_date", "target_pct")],
    ),
    ("Đảng bộ huyện Nậm Pồ dẫn đầu với {}", [("NPO", "term_to_date", "target_pct")]),
    ("Tập trung tạo nguồn ở {} thôn, bản chưa có đảng viên", [("province", "term_to_date", "villages_no_member_end")]),
]


def _shown(ind: Indicators, scope: str, window: str, name: str) -> str:
    value = ind.get(scope, window, name)
    return fmt.percent(value) if name.endswith("_pct") else fmt.number(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["2017H1", "2016"])
def test_every_output_of_an_edition(sample_build: Path, name: str) -> None:
    for output in EDITION_OUTPUTS:
        assert (sample_build / "reports" / name / output).stat().st_size > 0, output


def test_the_report_header_title_and_signature_in_word(sample_edition: Path) -> None:
    document = Document(sample_edition / "report.docx")
    header = [
        (p.text, p.runs[0].font.size.pt, bool(p.runs[0].bold), bool(p.runs[0].italic))
        for cell in document.tables[0].rows[0].cells
        for p in cell.paragraphs
    ]
    assert header == [
        ("TỈNH ỦY ĐIỆN BIÊN", 14, False, False),
        ("BAN TỔ CHỨC", 14, True, False),
        ("*", 14, False, False),
        ("Số …-BC/BTCTU", 14, False, False),
        ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True, False),
        ("Điện Biên, ngày … tháng … năm 2017", 14, False, True),
    ]
    title, subject = document.paragraphs[0], document.paragraphs[1]
    assert title.text == "BÁO CÁO" and title.runs[0].font.size.pt == 16 and title.runs[0].bold
    assert subject.text == "kết quả công tác phát triển đảng viên 6 tháng đầu năm 2017" and subject.runs[0].bold
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 14)
    body = next(p for p in document.paragraphs if p.text.startswith("Từ đầu năm 2016"))
    assert body.alignment == 3 and body.paragraph_format.first_line_indent > 0  # justified, indented
    signature = next(table for table in document.tables if table.rows[0].cells[0].text.startswith("Nơi nhận"))
    recipients, signer = signature.rows[0].cells
    lines = [(p.text, p.runs[0].font.size.pt) for p in recipients.paragraphs]
    assert (
        lines[0] == ("Nơi nhận:", 12)
        and recipients.paragraphs[0].runs[0].bold
        and recipients.paragraphs[0].runs[0].italic
    )
    assert lines[1:] == [
        ("- Ban Tổ chức Trung ương (b/c)", 11),
        ("- Thường trực Tỉnh ủy (b/c)", 11),
        ("- Các đảng bộ trực thuộc", 11),
        ("- Lưu Văn phòng", 11),
    ]
    assert [p.text for p in signer.paragraphs if p.text] == ["T/M BAN TỔ CHỨC", "TRƯỞNG BAN", "Nguyễn Văn A"]
    section = document.sections[0]
    assert section.different_first_page_header_footer and "PAGE" in section.header._element.xml
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    pictures = document.inline_shapes
    assert len(pictures) == 5 and all(p._inline.docPr.get("descr") for p in pictures)
    from PIL import Image

    for picture in pictures:  # printed sharp: at least 300 pixels to the inch at the size Word shows it
        blob = document.part.related_parts[picture._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        width_px = Image.open(__import__("io").BytesIO(blob)).size[0]
        assert width_px / (picture.width.inches) >= 300


def test_the_report_pdf_opens_with_its_header_block(sample_edition: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(sample_edition / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [squash(line).strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "TỈNH ỦY ĐIỆN BIÊN ĐẢNG CỘNG SẢN VIỆT NAM"
    assert lines[1] == "BAN TỔ CHỨC"
    assert lines[2:5] == ["Điện Biên, ngày … tháng … năm 2017", "*", "Số …-BC/BTCTU"]
    assert lines[5:7] == ["BÁO CÁO", "kết quả công tác phát triển đảng viên 6 tháng đầu năm 2017"]


def test_pdfs_are_tagged_titled_in_vietnamese_with_every_font_embedded(sample_edition: Path) -> None:
    for name, serif in (("bulletin.pdf", False), ("report.pdf", True)):
        reader = pypdf.PdfReader(sample_edition / name)
        catalog = reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog, name
        assert catalog["/Lang"] == "vi" and reader.metadata.title, name
        info = subprocess.run(
            ["pdfinfo", str(sample_edition / name)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), name
        fonts = subprocess.run(
            ["pdffonts", str(sample_edition / name)], capture_output=True, text=True, check=True
        ).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(re.search(r"\s+yes\s+yes\s+(yes|no)\s+\d+\s+\d+$", row) for row in rows), (
            fonts
        )  # embedded, subset
        assert any("Report-Serif" in row for row in rows) == serif, fonts
        assert ("Liberation Serif" in _embedded_families(reader)) == serif, name  # the shipped serif itself


def _embedded_families(reader: pypdf.PdfReader) -> set[str]:
    """The family names inside the font programs a PDF embeds (their `name` tables), whatever the PDF calls them."""
    import io

    from fontTools.ttLib import TTFont

    families = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor["/FontFile2"].get_object().get_data()
            families.add(TTFont(io.BytesIO(program))["name"].getDebugName(1))
    return families


def test_the_commentary_reads_the_same_in_every_document(sample_edition: Path) -> None:
    ind = Indicators.read(sample_edition / "indicators.csv")
    html = squash(re.sub(r"<[^>]+>", " ", (sample_edition / "bulletin.html").read_text(encoding="utf-8")))
    texts = {"bulletin.html": html, "bulletin.pdf": pdf_text(sample_edition / "bulletin.pdf")}
    texts |= {
        "report.pdf": pdf_text(sample_edition / "report.pdf"),
        "report.docx": docx_text(sample_edition / "report.docx"),
    }
    for sentence, placeholders in COMMENTARY:
        expected = sentence.format(*(_shown(ind, *p) for p in placeholders))
        for name, text in texts.items():
            assert expected in text, (name, expected)
    lead = f"toàn tỉnh đã kết nạp được {_shown(ind, 'province', 'term_to_date', 'admitted')} đảng viên, vượt "
    lead += f"{_shown(ind, 'province', 'term_to_date', 'target_excess_pct')} so với chỉ tiêu tỉnh giao"
    for name, text in texts.items():
        assert lead in text, name
        assert "{{" not in text, name


def test_every_value_of_the_annex_is_its_indicator(sample_edition: Path) -> None:
    ind = Indicators.read(sample_edition / "indicators.csv")
    book = openpyxl.load_workbook(sample_edition / "tables.xlsx")
    assert book.sheetnames[0] == "Bìa" and all(len(name) <= 31 for name in book.sheetnames)
    compared = 0
    for window, sheet_name in (("period", "Chỉ tiêu trong kỳ"), ("term_to_date", "Chỉ tiêu nhiệm kỳ")):
        sheet = book[sheet_name]
        assert sheet.freeze_panes == "C3" and not sheet.merged_cells.ranges  # A1: the title; 2: the headers
        headers = [c.value for c in sheet[2]]
        for row in sheet.iter_rows(min_row=3, values_only=True):
            scope = row[0]
            for name, value in zip(headers[2:], row[2:], strict=True):
                expected = ind.get(scope, window, name)
                if expected is None:
                    assert value is None, (scope, name)
                else:
                    assert isinstance(value, int | float) and Decimal(str(value)) == Decimal(expected), (scope, name)
                    compared += 1
    assert compared > 1000
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)  # no formulas: every cell a value
    sources = book["Nguồn số liệu"]
    digests = [row[7] for row in sources.iter_rows(min_row=3, values_only=True)]
    assert len(digests) >= 44 and all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)


def test_libreoffice_opens_the_report_and_converts_it(sample_edition: Path, tmp_path: Path) -> None:
    office = shutil.which("soffice")
    assert office, "make test installs libreoffice-writer-nogui: run through make test"
    shutil.copy(sample_edition / "report.docx", tmp_path / "report.docx")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    command = [
        office,
        profile,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(tmp_path / "report.docx"),
    ]
    subprocess.run(command, capture_output=True, text=True, timeout=240, check=True)
    text = pdf_text(tmp_path / "report.pdf")
    ind = Indicators.read(sample_edition / "indicators.csv")
    assert "BÁO CÁO" in text and "kết quả công tác phát triển đảng viên 6 tháng đầu năm 2017" in text
    for figure in (
        ("province", "term_to_date", "admitted"),
        ("province", "period", "target_pct"),
        ("NPO", "term_to_date", "target_pct"),
    ):
        assert _shown(ind, *figure) in text, figure


def test_a_province_without_report_table_or_commentary(tmp_path: Path) -> None:
    from testdata.province import write_province
    from tests.conftest import make

    raw = write_province(tmp_path / "raw", communes=6)
    make("report", "PERIOD=2025H2", raw=raw, out=tmp_path)
    report = tmp_path / "reports" / "2025H2"
    for output in EDITION_OUTPUTS:
        assert (report / output).is_file(), output
    document = Document(report / "report.docx")
    header = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    assert header[:2] == ["TỈNH ỦY LẠNG GIANG", "BAN TỔ CHỨC"] and header[-1].startswith("Lạng Giang, ngày … tháng …")
    assert "- Lưu Văn phòng" in docx_text(report / "report.docx")
    assert not (raw / "commentary").exists()


def test_documents_list_is_declared_once() -> None:
    assert set(DOCUMENTS) == {"bulletin.html", "bulletin.pdf", "report.docx", "report.pdf", "tables.xlsx"}
    assert (SAMPLE_RAW / "commentary" / "2017H1.md").is_file()


VIETNAMESE = (
    "ĂÂĐÊÔƠƯăâđêôơư"
    + "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
    + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    + "0123456789%.,;:()–—→×−≤•“”‘’…*/"
)


def test_the_shipped_fonts_hold_every_vietnamese_glyph() -> None:
    from fontTools.ttLib import TTFont

    fonts = sorted((Path(__file__).resolve().parents[2] / "pipeline" / "documents" / "fonts").glob("*.ttf"))
    assert len(fonts) == 9
    # DejaVu Sans Mono (for code) lacks some precomposed letters, as the original does: Pango takes them from
    # DejaVu Sans, the only other font the PDFs may use.
    for path in (p for p in fonts if "Mono" not in p.name):
        cmap = TTFont(path).getBestCmap()
        assert [c for c in VIETNAMESE if ord(c) not in cmap] == [], path.name


class _DraftOf:
    """What the title block reads of a draft's data: `count` units left out, none of its half-years missing."""

    draft, subtitle = True, "Tỉnh Lâm Đồng — 6 tháng cuối năm 2025"

    def __init__(self, count: int) -> None:
        self._units = {f"X{n:03}": ["6 tháng cuối năm 2025: chưa nộp báo cáo"] for n in range(1, count + 1)}

    def units_not_counted(self) -> dict[str, list[str]]:
        return self._units

    def unit_name(self, code: str) -> str:
        return f"Đảng bộ xã {code}"

    def periods_missing(self) -> list[object]:
        return []


@pytest.mark.parametrize("count", [3, 10, 63])
def test_a_drafts_notice_names_at_most_ten_units(count: int) -> None:
    from pipeline.documents.compose.bulletin_parts import DRAFT_NOTICE_UNITS, title_block

    notice = title_block(_DraftOf(count)).html()  # type: ignore[arg-type]
    assert notice.count("Đảng bộ xã X") == min(count, DRAFT_NOTICE_UNITS)
    others = f"và {count - DRAFT_NOTICE_UNITS} đơn vị khác (đủ danh sách trong phần «Ghi chú về số liệu»)"
    assert (others in notice) == (count > DRAFT_NOTICE_UNITS)


def test_a_charts_svg_loses_only_the_groups_that_name_what_they_hold() -> None:
    """matplotlib wraps every artist in a bare `<g id=…>`; each costs a PDF's layout a walk. Those go, what
    they hold stays in its order, and a group that clips, styles or moves its contents stays."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><g id="figure_1"><g id="patch_1"><path d="M 0 0"/></g>'
        '<g id="axes_1" clip-path="url(#c)"><g id="text_1"><text x="1">Tuần Giáo</text></g></g>'
        '<g style="fill: #b22222"><g id="bar"/><rect width="2"/></g></g></svg>'
    )
    assert flattened(svg) == (
        '<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0"/>'
        '<g id="axes_1" clip-path="url(#c)"><text x="1">Tuần Giáo</text></g>'
        '<g style="fill: #b22222"><rect width="2"/></g></svg>'
    )


def test_the_bulletins_charts_have_no_bare_groups(sample_edition: Path) -> None:
    html = (sample_edition / "bulletin.html").read_text(encoding="utf-8")
    pictures = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(pictures) >= 5
    for picture in pictures:
        root = ElementTree.fromstring(base64.b64decode(picture))
        groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g")]
        assert groups and all(set(g.attrib) != {"id"} for g in groups)  # clipped and styled groups stay
        assert root.find(".//{http://www.w3.org/2000/svg}text") is not None


def test_every_kind_of_block_is_registered_once_and_has_a_word_form() -> None:
    """One block system: every kind of block is listed in `content.kinds.KINDS` (no kind registered by an
    import's side effect), travels through an executed notebook as JSON and back, and has its Word form."""
    from pipeline.documents.content import kinds, model
    from pipeline.documents.content.document_parts import BulletinTitle, DataNotes
    from pipeline.documents.render.report_docx import _Writer

    def subclasses(kind: type) -> set[type]:
        return {sub for direct in kind.__subclasses__() for sub in {direct, *subclasses(direct)}}

    defined = {kind for kind in subclasses(model.Block) if kind.__module__.startswith("pipeline.documents.content.")}
    assert set(kinds.KINDS.values()) == defined
    assert all(hasattr(_Writer, f"_{name.lower()}") for name in kinds.KINDS)
    run = model.Run("Đơn vị <A> & B", bold=True)
    for block in (
        BulletinTitle("BẢN TIN", "Tỉnh X", [run]),
        DataNotes([model.Heading("Ghi chú"), model.BulletList([[run]], css_class="problems")]),
    ):
        assert kinds.from_json(model.to_json(block)) == block
        assert "&lt;A&gt; &amp; B" in block.html() and "<A>" not in block.html()


FACADES = ("blocks", "bulletin", "charts", "member_blocks", "report", "revisions")


def test_the_notebooks_modules_offer_exactly_what_the_notebooks_and_the_guide_call() -> None:
    """`pipeline.documents.{blocks,…}` are the notebooks' API (the package's docstring): each re-exports the
    functions the notebooks (and the guides, which show analysts their cells) call, no more; provinces' own
    copies of the notebooks keep working as long as these stay."""
    import importlib
    import json

    from tests.conftest import ROOT

    sources = [
        "".join(cell["source"])
        for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    ]
    sources += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*/*.md"))]
    calls = re.compile(rf"\b({'|'.join(FACADES)})\.([a-z_]+)\(")
    called: dict[str, set[str]] = {name: set() for name in FACADES}
    for source in sources:
        for module, function in calls.findall(source):
            called[module].add(function)
    assert all(called.values()), called  # the scan reads the notebooks' calls
    for name in FACADES:
        module = importlib.import_module(f"pipeline.documents.{name}")
        public = {attribute for attribute in vars(module) if not attribute.startswith("_")}
        assert public == set(module.__all__) == called[name], name
        assert all(callable(getattr(module, function)) for function in module.__all__)
