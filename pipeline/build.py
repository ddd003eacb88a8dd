"""Building an edition: the cleaning of every half-year on record up to it, the indicators, the documents,
each run only when it is not up to date (see `execution.stages`), with the gate of SPEC 4 (errors block
unless DRAFT) between the data and the documents. `cli` parses the command line and calls this module;
`publishing` and `preview` call it to build an edition too. Heavy libraries are imported only once a stage
has to run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.common.errors import StageFailed
from pipeline.common.layout import EDITION_OUTPUTS, EDITION_STAMPS, LOCK_FILE, Folders, returns_dir
from pipeline.common.periods import Edition, Period, periods_on_record
from pipeline.execution import stages

STAGE_VI = {
    "clean": "Làm sạch báo cáo",
    "indicators": "Tính chỉ tiêu",
    "documents": "Lập bản tin, báo cáo và phụ lục số liệu",
}


def gate(raw_dir: Path, processed_dir: Path, edition: Edition, on_record: list[Period], draft: bool) -> None:
    """Stop when a half-year the indicators are computed from has errors or no returns at all, unless it
    is a draft (SPEC 4); else say what the bulletin will carry."""
    from pipeline.indicators.compute import window_span
    from pipeline.intake import clean, validation
    from pipeline.intake.problems import ERROR, WARNING
    from pipeline.intake.reference import load_reference

    span = window_span(edition, load_reference(raw_dir))
    used = sorted({p for p in [*span, *edition.previous_year().periods()] if p in on_record})
    absent = [p for p in span if p not in on_record]
    problems = clean.load_problems(processed_dir, used)
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity == WARNING]
    if (errors or absent) and not draft:
        for missing in absent:
            print(
                f"  [LỖI] Chưa có báo cáo kỳ {missing}: không thấy thư mục {returns_dir(raw_dir, missing)}",
                file=sys.stderr,
            )
        if errors:
            print(f"Có {len(errors)} lỗi trong báo cáo của các kỳ {', '.join(map(str, used))}:", file=sys.stderr)
            print(validation.table(errors), file=sys.stderr)
        raise StageFailed(
            "Không lập bản tin khi số liệu còn lỗi hoặc còn thiếu. Sửa các báo cáo trên (tệp gốc trong thư mục "
            "returns/) rồi chạy lại, hoặc chạy với DRAFT=1 để lập bản nháp."
        )
    if errors or absent:
        print(f"BẢN NHÁP: {len(errors)} lỗi; đơn vị, kỳ có lỗi hoặc thiếu báo cáo không được tính.", file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} cảnh báo (ghi trong phần «Ghi chú về số liệu» của bản tin).", file=sys.stderr)


def _remove_report(report_dir: Path) -> None:
    """A refused report leaves no bulletin behind: an older one, or a draft, must not pass for it."""
    for name in EDITION_OUTPUTS:
        (report_dir / name).unlink(missing_ok=True)
    for stamp in EDITION_STAMPS:
        (report_dir / stamp).unlink(missing_ok=True)


def _parameters(folders: Folders, period: Period) -> dict[str, object]:
    """The cleaning notebook's parameters: a half-year."""
    return {"period": str(period), "raw_dir": str(folders.raw), "processed_dir": str(folders.processed)}


def edition_parameters(folders: Folders, edition: Edition) -> dict[str, object]:
    """The parameters of the notebooks of an edition (indicators, bulletin, report)."""
    return {
        "edition": str(edition),
        "raw_dir": str(folders.raw),
        "processed_dir": str(folders.processed),
        "reports_dir": str(folders.reports),
    }


def ensure_cleaned(folders: Folders, periods: list[Period], engine: str, summarized: Period | None = None) -> None:
    """Clean each half-year, in order, unless it is up to date (the start-of-period checks of one read
    the figures of the one before). Each half-year cleaned says its count of problems, but `summarized`,
    whose caller says it."""
    for period in periods:
        # Quietly: two reports that share a half-year (2016H2 and the year 2016) wait here in turn.
        with stages.one_run_at_a_time(folders.processed / str(period) / LOCK_FILE, f"kỳ {period}", quiet=True):
            stage = stages.clean_stage(folders, period, engine)
            if stage.is_fresh():
                continue
            from pipeline.execution.runner import run_notebook
            from pipeline.intake import clean, validation

            print(f"{STAGE_VI['clean']} kỳ {period}…", file=sys.stderr)
            notebook, executed = folders.notebook("clean"), folders.executed(period, "clean")
            stage.run(lambda: run_notebook(notebook, executed, _parameters(folders, period), engine))  # noqa: B023
            if period != summarized:
                print(validation.summary(period, clean.load_problems(folders.processed, [period])), file=sys.stderr)


def report(folders: Folders, edition: Edition, draft: bool, engine: str, bulletin_first: bool = False) -> None:
    """The cleaned half-years, the indicators and the bulletin of `edition`, each as needed. `bulletin_first`
    (`make preview`): the bulletin's HTML is written before the other documents."""
    on_record = periods_on_record(folders.raw, until=edition.last)
    for half in edition.periods():
        if half not in on_record:
            raise StageFailed(f"Lỗi: chưa có thư mục báo cáo {returns_dir(folders.raw, half)}.")
    ensure_cleaned(folders, on_record, engine)
    report_dir = folders.reports / str(edition)
    with stages.one_run_at_a_time(report_dir / LOCK_FILE, f"kỳ {edition}"):
        inputs = stages.report_inputs(folders, edition, on_record, draft, engine)
        indicators = stages.indicators_stage(folders, edition, inputs)
        indicators_fresh = indicators.is_fresh()
        if indicators_fresh and stages.documents_stage(folders, edition, inputs).is_fresh():
            return
        try:
            gate(folders.raw, folders.processed, edition, on_record, draft)
        except StageFailed:
            _remove_report(report_dir)
            raise
        # The PDFs' workers load WeasyPrint while the notebooks run (`execution.parallel`); a refused
        # build never starts them.
        from pipeline.documents.render import pdf

        with pdf.workers() as pdfs:
            parameters = edition_parameters(folders, edition)
            if not indicators_fresh:
                from pipeline.execution.runner import run_notebook  # else loaded after the documents' fork

                print(f"{STAGE_VI['indicators']} kỳ {edition}…", file=sys.stderr)
                notebook, executed = folders.notebook("indicators"), folders.executed(edition, "indicators")
                indicators.run(lambda: run_notebook(notebook, executed, parameters, engine))
            documents_stage = stages.documents_stage(folders, edition, inputs)  # its key holds the new indicators
            if not documents_stage.is_fresh():
                from pipeline.documents.stage import write_documents

                print(f"{STAGE_VI['documents']} kỳ {edition}…", file=sys.stderr)
                documents = parameters | {"draft": draft}
                documents_stage.run(
                    lambda: write_documents(folders, documents, on_record, engine, pdfs, bulletin_first)
                )


def validate(folders: Folders, period: Period, engine: str) -> int:
    """Clean the half-year (and those before it, as needed) and report every problem found."""
    from pipeline.intake import clean, validation
    from pipeline.intake.problems import has_errors

    ensure_cleaned(folders, periods_on_record(folders.raw, until=period), engine, summarized=period)
    problems = clean.load_problems(folders.processed, [period])
    print(validation.summary(period, problems), file=sys.stderr)
    if problems:
        print(validation.table(problems), file=sys.stderr)
    written = validation.write_reports(folders.reports / str(period), period, problems, folders.raw)
    print("Báo cáo kiểm tra: " + ", ".join(map(str, written)), file=sys.stderr)
    return 1 if has_errors(problems) else 0
