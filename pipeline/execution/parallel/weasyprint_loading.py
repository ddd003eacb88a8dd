"""WeasyPrint loaded once per process, quickly and the same way on every machine: every change this product
makes to the libraries' or the process's global state for the PDFs is here.

- `ctypes.util.find_library` answers None while WeasyPrint is imported on Linux (`_no_library_search`);
- a first import that fails so is forgotten (`sys.modules`) and done again with the search;
- FONTCONFIG_FILE names the caller's private fontconfig file (the product's fonts only);
- WeasyPrint's HarfBuzz subsetter is turned off (fontTools on every machine: the same bytes), and its
  `Font._fonttools_subset` is wrapped by the kept subsets (`font_subsets`);
- SOURCE_DATE_EPOCH, which fontTools stamps the subsets with, is set for each PDF (`stamp_date`);
- the folder where WeasyPrint copies a PDF's fonts is removed when the PDF is written (`fonts_of_one_pdf`).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import datetime as dt
import importlib
import io
import logging
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline.execution.parallel import font_subsets


class _QuietFontToolsNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Using fontTools instead of HarfBuzz-Subset" not in record.getMessage()


@contextmanager
def _no_library_search() -> Iterator[None]:
    """`ctypes.util.find_library` answers None at once.

    WeasyPrint asks cffi for each of its libraries under several names, the Windows and macOS ones first, and
    for each name the dynamic loader cannot open, cffi calls find_library, which on Linux runs `ldconfig`,
    `gcc` and `ld`: some ninety processes, over a third of WeasyPrint's import. Among the names WeasyPrint tries
    are the Linux sonames (`libpango-1.0.so.0`), which the loader opens by itself, as the search would have
    found them."""
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _import_weasyprint() -> None:
    """WeasyPrint imported without the library search on Linux; with it, as WeasyPrint does, where its
    libraries are not found by their sonames, on other systems, and where another thread runs (the search
    and stdout are the whole process's). Its optional libraries (HarfBuzz's subsetter, not used: see
    `load_weasyprint`) are looked for by their sonames only."""
    alone = threading.active_count() == 1
    if sys.platform.startswith("linux") and alone and "weasyprint" not in sys.modules:
        try:
            # WeasyPrint prints its installation help before it fails: not for this first try.
            with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
                importlib.import_module("weasyprint")
            return
        except OSError:
            for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[name]
    importlib.import_module("weasyprint")


def load_weasyprint(fontconfig_file: str) -> tuple[type, type, type]:
    """WeasyPrint's CSS, HTML and FontConfiguration, set to use only the fonts `fontconfig_file` names and
    one way of subsetting them.

    WeasyPrint subsets embedded fonts with HarfBuzz when the system has `libharfbuzz-subset` and with
    fontTools (pinned in requirements.lock) when it has not; the two give different bytes. fontTools is used
    on every machine, so a PDF does not depend on what the system has installed."""
    os.environ["FONTCONFIG_FILE"] = fontconfig_file  # read when fontconfig starts, at first use
    _import_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text.fonts import FontConfiguration

    pdf_fonts.harfbuzz_subset = None
    font_subsets.install(pdf_fonts.Font)
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, _QuietFontToolsNotice) for f in logger.filters):
        logger.addFilter(_QuietFontToolsNotice())
    return CSS, HTML, FontConfiguration


def stamp_date(source_date: dt.date) -> None:
    """The date the next PDF's embedded fonts are stamped with: fontTools stamps the font subsets it embeds
    with the time, unless SOURCE_DATE_EPOCH says otherwise."""
    epoch = dt.datetime.combine(source_date, dt.time(), tzinfo=dt.UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))


@contextmanager
def fonts_of_one_pdf(font_configuration: type) -> Iterator[Any]:
    """A WeasyPrint `FontConfiguration` for the PDF written in the block; its folder of fonts is removed
    when the block ends, however it ends (an error, a stop).

    WeasyPrint copies each font of the stylesheets' @font-face rules into a folder of its own in the
    system's temporary folder (`weasyprint-…`, 0.6 to 0.9 MB) and removes it only when the
    configuration is freed, which a process that ends with `os._exit` (the PDF workers, the forked
    children, `interrupts.leave`) does not do: every PDF left one such folder behind."""
    fonts = font_configuration()
    try:
        yield fonts
    finally:
        # Taken off the object, so that WeasyPrint's own clean-up finds nothing left to remove.
        folder = vars(fonts).pop("_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
