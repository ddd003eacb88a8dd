"""Executed bulletin notebook → self-contained HTML (nbconvert, own template) → PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import matplotlib
import nbformat
from jinja2 import Template
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from pipeline import iorw
from pipeline.version import code_version

TEMPLATES = Path(__file__).parent / "templates"
REMOVE_TAG = "remove-cell"  # analysts tag a cell with this to keep it out of the bulletin


def _exporter() -> HTMLExporter:
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = HTMLExporter(
        config=config, extra_template_basedirs=[str(TEMPLATES / "nbconvert")], template_name="bulletin"
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
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
    return (Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name).as_uri()


def print_css() -> str:
    """The paged-media stylesheet, with fonts from matplotlib's own copy of DejaVu (no system font needed)."""
    template = Template((TEMPLATES / "print.css").read_text(encoding="utf-8"))
    return template.render(
        regular=_font("DejaVuSans.ttf"),
        bold=_font("DejaVuSans-Bold.ttf"),
        italic=_font("DejaVuSans-Oblique.ttf"),
        bold_italic=_font("DejaVuSans-BoldOblique.ttf"),
        mono=_font("DejaVuSansMono.ttf"),
    )


def html_to_pdf(html_path: Path, pdf_path: Path, source_date: dt.date) -> None:
    """`source_date`: the date the PDF's embedded fonts are stamped with, taken from the inputs (the end
    of the bulletin's period), so that the same inputs give the same bytes on any day."""
    # Imported here: WeasyPrint loads Pango at import, which the other stages do not need.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # fontTools stamps the font subsets it embeds with the time, unless SOURCE_DATE_EPOCH says otherwise.
    epoch = dt.datetime.combine(source_date, dt.time(), tzinfo=dt.UTC).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    fonts = FontConfiguration()
    document = HTML(filename=str(html_path))
    with iorw.atomic_path(pdf_path) as temporary:
        document.write_pdf(temporary, stylesheets=[CSS(string=print_css(), font_config=fonts)], font_config=fonts)
