"""HTML → PDF with WeasyPrint, with the product's fonts only: the bulletin's and the formal report's pages.

Apart from the notebooks' HTML (`bulletin_html`), which only the work `bulletin_from_notebook` loads: a PDF worker
(`execution.parallel.ready`) loads this module and WeasyPrint first, and nbconvert after, for the bulletin's work.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from contextlib import AbstractContextManager
from html import escape
from pathlib import Path

from jinja2 import Template

from pipeline.common import iorw
from pipeline.common.layout import TEMPLATE_CACHE_DIR
from pipeline.execution import parallel

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


def fontconfig_folder(temporary: Path) -> Path:
    """The folder of the private fontconfig file and its cache in the system's temporary folder `temporary`:
    one per user, kept across runs (the only thing a build leaves there)."""
    return temporary / f"dangvien-fontconfig-{os.getuid()}"


def _private_fontconfig() -> str:
    """A fontconfig file that knows the product's fonts and nothing of the system's, so that no system font
    (a fallback, a generic `monospace`) reaches a PDF and the bytes are the same on every machine."""
    folder = fontconfig_folder(Path(tempfile.gettempdir()))
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


def load_weasyprint() -> tuple[type, type, type]:
    """WeasyPrint, set to use only the product's fonts (`execution.parallel.load_weasyprint`): the PDF
    workers' initializer."""
    return parallel.load_weasyprint(_private_fontconfig())


# What the PDF worker that is given the bulletin's work loads besides WeasyPrint while the notebooks run:
# nbconvert (`bulletin_from_notebook`), so that the notebook's process does not load it on the way to the PDF.
AHEAD = ("pipeline.documents.render.bulletin_html",)


def workers() -> AbstractContextManager[parallel.Pdfs]:
    """The PDF workers of an edition's documents (`execution.parallel.ready`): WeasyPrint loaded in each,
    and nbconvert in the one given the bulletin's work."""
    return parallel.ready(initializer=load_weasyprint, ahead=AHEAD)


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
    to the PDF's glyphs are kept for the next run (`execution.parallel.font_subsets`)."""
    # Imported here: WeasyPrint loads Pango at import, which the other stages do not need.
    css, html, font_configuration = load_weasyprint()

    parallel.stamp_date(source_date)
    document = html(filename=str(html_path))
    with (
        parallel.fonts_of_one_pdf(font_configuration) as fonts,
        iorw.atomic_path(pdf_path) as temporary,
        parallel.kept_subsets(font_cache),
    ):
        sheet = css(string=STYLESHEETS[style](), font_config=fonts)
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
    notebooks run (`AHEAD`); its templates are kept compiled beside the HTML."""
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


# By name: a PDF worker is sent the name, not the sheet (`execution.parallel` keeps a work small).
STYLESHEETS = {"bulletin": print_css, "report": report_css}
