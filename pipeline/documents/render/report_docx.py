"""`report.docx`: the formal report as a real Word document (python-docx), laid out as Hướng dẫn 36-HD/VPTW
asks: A4, Times New Roman, body 14 pt justified with a first-line indent, the header block, title and
subject, numbered chart captions, `Nơi nhận` and the signature, page numbers from page 2, top centre.
Styles, real tables, pictures with alt text: every word stays editable. The zip is written with fixed
times and member order, so that the same content gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from pipeline.common import iorw
from pipeline.common.version import code, code_digest
from pipeline.documents.content.document_parts import PARTY, BulletinTitle, DocumentHeader, DocumentTitle, Signature
from pipeline.documents.content.model import Block, BulletList, Figure, Heading, Paragraph, Run, Section, Table
from pipeline.documents.render import docx_layout as layout

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 11
WIDE_TABLE_PT, WIDE_TABLE_COLUMNS = 9, 6  # a table of more columns in smaller type, as report.css's by-unit table
PICTURE_WIDTH = Cm(16)
TEXT_WIDTH = Mm(210 - 30 - 15)  # A4 less the left and right margins (_page_setup)
PARTY_PT, PLACE_PT = 15, 14


def write_docx(blocks: list[Block], path: Path, *, title: str, author: str, when: dt.date) -> None:
    document = Document()
    _page_setup(document)
    _styles(document)
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, author, "vi-VN"
    properties.created = properties.modified = dt.datetime.combine(when, dt.time())
    properties.last_modified_by, properties.revision = author, 1
    # The exact code (commit, whether it differed, its digest) in the file's properties, never in its text.
    properties.comments = code().generator(code_digest())
    writer = _Writer(document)
    for block in blocks:
        writer.block(block)
    buffer = io.BytesIO()
    document.save(buffer)
    iorw.write_bytes(path, iorw.fixed_zip(buffer.getvalue()))


def _page_setup(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # Page numbers from page 2, top centre: the first page has a header of its own, left empty.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph.add_run(), "PAGE")


def _field(run: object, code: str) -> None:
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = code
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, end):
        run._r.append(element)  # type: ignore[attr-defined]


def _set_font(style_font: object, size: float) -> None:
    style_font.name = FONT  # type: ignore[attr-defined]
    style_font.size = Pt(size)  # type: ignore[attr-defined]


def _styles(document: Document) -> None:
    normal = document.styles["Normal"]
    _set_font(normal.font, BODY_PT)
    fonts = normal.element.rPr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for level in (1, 2, 3, 4):
        style = document.styles[f"Heading {level}"]
        _set_font(style.font, BODY_PT)
        style.font.bold, style.font.italic = True, level >= 3
        style.font.color.rgb = None
        style.element.rPr.get_or_add_rFonts().set(qn("w:asciiTheme"), "")
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            style.element.rPr.rFonts.attrib.pop(qn(attribute), None)
        style.element.rPr.rFonts.set(qn("w:ascii"), FONT)
        style.element.rPr.rFonts.set(qn("w:hAnsi"), FONT)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(3)


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.figures = 0
        self.tables = 0
        self.last_table: object | None = None  # the table the document ends with, if it does

    def _after_table(self) -> None:
        """A paragraph between two tables: Word joins tables that touch, and a reader needs the space."""
        if self.last_table is not None and self.document.element.body[-2] is self.last_table._tbl:
            spacer = self.document.add_paragraph()
            spacer.paragraph_format.space_after = Pt(6)

    def block(self, block: Block) -> None:
        handler = getattr(self, f"_{type(block).__name__.lower()}", None)
        if handler is None:
            raise TypeError(f"no Word form for {type(block).__name__}")
        handler(block)

    def _new_table(self, rows: int, cols: int, style: str | None = None) -> object:
        self._after_table()
        table = self.document.add_table(rows=rows, cols=cols, style=style)
        self.last_table = table
        return table

    def _section(self, block: Section) -> None:
        if block.css_class == "appendix":
            self.document.add_page_break()
        for inner in block.blocks:
            self.block(inner)

    _datanotes = _section  # the bulletin's data notes, where an analyst shows them in the report's notebook

    def _bulletintitle(self, block: BulletinTitle) -> None:
        """The bulletin's title, where an analyst shows it in the report's notebook: a heading, its line."""
        self.document.add_heading(block.title, level=1)
        self.document.add_paragraph(block.subtitle)
        if block.draft_notice:
            _runs(self.document.add_paragraph(), block.draft_notice)

    def _heading(self, block: Heading) -> None:
        self.document.add_heading(block.text, level=min(block.level, 4))

    def _paragraph(self, block: Paragraph) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        _runs(paragraph, block.runs)

    def _bulletlist(self, block: BulletList) -> None:
        for item in block.items:
            paragraph = self.document.add_paragraph(style="List Number" if block.ordered else "List Bullet")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _runs(paragraph, item)

    def _table(self, block: Table) -> None:
        if block.caption:
            caption = self.document.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.add_run(block.caption).italic = True
            layout.keep_with_next([caption])
        table = self._new_table(1, len(block.headers), "Table Grid")
        size = WIDE_TABLE_PT if len(block.headers) > WIDE_TABLE_COLUMNS else TABLE_PT
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
            _cell_text(cell, text, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for number, row in enumerate(block.rows):
            kind = block.row_kinds[number] if number < len(block.row_kinds) else ""
            cells = table.add_row().cells
            for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
                align = WD_ALIGN_PARAGRAPH.LEFT if column < block.label_columns else WD_ALIGN_PARAGRAPH.RIGHT
                _cell_text(cell, text, size=size, bold=kind in ("subtotal", "total"), align=align)
        widths = layout.column_widths(block.headers, block.rows, block.label_columns, TEXT_WIDTH, size)
        layout.fix_widths(table, widths)
        for number, row in enumerate(table.rows):
            layout.row_kept_whole(row, header=number == 0)
        if block.note:
            note = self.document.add_paragraph()
            note.add_run(block.note).italic = True

    def _figure(self, block: Figure) -> None:
        if not block.png:
            return
        self.figures += 1
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture = paragraph.add_run().add_picture(io.BytesIO(base64.b64decode(block.png)), width=PICTURE_WIDTH)
        properties = picture._inline.docPr  # python-docx has no API for alt text yet
        properties.set("descr", block.alt)
        properties.set("name", f"Biểu đồ {self.figures}")
        caption = self.document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.add_run(block.caption).italic = True  # numbered by documents.numbered_figures
        layout.keep_with_next([paragraph])  # the chart on the page of its caption
        caption.paragraph_format.keep_together = True

    def _documentheader(self, block: DocumentHeader) -> None:
        table = self._new_table(1, 2)
        left, right = table.rows[0].cells
        _cell_text(left, block.superior_body, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(left, block.issuing_body, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)
        _cell_text(left, "*", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)
        _cell_text(left, block.number_line, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)
        party = _cell_text(right, PARTY, size=PARTY_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(right, block.place_date, size=PLACE_PT, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, new=True)
        # The right column as wide as its longer line needs (each on one line), the left one the rest.
        party_width = layout.text_width(PARTY, PARTY_PT, bold=True)
        lines = max(party_width, layout.text_width(block.place_date, PLACE_PT, italic=True))
        right_width = max(Cm(9), lines + layout.CELL_MARGINS + layout.SLACK)
        layout.fix_widths(table, [TEXT_WIDTH - right_width, right_width])
        _rule_under(party, (right_width - layout.CELL_MARGINS - party_width - layout.SLACK) // 2)

    def _documenttitle(self, block: DocumentTitle) -> None:
        title = self.document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_before = Pt(18)
        run = title.add_run(block.title)
        run.bold, run.font.size = True, Pt(16)
        subject = self.document.add_paragraph()
        subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subject.add_run(block.subject).bold = True

    def _signature(self, block: Signature) -> None:
        # Kept with the paragraph before it (or the previous table's last row), the space above it included;
        # its one row never breaks across pages: the block moves whole.
        body = self.document.element.body
        if len(body) > 1 and body[-2].tag == qn("w:tbl"):
            last_row = self.last_table.rows[-1]  # type: ignore[attr-defined]
            layout.keep_with_next([p for cell in last_row.cells for p in cell.paragraphs])
        elif self.document.paragraphs:
            layout.keep_with_next([self.document.paragraphs[-1]])
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_before, spacer.paragraph_format.space_after = Pt(12), Pt(0)
        layout.keep_with_next([spacer])
        self.last_table = None
        table = self._new_table(1, 2)
        layout.fix_widths(table, [TEXT_WIDTH // 2, TEXT_WIDTH - TEXT_WIDTH // 2])
        layout.row_kept_whole(table.rows[0])
        left, right = table.rows[0].cells
        _cell_text(left, "Nơi nhận:", size=12, bold=True, italic=True)
        for recipient in block.recipients:
            _cell_text(left, f"- {recipient}", size=11, new=True)
        _cell_text(right, block.on_behalf, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(right, block.role, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)
        for _ in range(3):
            _cell_text(right, "", size=14, new=True)
        _cell_text(right, block.name, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)


def _runs(paragraph: object, runs: list[Run]) -> None:
    for run in runs:
        added = paragraph.add_run(run.text)  # type: ignore[attr-defined]
        added.bold, added.italic = run.bold or None, run.italic or None


def _cell_text(
    cell: object,
    text: str,
    *,
    size: float = TABLE_PT,
    bold: bool = False,
    italic: bool = False,
    align: object = None,
    new: bool = False,
) -> object:
    """Text in a table cell: in its first (empty) paragraph, or in a `new` one."""
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = None
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold or None, italic or None
    return paragraph


def _rule_under(paragraph: object, indent: int) -> None:
    """The rule under `ĐẢNG CỘNG SẢN VIỆT NAM`, as long as the words: a bottom border of the paragraph,
    indented by `indent` on each side."""
    properties = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = max(indent, 0)  # type: ignore[attr-defined]
