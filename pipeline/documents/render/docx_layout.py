"""How `report.docx` holds together when Word or LibreOffice lays it out: column widths measured with the
shipped serif (Liberation Serif has Times New Roman's metrics, so a width measured here is Word's), fixed
table layouts (no autofit that a reader's office suite would redo its own way), rows that never break across
pages, header rows that repeat, and paragraphs kept with the one after them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from fontTools.ttLib import TTFont

FONTS = Path(__file__).parents[1] / "fonts"
CELL_MARGINS = Cm(0.19) * 2  # Word's and LibreOffice's default left + right cell margins (108 twips each)
SLACK = Cm(0.15)  # rounding between office suites: a line measured to fit must fit in both


@cache
def _metrics(style: str) -> tuple[dict[int, str], object, int]:
    font = TTFont(FONTS / f"LiberationSerif-{style}.ttf", lazy=True)
    return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> Length:
    """The width of `text` on one line at `size` pt in Times New Roman's metrics (a glyph the font lacks
    counts as an em)."""
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic"}.get(
        (bold, italic), "BoldItalic"
    )
    cmap, advances, units = _metrics(style)
    total = sum(advances[cmap[ord(c)]][0] if ord(c) in cmap else units for c in text)  # type: ignore[index]
    return Pt(total / units * size)


def fix_widths(table: object, widths: list[int]) -> None:
    """A fixed layout with these column widths (EMU): the grid, every cell and the table's own width, as
    Word and LibreOffice each read one of them."""
    table.autofit = False  # type: ignore[attr-defined]
    properties = table._tbl.tblPr  # type: ignore[attr-defined]
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths) * 1440 // 914400))
    for column, value in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = value
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, value in zip(row.cells, widths, strict=True):
            cell.width = value


def column_widths(headers: list[str], rows: list[list[str]], label_columns: int, total: int, size: float) -> list[int]:
    """Widths (EMU) that add up to `total` for a table of `label_columns` label columns, then figures. Each
    column gets at least its longest word (a figure column: its widest figure, never wrapped); the room left
    goes to the columns whose whole text would not fit, in proportion to what they lack, then to all alike.
    Measured bold, as subtotal rows and headers are."""
    pad = CELL_MARGINS + SLACK
    minimum, wanted = [], []
    for column, header in enumerate(headers):
        cells = [row[column] for row in rows]
        words = [text_width(w, size, bold=True) for text in [header, *cells] for w in text.split()]
        least = max(words, default=0)
        if column >= label_columns:  # a figure is never wrapped
            least = max([least, *(text_width(c, size, bold=True) for c in cells)])
        minimum.append(least + pad)
        wanted.append(max(text_width(t, size, bold=True) for t in [header, *cells]) + pad)
    return _share(minimum, wanted, total, label_columns)


def _share(minimum: list[int], wanted: list[int], total: int, label_columns: int) -> list[int]:
    if sum(minimum) >= total:  # too little room for every longest word: all in proportion
        return [int(w * total / sum(minimum)) for w in minimum]
    widths = list(minimum)
    # The names first (a unit's name on as few lines as can be), then the figures' headers.
    for columns in (range(label_columns), range(label_columns, len(widths))):
        room = total - sum(widths)
        lacking = {c: max(wanted[c] - widths[c], 0) for c in columns}
        if room <= 0 or not sum(lacking.values()):
            continue
        for column, lack in lacking.items():
            widths[column] += min(lack, int(room * lack / sum(lacking.values())))
    rest = total - sum(widths)
    return [w + rest // len(widths) for w in widths]


def row_kept_whole(row: object, *, header: bool = False) -> None:
    """The row never breaks across pages; a `header` row repeats at the top of every page the table spans."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    for name in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
        element = OxmlElement(name)
        element.set(qn("w:val"), "true")
        properties.append(element)


def keep_with_next(paragraphs: list[object]) -> None:
    """Each paragraph on the page of the one (or the table) after it, and never split itself."""
    for paragraph in paragraphs:
        paragraph.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
        paragraph.paragraph_format.keep_together = True  # type: ignore[attr-defined]
