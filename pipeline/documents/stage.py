"""The documents stage: the bulletin and the formal report from their notebooks, the annex from the
indicators, then the manifest (SPEC 6, 8).

`03_bulletin.ipynb` shapes the bulletin (nbconvert → HTML → WeasyPrint PDF); `04_report.ipynb` shapes the
formal report, whose executed cells become blocks (`notebook_content`) written as Word (`report_docx`)
and, through HTML, as PDF. Both notebooks print the same blocks (`blocks`), so a figure or a sentence reads
the same in each; the annex is written from `indicators.csv` itself.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import replace
from pathlib import Path

from pipeline.common.layout import (
    ANNEX_XLSX,
    BULLETIN_HTML,
    BULLETIN_PDF,
    INDICATORS_FILE,
    MANIFEST_FILE,
    REPORT_DOCX,
    REPORT_PDF,
)
from pipeline.common.periods import Edition, Period, parse_edition
from pipeline.documents import annex, background, commentary, manifest, render
from pipeline.documents.bulletin import TITLE, subtitle
from pipeline.documents.content import Block, Figure
from pipeline.documents.font_subsets import FONT_CACHE_DIR
from pipeline.documents.report import REPORT_TITLE, subject
from pipeline.indicators.table import Indicators
from pipeline.intake import clean
from pipeline.intake.reference import Reference, load_reference
from pipeline.running.runner import run_notebook
from pipeline.running.stages import Folders, report_files

REPORT_ONLY_PARAMETERS = ("number", "date")  # given at publication; the bulletin's notebook has no such parameters


def write_documents(folders: Folders, parameters: dict[str, object], on_record: list[Period], engine: str) -> Path:
    edition = parse_edition(str(parameters["edition"]))
    report_dir = folders.reports / str(edition)
    reference = load_reference(folders.raw)
    draft = bool(parameters["draft"])
    # The commentary is checked first: a mistake in it is named with its file and line, before any work.
    found = commentary.load(folders.raw, edition, Indicators.read(report_dir / INDICATORS_FILE), reference, draft)
    for warning in found.warnings:
        print(f"  [CẢNH BÁO] {warning}", file=sys.stderr)

    # The bulletin is made in a child process while this one makes the report and the annex.
    bulletin = functools.partial(_write_bulletin, folders, parameters, engine, reference)
    with background.alongside(bulletin, "bản tin"):
        report_notebook = folders.executed(edition, "report")
        run_notebook(folders.notebook("report"), report_notebook, parameters, engine)
        _write_report(report_notebook, report_dir, reference, edition, draft)
        sources = clean.load_sources(folders.processed, on_record)
        indicators = Indicators.read(report_dir / INDICATORS_FILE)
        annex.write_annex(report_dir / ANNEX_XLSX, indicators, reference, edition, sources, edition.last.end_date())

    inputs = [(path.relative_to(folders.raw).as_posix(), path) for path in reference.files]
    inputs += [(label, folders.raw / label) for label in sorted(set(sources["file"]))]
    notes = commentary.path_of(folders.raw, edition)
    if notes.is_file():
        inputs.append((notes.relative_to(folders.raw).as_posix(), notes))
    outputs = [(path.relative_to(report_dir).as_posix(), path) for path in report_files(report_dir)]
    outputs = [entry for entry in outputs if entry[0] != MANIFEST_FILE]
    manifest.write_manifest(
        report_dir / MANIFEST_FILE,
        parameters={**parameters, "periods_on_record": [str(p) for p in on_record], "engine": engine},
        inputs=inputs,
        outputs=outputs,
    )
    return report_dir


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


def _write_bulletin(folders: Folders, parameters: dict[str, object], engine: str, reference: Reference) -> None:
    edition, draft = parse_edition(str(parameters["edition"])), bool(parameters["draft"])
    report_dir, executed = folders.reports / str(edition), folders.executed(edition, "bulletin")
    shown = {name: value for name, value in parameters.items() if name not in REPORT_ONLY_PARAMETERS}
    run_notebook(folders.notebook("bulletin"), executed, shown, engine)
    edition_line = subtitle(reference.province, edition)
    render.notebook_to_html(
        executed,
        report_dir / BULLETIN_HTML,
        title=f"{TITLE} — {edition_line}" + (" (BẢN NHÁP)" if draft else ""),
        running_title=f"Bản tin công tác phát triển đảng viên — {edition_line}",
        draft=draft,
    )
    # Stamped with the inputs' date (the end of the edition), not today's.
    when, fonts = edition.last.end_date(), report_dir / FONT_CACHE_DIR
    render.html_to_pdf(report_dir / BULLETIN_HTML, report_dir / BULLETIN_PDF, source_date=when, font_cache=fonts)


def _write_report(executed: Path, report_dir: Path, reference: Reference, edition: Edition, draft: bool) -> None:
    from pipeline.documents import report_docx
    from pipeline.documents.notebook_content import blocks_of

    blocks = numbered_figures(blocks_of(executed))
    title = f"{REPORT_TITLE} {subject(edition)} — Tỉnh {reference.province}" + (" (BẢN NHÁP)" if draft else "")
    when = edition.last.end_date()
    report_docx.write_docx(
        blocks, report_dir / REPORT_DOCX, title=title, author=reference.report.issuing_body, when=when
    )
    render.blocks_to_pdf(
        blocks,
        report_dir / REPORT_PDF,
        title=title,
        draft=draft,
        source_date=when,
        font_cache=report_dir / FONT_CACHE_DIR,
    )
