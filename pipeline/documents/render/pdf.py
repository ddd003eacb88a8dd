"""HTML → PDF with WeasyPrint, with the product's fonts only: the bulletin's and the formal report's pages.

Apart from the notebooks' HTML (`bulletin_html`), which only the work `bulletin_from_notebook` loads: a PDF worker
(`pdf_workers`) loads this module and WeasyPrint first, and nbconvert after, for the bulletin's work.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import datetime as dt
import importlib
import io
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

from jinja2 import Template

from pipeline.common import iorw
from pipeline.common.layout import TEMPLATE_CACHE_DIR
from pipeline.documents import font_subsets

TEMPLATES = Path(__file__).parents[1] / "templates"
# The fonts the PDFs embed (tools/make_fonts.py): DejaVu Sans for the bulletin and the charts' SVG text, Liberation
# Serif (Times New Roman's metrics) for the formal report; every Vietnamese glyph in each.
PRODUCT_FONTS = Path(__file__).parents[1] / "fonts"


def _font(name: str) -> str:
    return (PRODUCT_FONTS / name).as_uri()


def print_css() -> str:
    """The paged-media stylesheet, with the product's fonts (DejaVu Sans, cut to Latin and Vietnamese by
    tools/make_fonts.py): no system font needed."""
    template = Template((TEMPLATES / "print.css").read_text(encoding="utf-8"))
    return template.render(
        regular=_font("DejaVuSans.ttf"),
        bold=_font("DejaVuSans-Bold.ttf"),
        italic=_font("DejaVuSans-Oblique.ttf"),
        bold_italic=_font("DejaVuSans-BoldOblique.ttf"),
        mono=_font("DejaVuSansMono.ttf"),
    )


def _private_fontconfig() -> str:
    """A fontconfig file that knows the product's fonts and nothing of the system's, so that no system font
    (a fallback, a generic `monospace`) reaches a PDF and the bytes are the same on every machine."""
    folder = Path(tempfile.gettempdir()) / f"dangvien-fontconfig-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    config = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{escape(str(PRODUCT_FONTS))}</dir>
  <cachedir>{escape(str(folder / "cache"))}</cachedir>
</fontconfig>
"""
    path = folder / "fonts.conf"
    if not path.is_file() or path.read_text(encoding="utf-8") != config:
        iorw.write_text(path, config)
    return str(path)


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


def load_weasyprint() -> tuple[type, type, type]:
    """WeasyPrint, set to use only the product's fonts and one way of subsetting them.

    WeasyPrint subsets embedded fonts with HarfBuzz when the system has `libharfbuzz-subset` and with
    fontTools (pinned in requirements.lock) when it has not; the two give different bytes. fontTools is used
    on every machine, so a PDF does not depend on what the system has installed."""
    os.environ["FONTCONFIG_FILE"] = _private_fontconfig()  # read when fontconfig starts, at first use
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


def html_to_pdf(
    html_path: Path,
    pdf_path: Path,
    source_date: dt.date,
    style: str = "bulletin",
    font_cache: Path | None = None,
) -> None:
    """`source_date`: the date the PDF's embedded fonts are stamped with, taken from the inputs (the end
    of the bulletin's period), so that the same inputs give the same bytes on any day. `style`: the
    bulletin's or the formal report's page and type (STYLESHEETS). The PDF is tagged (PDF/UA structure:
    headings, paragraphs, tables, figures with their text alternatives). `font_cache`: where the fonts cut
    to the PDF's glyphs are kept for the next run (`font_subsets`)."""
    # Imported here: WeasyPrint loads Pango at import, which the other stages do not need.
    css, html, font_configuration = load_weasyprint()

    # fontTools stamps the font subsets it embeds with the time, unless SOURCE_DATE_EPOCH says otherwise.
    epoch = dt.datetime.combine(source_date, dt.time(), tzinfo=dt.UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    fonts = font_configuration()
    document = html(filename=str(html_path))
    sheet = css(string=STYLESHEETS[style](), font_config=fonts)
    with iorw.atomic_path(pdf_path) as temporary, font_subsets.kept_in(font_cache):
        document.write_pdf(temporary, stylesheets=[sheet], font_config=fonts, pdf_tags=True)


def bulletin_from_notebook(
    executed: Path,
    html_path: Path,
    pdf_path: Path,
    *,
    page: dict[str, object],
    source_date: dt.date,
    font_cache: Path | None = None,
) -> None:
    """The bulletin's HTML from its executed notebook (`render.notebook_to_html`, with `page`: its title,
    running title, draft mark), then its PDF. The work of the PDF worker that loads nbconvert while the
    notebooks run (`pdf_workers.AHEAD`); its templates are kept compiled beside the HTML."""
    from pipeline.documents.render import bulletin_html as render

    compiled = html_path.parent / TEMPLATE_CACHE_DIR
    render.notebook_to_html(executed, html_path, compiled=compiled, **page)  # type: ignore[arg-type]
    html_to_pdf(html_path, pdf_path, source_date=source_date, font_cache=font_cache)


def report_css() -> str:
    """The formal report's page and type (report.css), with the product's serif."""
    template = Template((TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return template.render(
        **{
            style: (PRODUCT_FONTS / f"LiberationSerif-{name}.ttf").as_uri()
            for style, name in (
                ("regular", "Regular"),
                ("bold", "Bold"),
                ("italic", "Italic"),
                ("bold_italic", "BoldItalic"),
            )
        }
    )


# By name: a PDF worker is sent the name, not the sheet (`pdf_workers` keeps its work small).
STYLESHEETS = {"bulletin": print_css, "report": report_css}
