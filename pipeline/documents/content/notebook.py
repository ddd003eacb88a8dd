"""The blocks of an executed notebook, in order: what its cells show, as the documents print it.

A cell's block (`content.MIME`) is taken as it is; a picture (a chart, ours or an analyst's) becomes a
figure with its text alternative; an HTML table (a DataFrame an analyst shows) becomes a table; a Markdown
cell becomes headings, paragraphs and lists. Cells tagged `remove-cell`, code, streams and errors are left
out, as they are from the bulletin.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat

from pipeline.documents.content.kinds import from_json
from pipeline.documents.content.markdown import markdown_blocks
from pipeline.documents.content.model import FALLBACK_ALT, MIME, REMOVE_TAG, Block, Figure, Table


def blocks_of(notebook: Path) -> list[Block]:
    nb = nbformat.read(notebook, as_version=4)
    found: list[Block] = []
    for cell in nb.cells:
        if REMOVE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            found += markdown_blocks(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                block = _output_block(output, cell.get("metadata", {}))
                if block is not None:
                    found.append(block)
    return found


def _output_block(output: dict, cell_metadata: dict) -> Block | None:
    data = output.get("data", {})
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    if MIME in data:
        return from_json(data[MIME])
    if "image/svg+xml" in data or "image/png" in data:
        mime = "image/svg+xml" if "image/svg+xml" in data else "image/png"
        about = output.get("metadata", {}).get(mime, {})
        return Figure(
            svg=data.get("image/svg+xml", ""),
            png=data.get("image/png", ""),
            alt=about.get("alt") or cell_metadata.get("alt") or FALLBACK_ALT,
            caption=about.get("caption", ""),
        )
    if "<table" in data.get("text/html", ""):
        return _html_table(data["text/html"])
    return None


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html_table(html: str) -> Table | None:
    parser = _TableParser()
    parser.feed(html)
    rows = [row for row in parser.rows if row]
    if not rows:
        return None
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return Table(rows[0], rows[1:], "analyst")
