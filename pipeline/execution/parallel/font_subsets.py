"""Kept font subsets: the fonts a PDF embeds, cut to its glyphs, reused while the glyphs stay the same.

Cutting the four or five fonts of a PDF to the glyphs it uses is a third of the time WeasyPrint takes for a
bulletin, and it gives the same bytes whenever the font, the glyphs and the options are the same: a
rebuild after a commentary change, which rarely brings a new letter, reuses them. The cache key holds
all that the subset is made from, fontTools' version and SOURCE_DATE_EPOCH (the time stamped in it)
included; the folder keeps the most recently used subsets only.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.common import iorw

KEPT = 24  # subsets: a few versions of the bulletin's and the report's four or five faces each
_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("font_subsets_folder", default=None)


def install(font_class: type) -> None:
    """Wrap WeasyPrint's fontTools subsetting (`Font._fonttools_subset`) with the cache; once per process."""
    original = font_class._fonttools_subset
    if getattr(original, "cached", False):
        return

    @functools.wraps(original)
    def subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        folder = _FOLDER.get()
        if folder is None:
            original(font, to_unicode, hinting)
            return
        path = folder / f"{_key(font, to_unicode, hinting)}.ttf"
        try:
            kept = path.read_bytes()
        except OSError:
            original(font, to_unicode, hinting)
            iorw.write_bytes(path, font.file_content)
            return
        font.file_content = kept
        iorw.mark_used(path)

    subset.cached = True  # type: ignore[attr-defined]
    font_class._fonttools_subset = subset


def _key(font: Any, to_unicode: dict[int, Any], hinting: bool) -> str:
    import fontTools
    import weasyprint

    made_from = (
        hashlib.sha256(font.file_content).hexdigest(),
        font.index,
        sorted(to_unicode),
        hinting,
        bool(font.missing),
        fontTools.version,
        weasyprint.__version__,  # the subsetting options are WeasyPrint's
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    )
    return hashlib.sha256(repr(made_from).encode()).hexdigest()


@contextmanager
def kept_in(folder: Path | None) -> Iterator[None]:
    """Subsets made inside the block are kept in `folder` (None: not kept); the oldest are removed after."""
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)
        if folder is not None:
            iorw.keep_most_recent(folder, ".ttf", KEPT)
