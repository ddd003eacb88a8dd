"""Executed bulletin notebook → self-contained HTML (nbconvert, own template). Its PDF: `pdf`; the formal
report's page: `report_page`, which needs no nbconvert.

Loaded by the PDF worker that converts the bulletin (`pdf.workers`, `pdf.bulletin_from_notebook`), while the
notebooks run: the report's processes do not pay for nbconvert's import."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

import nbformat
from jinja2 import FileSystemBytecodeCache
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets.config import Config

from pipeline.common import iorw
from pipeline.common.version import code, code_digest
from pipeline.documents.compose.charting.narrow import NARROW_MIME, inline_svg
from pipeline.documents.content.model import FALLBACK_ALT, OPTIONAL_TAG, REMOVE_TAG

TEMPLATES = Path(__file__).parents[1] / "templates"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


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
    time. The filters are those `HTMLExporter.from_notebook_node` registers. `compiled`: a folder where the
    templates are kept compiled (Jinja's bytecode cache, checked against each template's source), so that a
    rebuild of the edition does not compile them again."""

    compiled: Path | None = None

    def _create_environment(self):  # type: ignore[no-untyped-def]
        environment = super()._create_environment()
        if self.compiled is not None:
            self.compiled.mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = FileSystemBytecodeCache(str(self.compiled))
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("filter_data_type", data_types)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.cache
def _exporter(compiled: Path | None) -> HTMLExporter:
    """One exporter per process (and template folder): a process that converts again (`make preview`'s
    worker, and the PDF workers it forks) keeps its templates loaded."""
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = _BulletinExporter(
        config=config, extra_template_basedirs=[str(TEMPLATES / "nbconvert")], template_name="bulletin"
    )
    exporter.compiled = compiled
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
    exporter.register_preprocessor(FallbackAltText(), enabled=True)
    exporter.register_filter("inline_svg", inline_svg)
    exporter.register_filter("base64_text", lambda text: base64.b64encode(str(text).encode("utf-8")).decode("ascii"))
    return exporter


def notebook_to_html(
    notebook: Path, html_path: Path, *, title: str, running_title: str, draft: bool, compiled: Path | None = None
) -> None:
    """`compiled`: where the page's templates are kept compiled for the next run (None: not kept)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if c.get("outputs") or OPTIONAL_TAG not in c.get("metadata", {}).get("tags", [])]
    # Papermill gives the cell it injects a random id; numbered ids keep reruns byte-identical.
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    resources = {
        "bulletin": {
            "title": title,
            "running_title": running_title,
            "draft": draft,
            "css": (TEMPLATES / "bulletin.css").read_text(encoding="utf-8"),
            "generator": code().generator(code_digest()),
            "narrow_mime": NARROW_MIME,
        }
    }
    body, _ = _exporter(compiled).from_notebook_node(nb, resources=resources)
    iorw.write_text(html_path, body)
