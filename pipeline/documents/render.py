"""Executed bulletin notebook → self-contained HTML (nbconvert, own template) → PDF (WeasyPrint)."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import tempfile
from html import escape
from pathlib import Path

import nbformat
from jinja2 import Template
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets.config import Config

from pipeline.common import iorw
from pipeline.common.version import code_version
from pipeline.documents import font_subsets

TEMPLATES = Path(__file__).parent / "templates"
# The fonts the PDFs embed (tools/make_fonts.py): DejaVu Sans for the bulletin and the charts' SVG text, Liberation
# Serif (Times New Roman's metrics) for the formal report; every Vietnamese glyph in each.
PRODUCT_FONTS = Path(__file__).parent / "fonts"
REMOVE_TAG = "remove-cell"  # analysts tag a cell with this to keep it out of the bulletin
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
# The text alternative of a picture an analyst's cell shows without one (nbconvert's own is English).
FALLBACK_ALT = "Hình do người biên tập bổ sung vào bản tin; chưa có mô tả bằng lời."


class FallbackAltText(Preprocessor):
    """Every picture gets a Vietnamese text alternative: its own (`alt` in the output's or the cell's
    metadata), else FALLBACK_ALT."""

    def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
        for output in cell.get("outputs", []):
            for mime in IMAGE_TYPES:
                if mime in output.get("data", {}):
                    metadata = output.setdefault("metadata", {}).setdefault(mime, {})
                    metadata.setdefault("alt", cell.get("metadata", {}).get("alt") or FALLBACK_ALT)
        return cell, resources


class _BulletinExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last pass, which parses the page again (BeautifulSoup) to give
    pictures an English alt text and JupyterLab's cells a focus order: the bulletin has no JupyterLab cells,
    FallbackAltText gives every picture a Vietnamese alt text, and that pass was most of the conversion's
    time. The filters are those `HTMLExporter.from_notebook_node` registers."""

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("filter_data_type", data_types)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def _exporter() -> HTMLExporter:
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = _BulletinExporter(
        config=config, extra_template_basedirs=[str(TEMPLATES / "nbconvert")], template_name="bulletin"
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
    exporter.register_preprocessor(FallbackAltText(), enabled=True)
    exporter.register_filter("base64_text", lambda text: base64.b64encode(str(text).encode("utf-8")).decode("ascii"))
    return exporter


def notebook_to_html(notebook: Path, html_path: Path, *, title: str, running_title: str, draft: bool) -> None:
    nb = nbformat.read(notebook, as_version=4)
    # Papermill gives the cell it injects a random id; numbered ids keep reruns byte-identical.
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    resources = {
        "bulletin": {
            "title": title,
            "running_title": running_title,
            "draft": draft,
            "css": (TEMPLATES / "bulletin.css").read_text(encoding="utf-8"),
            "generator": f"dangvien-bulletin {code_version()}",
        }
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    iorw.write_text(html_path, body)


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


def load_weasyprint() -> tuple[type, type, type]:
    """WeasyPrint, set to use only the product's fonts and one way of subsetting them.

    WeasyPrint subsets embedded fonts with HarfBuzz when the system has `libharfbuzz-subset` and with
    fontTools (pinned in requirements.lock) when it has not; the two give different bytes. fontTools is used
    on every machine, so a PDF does not depend on what the system has installed."""
    os.environ["FONTCONFIG_FILE"] = _private_fontconfig()  # read when fontconfig starts, at first use
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
    stylesheet: str | None = None,
    font_cache: Path | None = None,
) -> None:
    """`source_date`: the date the PDF's embedded fonts are stamped with, taken from the inputs (the end
    of the bulletin's period), so that the same inputs give the same bytes on any day. The PDF is tagged
    (PDF/UA structure: headings, paragraphs, tables, figures with their text alternatives). `font_cache`:
    where the fonts cut to the PDF's glyphs are kept for the next run (`font_subsets`)."""
    # Imported here: WeasyPrint loads Pango at import, which the other stages do not need.
    css, html, font_configuration = load_weasyprint()

    # fontTools stamps the font subsets it embeds with the time, unless SOURCE_DATE_EPOCH says otherwise.
    epoch = dt.datetime.combine(source_date, dt.time(), tzinfo=dt.UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    fonts = font_configuration()
    document = html(filename=str(html_path))
    sheet = css(string=stylesheet if stylesheet is not None else print_css(), font_config=fonts)
    with iorw.atomic_path(pdf_path) as temporary, font_subsets.kept_in(font_cache):
        document.write_pdf(temporary, stylesheets=[sheet], font_config=fonts, pdf_tags=True)


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


def blocks_to_pdf(
    blocks: list, pdf_path: Path, *, title: str, draft: bool, source_date: dt.date, font_cache: Path | None = None
) -> None:
    """The formal report as PDF: its blocks as one HTML page, laid out by report.css."""
    body = "\n".join(block.html() for block in blocks)
    mark = '<p class="draft-mark">BẢN NHÁP</p>' if draft else ""
    page = (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f'<body class="report">{mark}<main>{body}</main></body></html>\n'
    )
    with tempfile.TemporaryDirectory() as folder:
        html_path = Path(folder) / "report.html"
        html_path.write_text(page, encoding="utf-8")
        html_to_pdf(html_path, pdf_path, source_date, stylesheet=report_css(), font_cache=font_cache)
