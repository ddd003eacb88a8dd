"""The bulletin stage: run the bulletin notebook, then HTML, PDF and the manifest (SPEC 6)."""

from __future__ import annotations

from pathlib import Path

from pipeline import clean, manifest, render
from pipeline.bulletin import TITLE, subtitle
from pipeline.periods import Period, parse_edition
from pipeline.reference import load_reference
from pipeline.runner import run_notebook
from pipeline.stages import report_files

HTML_FILE, PDF_FILE, MANIFEST_FILE = "bulletin.html", "bulletin.pdf", "manifest.json"


def publish(
    notebook: Path, executed_dir: Path, parameters: dict[str, object], on_record: list[Period], engine: str
) -> Path:
    period = parse_edition(str(parameters["period"]))
    raw_dir, processed_dir = Path(str(parameters["raw_dir"])), Path(str(parameters["processed_dir"]))
    report_dir = Path(str(parameters["reports_dir"])) / str(period)
    executed = executed_dir / notebook.name
    run_notebook(notebook, executed, parameters, engine)

    reference = load_reference(raw_dir)
    edition_line = subtitle(reference.province, period)
    draft = bool(parameters["draft"])
    html_path, pdf_path = report_dir / HTML_FILE, report_dir / PDF_FILE
    render.notebook_to_html(
        executed,
        html_path,
        title=f"{TITLE} — {edition_line}" + (" (BẢN NHÁP)" if draft else ""),
        running_title=f"Bản tin công tác phát triển đảng viên — {edition_line}",
        draft=draft,
    )
    render.html_to_pdf(html_path, pdf_path, source_date=period.last.end_date())

    sources = clean.load_sources(processed_dir, on_record)
    inputs = [(path.relative_to(raw_dir).as_posix(), path) for path in reference.files]
    inputs += [(label, raw_dir / label) for label in sorted(set(sources["file"]))]
    outputs = [(path.relative_to(report_dir).as_posix(), path) for path in report_files(report_dir)]
    outputs = [entry for entry in outputs if entry[0] != MANIFEST_FILE]
    manifest.write_manifest(
        report_dir / MANIFEST_FILE,
        parameters={**parameters, "periods_on_record": [str(p) for p in on_record], "engine": engine},
        inputs=inputs,
        outputs=outputs,
    )
    return report_dir
