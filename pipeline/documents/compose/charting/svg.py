"""How a chart is saved as SVG, for the wide picture (`picture`) and the narrow one (`narrow`) alike: the
settings it is drawn and saved under, and the lighter SVG the documents carry."""

from __future__ import annotations

import re

# The bulletin's style, applied while a chart is drawn and saved, over whatever rcParams the notebook has:
# an analyst may restyle the charts there, and nothing is left set in the process once a chart is made.
# SVG text stays text (`svg.fonttype`), and its ids are the same on every run (`svg.hashsalt`).
STYLE = {"font.family": "DejaVu Sans", "svg.hashsalt": "bulletin", "svg.fonttype": "none", "axes.spines.top": False}

_GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")
_BARE_GROUP = re.compile(r'<g id="[^"]*"\s*/?>')


def flattened(svg: str) -> str:
    """The SVG without the groups that only name what they hold (matplotlib wraps every artist in a
    `<g id="…">`): over half of a chart's elements, each walked when a PDF is laid out. What they hold
    stays as it was, in its order; a group that clips, styles or moves its contents stays."""
    pieces, kept, start = [], [], 0
    for tag in _GROUP_TAG.finditer(svg):
        text = tag.group()
        if text == "</g>":
            drop = not kept.pop() if kept else False
        else:
            drop = _BARE_GROUP.fullmatch(text) is not None
            if not text.endswith("/>"):
                kept.append(not drop)
        if drop:
            pieces.append(svg[start : tag.start()])
            start = tag.end()
    pieces.append(svg[start:])
    return "".join(pieces)
