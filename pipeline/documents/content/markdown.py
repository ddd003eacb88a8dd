"""Markdown (CommonMark, parsed by mistune) as blocks: headings, paragraphs and lists, with bold and italic
runs. Raw HTML and code are kept as the text they are, never interpreted. A notebook's Markdown cell is read
with `markdown_blocks`; the commentary, whose placeholders are replaced before parsing, with `blocks`.
"""

from __future__ import annotations

import re

import mistune

from pipeline.documents.content.model import Block, BulletList, Heading, Paragraph, Run

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def placeholder(number: int) -> str:
    """What stands for the `number`th value in the source given to `blocks` (text no one types)."""
    return f"\ue000{number}\ue001"


def markdown_blocks(text: str) -> list[Block]:
    """Markdown with no placeholders (a notebook's Markdown cell) as blocks."""
    return blocks(text, [])


def blocks(text: str, values: list[str]) -> list[Block]:
    """CommonMark → blocks: headings, paragraphs, lists; raw HTML kept as the text it is. `values`: the
    text of each placeholder, which the source holds as `placeholder(n)`."""
    tokens = mistune.create_markdown(renderer=None)(text)
    found: list[Block] = []
    for token in tokens:  # type: ignore[union-attr]
        kind = token["type"]
        if kind == "heading":
            found.append(Heading(_plain(token, values), int(token["attrs"]["level"])))
        elif kind == "paragraph":
            found.append(Paragraph(_runs(token["children"], values), "commentary"))
        elif kind == "list":
            items = [_runs(_item_children(item), values) for item in token["children"]]
            found.append(BulletList(items, bool(token["attrs"].get("ordered"))))
        elif kind in ("block_html", "block_code", "block_quote", "thematic_break"):
            raw = token.get("raw") or _plain(token, values)
            if raw.strip():
                found.append(Paragraph([Run(_fill(raw.strip(), values))], "commentary"))
    return found


def _item_children(item: dict) -> list[dict]:
    children: list[dict] = []
    for child in item.get("children", []):
        children += child.get("children", [child]) if child["type"] in ("block_text", "paragraph") else [child]
    return children


def _runs(children: list[dict], values: list[str], bold: bool = False, italic: bool = False) -> list[Run]:
    runs: list[Run] = []
    for child in children:
        kind = child["type"]
        if kind in ("strong", "emphasis", "link"):
            runs += _runs(child["children"], values, bold or kind == "strong", italic or kind == "emphasis")
        elif kind in ("softbreak", "linebreak"):
            runs.append(Run(" ", bold, italic))
        elif "raw" in child:
            runs.append(Run(_fill(child["raw"], values), bold, italic))
        elif "children" in child:
            runs += _runs(child["children"], values, bold, italic)
    return runs


def _plain(token: dict, values: list[str]) -> str:
    return "".join(run.text for run in _runs(token.get("children", []), values))


def _fill(text: str, values: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[int(m.group(1))], text)
