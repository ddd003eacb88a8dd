"""An edition's content as data: headings, paragraphs, lists, tables, charts and notes.

A block is built once, from the indicators, and rendered by each document: as HTML for the bulletin (and
for Jupyter, which shows a block by evaluating it), and by `report_docx` as Word paragraphs and tables.
Between the notebook that builds the blocks and the renderers, a block travels as JSON in the executed
notebook, under its own MIME type, so that a block an analyst's cell outputs reaches the documents too.
Text is always text: the renderers escape it, never interpret it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

MIME = "application/vnd.dangvien.block+json"
REMOVE_TAG = "remove-cell"  # analysts tag a cell with this to keep it out of the documents
# A cell so tagged that shows nothing leaves no trace in the bulletin's page (a part of it that a province
# without the data leaves out, such as the membership balance of SPEC 11).
OPTIONAL_TAG = "only-with-output"
# The text alternative of a picture an analyst's cell shows without one (nbconvert's own is English).
FALLBACK_ALT = "Hình do người biên tập bổ sung vào bản tin; chưa có mô tả bằng lời."


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False

    def html(self) -> str:
        text = escape(self.text)
        if self.bold:
            text = f"<strong>{text}</strong>"
        if self.italic:
            text = f"<em>{text}</em>"
        return text


def runs_html(runs: list[Run]) -> str:
    return "".join(run.html() for run in runs)


@dataclass(frozen=True)
class Block:
    """The base of every block: shown in Jupyter as HTML, carried to the renderers as JSON."""

    def html(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        return {"text/html": self.html(), MIME: to_json(self), "text/plain": type(self).__name__}


@dataclass(frozen=True)
class Heading(Block):
    text: str
    level: int = 2

    def html(self) -> str:
        return f"<h{self.level}>{escape(self.text)}</h{self.level}>"


@dataclass(frozen=True)
class Paragraph(Block):
    runs: list[Run]
    css_class: str = ""

    def html(self) -> str:
        attribute = f' class="{self.css_class}"' if self.css_class else ""
        return f"<p{attribute}>{runs_html(self.runs)}</p>"


@dataclass(frozen=True)
class BulletList(Block):
    items: list[list[Run]]
    ordered: bool = False
    css_class: str = ""

    def html(self) -> str:
        tag = "ol" if self.ordered else "ul"
        attribute = f' class="{self.css_class}"' if self.css_class else ""
        return f"<{tag}{attribute}>" + "".join(f"<li>{runs_html(item)}</li>" for item in self.items) + f"</{tag}>"


@dataclass(frozen=True)
class Table(Block):
    """A table whose first `label_columns` columns are labels and the rest figures; `row_kinds` marks
    subtotal and total rows; `note` explains a sign the table shows (`—`); `scroll_label`, for a table wider
    than a phone's screen, names it as the box it scrolls in there (focusable, so that a keyboard scrolls
    it; no wrapping element, which would change the PDF's structure tree)."""

    headers: list[str]
    rows: list[list[str]]
    css_class: str = ""
    label_columns: int = 1
    row_kinds: list[str] = field(default_factory=list)
    note: str = ""
    caption: str = ""
    scroll_label: str = ""

    def html(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self.headers)
        body = []
        for number, row in enumerate(self.rows):
            kind = self.row_kinds[number] if number < len(self.row_kinds) else ""
            cells = "".join(
                f"<td>{_cell(cell, kind)}</td>"
                if i < self.label_columns
                else f'<td class="num">{_cell(cell, kind)}</td>'
                for i, cell in enumerate(row)
            )
            body.append(f'<tr class="{kind}">{cells}</tr>' if kind else f"<tr>{cells}</tr>")
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        scrolls = f' tabindex="0" aria-label="{escape(self.scroll_label)}"' if self.scroll_label else ""
        table = (
            f'<table class="{self.css_class}"{scrolls}>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )
        return table + (f'<p class="table-note">{escape(self.note)}</p>' if self.note else "")


def _cell(text: str, kind: str) -> str:
    return f"<strong>{escape(text)}</strong>" if kind in ("subtotal", "total") else escape(text)


@dataclass(frozen=True)
class Figure(Block):
    """A chart: SVG for the screen and PDFs (text stays text), PNG at print resolution for Word."""

    svg: str
    png: str  # base64
    alt: str
    caption: str = ""
    width_inches: float = 7.2
    height_inches: float = 3.0

    def html(self) -> str:
        import base64

        source = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        caption = f"<figcaption>{escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="chart"><img src="data:image/svg+xml;base64,{source}" alt="{escape(self.alt)}">{caption}</figure>'


@dataclass(frozen=True)
class Section(Block):
    """Blocks that belong together (a part of the document with a class: the appendix, the notes)."""

    blocks: list[Block]
    css_class: str = ""

    def html(self) -> str:
        return f'<section class="{self.css_class}">' + "".join(b.html() for b in self.blocks) + "</section>"


def to_json(block: Block) -> dict[str, Any]:
    data = asdict(block)
    if isinstance(block, Section):  # its blocks with their kinds
        data["blocks"] = [to_json(b) for b in block.blocks]
    return {"kind": type(block).__name__, **data}
