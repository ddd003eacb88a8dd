"""The documents stage: the bulletin and the formal report from their notebooks, the annex from the
indicators, then the manifest (SPEC 6, 8).

`03_bulletin.ipynb` shapes the bulletin (nbconvert → HTML, `render.bulletin_html`; → PDF, `render.pdf`);
`04_report.ipynb` shapes the formal report, whose executed cells become blocks (`content.notebook`) written as
Word (`render.report_docx`) and, through HTML, as PDF. Both notebooks print the same blocks (`compose`), so a figure or a
sentence reads the same in each; the annex is written from `indicators.csv` itself. The two PDFs are laid
out by workers started before they are wanted (`pdf.workers`), side by side; the bulletin's worker also
converts its notebook to HTML, with nbconvert loaded while the notebooks ran.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.common import iorw
from pipeline.common.layout import (
    ANNEX_XLSX,
    BULLETIN_HTML,
    BULLETIN_PDF,
    CHART_CACHE_DIR,
    FONT_CACHE_DIR,
    INDICATORS_FILE,
    MANIFEST_FILE,
    NOTEBOOKS,
    REPORT_DOCX,
    REPORT_PAGE,
    REPORT_PDF,
    TEMPLATE_CACHE_DIR,
    Folders,
    content_cache,
)
from pipeline.common.periods import Edition, Period, parse_edition
from pipeline.documents.compose import commentary
from pipeline.documents.compose.bulletin_parts import TITLE
from pipeline.documents.compose.charting import picture
from pipeline.documents.compose.edition import subtitle
from pipeline.documents.compose.report_parts import REPORT_TITLE, subject
from pipeline.documents.content.model import Block, Figure
from pipeline.documents.content.notebook import blocks_of
from pipeline.documents.render import manifest, pdf
from pipeline.documents.render.report_page import report_page
from pipeline.execution import parallel
from pipeline.execution.stages import Stage, annex_stage, report_files
from pipeline.indicators.table import Indicators
from pipeline.intake import clean
from pipeline.intake.reference import Reference, load_reference

REPORT_ONLY_PARAMETERS = ("number", "date")  # given at publication; the bulletin's notebook has no such parameters


def write_documents(
    folders: Folders,
    parameters: dict[str, object],
    on_record: list[Period],
    engine: str,
    pdfs: parallel.Pdfs | None = None,
    bulletin_first: bool = False,
) -> Path:
    """`pdfs`: PDF workers started earlier (`pdf.workers`), ready when the PDFs are wanted; without
    them, workers are started here. `bulletin_first`: the bulletin's HTML before anything else (the same
    files, in another order)."""
    if pdfs is None:
        with pdf.workers() as started:
            return write_documents(folders, parameters, on_record, engine, started, bulletin_first)
    edition = parse_edition(str(parameters["edition"]))
    edition_dir = folders.reports / str(edition)
    # The annex's key before its inputs are read: a file saved meanwhile makes it written again next time.
    annex_part = annex_stage(folders, edition, on_record)
    reference = load_reference(folders.raw)
    draft = bool(parameters["draft"])
    indicators = Indicators.read(edition_dir / INDICATORS_FILE)
    # The commentary is checked first: a mistake in it is named with its file and line, before any work.
    found = commentary.load(folders.raw, edition, indicators, reference, draft)
    for warning in found.warnings:
        print(f"  [CẢNH BÁO] {warning}", file=sys.stderr)

    # The bulletin's notebook is run in a child process while this one makes the report and the annex; the
    # bulletin's HTML and both PDFs are made by the PDF workers, each as soon as its notebook has run. The
    # child is forked before Papermill is loaded: each process loads what it runs (nbconvert, the worker
    # that converts the bulletin), the child on the core that the PDF workers leave idle until then.
    # With `bulletin_first` (`make preview`'s warm process), the bulletin's notebook and HTML are made here first.
    bulletin = functools.partial(
        _write_bulletin, folders, parameters, engine, reference, pdfs.reserve(), html_here=bulletin_first
    )
    page = edition_dir / REPORT_PAGE
    try:
        if bulletin_first:
            bulletin()
        with parallel.alongside(bulletin, "bản tin") if not bulletin_first else contextlib.nullcontext():
            from pipeline.execution.runner import run_notebook  # Papermill, after the fork (as in the child)

            report_notebook = folders.executed(edition, "report")
            run_notebook(folders.notebook("report"), report_notebook, parameters, engine)
            blocks = numbered_figures(blocks_of(report_notebook))
            pdfs.submit(_report_pdf(blocks, edition_dir, page, reference, edition, draft))
            _write_report_docx(blocks, edition_dir, reference, edition, draft)
            sources = clean.load_sources(folders.processed, on_record)
            _write_annex(annex_part, edition_dir, indicators, reference, edition, sources)
        pdfs.finish()
    finally:
        page.unlink(missing_ok=True)
    picture.keep_recent(content_cache(edition_dir, CHART_CACHE_DIR))

    _write_manifest(folders, edition, parameters, on_record, engine, reference, sources)
    return edition_dir


def _write_manifest(
    folders: Folders,
    edition: Edition,
    parameters: dict[str, object],
    on_record: list[Period],
    engine: str,
    reference: Reference,
    sources: pd.DataFrame,
) -> None:
    """The edition's manifest: its inputs (the reference files, the returns read, the commentary), its
    notebooks and its other files."""
    edition_dir = folders.reports / str(edition)
    inputs = [(path.relative_to(folders.raw).as_posix(), path) for path in reference.files]
    inputs += [(label, folders.raw / label) for label in sorted(set(sources["file"]))]
    notes = commentary.path_of(folders.raw, edition)
    if notes.is_file():
        inputs.append((notes.relative_to(folders.raw).as_posix(), notes))
    outputs = [(path.relative_to(edition_dir).as_posix(), path) for path in report_files(edition_dir)]
    outputs = [entry for entry in outputs if entry[0] != MANIFEST_FILE]
    manifest.write_manifest(
        edition_dir / MANIFEST_FILE,
        parameters={**parameters, "periods_on_record": [str(p) for p in on_record], "engine": engine},
        inputs=inputs,
        notebooks=[(folders.notebook(stage).name, folders.notebook(stage)) for stage in NOTEBOOKS],
        outputs=outputs,
    )


def numbered_figures(blocks: list[Block]) -> list[Block]:
    """Charts get their numbers in order, in their captions: `Biểu đồ 1. …`, in Word and PDF alike."""
    numbered, count = [], 0
    for block in blocks:
        if isinstance(block, Figure):
            count += 1
            caption = f"Biểu đồ {count}. {block.caption}".rstrip(". ") + "."
            block = replace(block, caption=caption)
        numbered.append(block)
    return numbered


def _write_bulletin(
    folders: Folders,
    parameters: dict[str, object],
    engine: str,
    reference: Reference,
    lay_out: parallel.LayOut,
    html_here: bool = False,
) -> None:
    """The bulletin's notebook; then its HTML and PDF, by `lay_out` (the PDF worker that has nbconvert
    loaded, `pdf.AHEAD`). `html_here`: the HTML written by this process (as `pdf.bulletin_from_notebook`
    writes it), the PDF alone by `lay_out`."""
    from pipeline.execution.runner import run_notebook  # Papermill, after the fork (as in the main process)

    edition, draft = parse_edition(str(parameters["edition"])), bool(parameters["draft"])
    edition_dir, executed = folders.reports / str(edition), folders.executed(edition, "bulletin")
    shown = {name: value for name, value in parameters.items() if name not in REPORT_ONLY_PARAMETERS}
    run_notebook(folders.notebook("bulletin"), executed, shown, engine)
    edition_line = subtitle(reference.province, edition)
    page = {
        "title": f"{TITLE} — {edition_line}" + (" (BẢN NHÁP)" if draft else ""),
        "running_title": f"Bản tin công tác phát triển đảng viên — {edition_line}",
        "draft": draft,
    }
    # Stamped with the inputs' date (the end of the edition), not today's.
    source_date, font_cache = edition.last.end_date(), content_cache(edition_dir, FONT_CACHE_DIR)
    if html_here:
        from pipeline.documents.render import bulletin_html as render

        html = edition_dir / BULLETIN_HTML
        render.notebook_to_html(executed, html, compiled=edition_dir / TEMPLATE_CACHE_DIR, **page)  # type: ignore[arg-type]
        lay_out(
            functools.partial(
                pdf.html_to_pdf, html, edition_dir / BULLETIN_PDF, source_date=source_date, font_cache=font_cache
            )
        )
        return
    lay_out(
        functools.partial(
            pdf.bulletin_from_notebook,
            executed,
            edition_dir / BULLETIN_HTML,
            edition_dir / BULLETIN_PDF,
            page=page,
            source_date=source_date,
            font_cache=font_cache,
        )
    )


def _write_annex(
    stage: Stage,
    edition_dir: Path,
    indicators: Indicators,
    reference: Reference,
    edition: Edition,
    sources: pd.DataFrame,
) -> None:
    """`tables.xlsx`, unless its inputs and the code are those it was last written from (`annex_stage`)."""
    if stage.is_fresh():
        return
    from pipeline.documents.render import annex  # xlsxwriter: this process's alone, after the fork

    when = edition.last.end_date()
    stage.run(lambda: annex.write_annex(edition_dir / ANNEX_XLSX, indicators, reference, edition, sources, when))


def _report_title(reference: Reference, edition: Edition, draft: bool) -> str:
    return f"{REPORT_TITLE} {subject(edition)} — Tỉnh {reference.province}" + (" (BẢN NHÁP)" if draft else "")


def _report_pdf(
    blocks: list[Block], edition_dir: Path, page: Path, reference: Reference, edition: Edition, draft: bool
) -> Callable[[], None]:
    """The formal report's page, written to `page`, and the work of laying it out as its PDF."""
    title = _report_title(reference, edition, draft)
    iorw.write_text(page, report_page(blocks, title=title, draft=draft))
    return functools.partial(
        pdf.html_to_pdf,
        page,
        edition_dir / REPORT_PDF,
        # Stamped with the inputs' date (the end of the edition), not today's.
        source_date=edition.last.end_date(),
        style="report",
        font_cache=content_cache(edition_dir, FONT_CACHE_DIR),
    )


def _write_report_docx(
    blocks: list[Block], edition_dir: Path, reference: Reference, edition: Edition, draft: bool
) -> None:
    from pipeline.documents.render import report_docx

    title = _report_title(reference, edition, draft)
    report_docx.write_docx(
        blocks,
        edition_dir / REPORT_DOCX,
        title=title,
        author=reference.report.issuing_body,
        when=edition.last.end_date(),
    )
