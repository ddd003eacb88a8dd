"""A chart's narrow variant, for the bulletin read on a phone (issue 22).

A chart is drawn 7.2 inches wide; a 390-pixel screen scales it down to about half, and its 7- to 10-point
text to 5 pixels. Its narrow variant is the same figure laid out NARROW_WIDTH inches wide, shown at its
natural size: no text under SMALLEST_POINTS (9 CSS pixels at that size), titles wrapped to the figure,
fewer ticks on numeric axes. Still SVG with text as text. The bulletin's page carries it inline, beside
the wide picture, and shows it only on narrow screens (never in print): see the template's `data_svg`.

The figure is changed only while the variant is saved, and given back as it was. Charts an analyst draws
with plain matplotlib get the same pair of pictures through `show_figures_for_phones`.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    from matplotlib.figure import Figure

# The narrow picture travels beside the wide one in a notebook's output, under its own MIME type: Jupyter and
# the report leave it alone, the bulletin's template shows it on narrow screens.
NARROW_MIME = "image/vnd.dangvien.narrow+svg"
NARROW_WIDTH = 3.6  # inches: 346 CSS px, within a 390 px screen less the page's margins
SMALLEST_POINTS = 7.0  # 9.3 CSS px at the natural size
MOST_TICKS = 3  # intervals on a numeric axis, at round steps (no 2.5: a count's axis prints whole numbers)
LONGEST_LABEL = 22  # characters of a category's name on one line
CHARACTER_WIDTH = 0.6  # DejaVu Sans' average, in ems


@contextmanager
def _narrowed(figure: Figure) -> Iterator[None]:
    """The figure laid out narrow while inside; as it was after."""
    from matplotlib.text import Text

    undo: list[Any] = []
    width, height = figure.get_size_inches()
    figure.set_size_inches(NARROW_WIDTH, height + 0.3 * (width > NARROW_WIDTH))
    undo.append(lambda: figure.set_size_inches(width, height))
    for axes in figure.axes:
        _narrow_axes(axes, len(figure.axes) > 1, undo)
    for text in figure.findobj(Text):
        if text.get_text() and text.get_fontsize() < SMALLEST_POINTS:
            size = text.get_fontsize()
            text.set_fontsize(SMALLEST_POINTS)
            undo.append(lambda t=text, s=size: t.set_fontsize(s))
    suptitle = figure._suptitle
    if suptitle is not None and suptitle.get_text() and not suptitle.get_wrap():
        suptitle.set_wrap(True)
        undo.append(lambda: suptitle.set_wrap(False))
    try:
        yield
    finally:
        for step in reversed(undo):
            step()


def _narrow_axes(axes: Any, among_others: bool, undo: list[Any]) -> None:
    """Larger tick labels where they are small, long category names on two lines, fewer ticks on a
    numeric axis; a title wrapped to the figure, or beside other axes, to its own width."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for name, axis in (("x", axes.xaxis), ("y", axes.yaxis)):
        labels = [label for label in axis.get_ticklabels() if label.get_text()]
        size = min((label.get_fontsize() for label in labels), default=SMALLEST_POINTS)
        if size < SMALLEST_POINTS:
            axes.tick_params(axis=name, labelsize=SMALLEST_POINTS)
            undo.append(lambda a=axes, n=name, s=size: a.tick_params(axis=n, labelsize=s))
        locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
        if isinstance(locator, MaxNLocator):
            default = axis.isDefault_majloc
            axis.set_major_locator(MaxNLocator(nbins=MOST_TICKS, steps=[1, 2, 5, 10]))
            undo.append(
                lambda a=axis, old=locator, d=default: (a.set_major_locator(old), setattr(a, "isDefault_majloc", d))
            )
        if name == "y" and any(len(label.get_text()) > LONGEST_LABEL for label in labels):
            default = axis.isDefault_majfmt
            axis.set_major_formatter(FuncFormatter(lambda v, n, f=formatter: _wrapped(f(v, n), LONGEST_LABEL)))
            undo.append(
                lambda a=axis, old=formatter, d=default: (a.set_major_formatter(old), setattr(a, "isDefault_majfmt", d))
            )
    for title in (axes.title, axes._left_title, axes._right_title):
        if not title.get_text() or title.get_wrap():
            continue
        if among_others:  # beside other axes: no wider than its own
            text = title.get_text()
            room = axes.get_position().width * NARROW_WIDTH * 72 / (CHARACTER_WIDTH * title.get_fontsize())
            title.set_text(_wrapped(text, max(int(room), 8)))
            undo.append(lambda t=title, old=text: t.set_text(old))
        else:
            title.set_wrap(True)
            undo.append(lambda t=title: t.set_wrap(False))


def _wrapped(text: str, characters: int) -> str:
    return "\n".join(textwrap.wrap(text, characters)) or text


def narrow_svg(figure: Figure, **options: Any) -> str:
    """The figure's narrow variant as SVG (`options`: savefig's, e.g. bbox_inches)."""
    import io

    import matplotlib

    from pipeline.documents.compose.charting.svg import STYLE, flattened

    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE), _narrowed(figure):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, **options)
    return flattened(buffer.getvalue().decode("utf-8"))


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*|<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^")]+)')


def inline_svg(svg: str, alt: str) -> str:
    """`svg` to stand inside an HTML page: no XML prologue, an image with its text alternative, its ids
    prefixed by its own digest so that no two charts of a page share one."""
    prefix = "n" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:8] + "-"
    body = _METADATA.sub("", _PROLOGUE.sub("", svg, count=1))
    body = _ID.sub(lambda m: f'id="{prefix}{m[1]}"', body)
    body = _REFERENCE.sub(lambda m: f"{m[1]}{prefix}{m[2]}", body)
    return body.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" focusable="false" ', 1).strip()


def _figure_pictures(figure: Figure) -> tuple[dict[str, str], dict[str, dict]]:
    """A plain matplotlib figure as the bulletin shows it: SVG (text as text) and its narrow variant."""
    import io

    import matplotlib

    from pipeline.documents.compose.charting.svg import STYLE, flattened

    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    wide = flattened(buffer.getvalue().decode("utf-8"))
    return {"image/svg+xml": wide, NARROW_MIME: narrow_svg(figure, bbox_inches="tight")}, {}


def show_figures_for_phones() -> None:
    """In a notebook (IPython), a plain matplotlib figure is shown as the house charts are: SVG and its
    narrow variant (the PNG the inline backend adds stays, for whoever wants it). Outside IPython, nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()  # type: ignore[no-untyped-call]
    if shell is None:
        return
    # By name: matplotlib is loaded when a figure is drawn, not before (a chart from the cache needs none).
    shell.display_formatter.mimebundle_formatter.for_type_by_name("matplotlib.figure", "Figure", _figure_pictures)
