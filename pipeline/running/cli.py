"""The commands `make` runs: `python -m pipeline report --edition 2017 …` (an edition: report, publish, diff,
verify, commentary) or `python -m pipeline clean --period 2017H1 …` (a half-year: clean, validate, templates).

`report` runs the stages of a bulletin in this one process (see `stages`): the cleaning of every half-year
on record up to it, the indicators, the bulletin; each skipped when it is up to date. This module prepares
the parameters, applies the gate of SPEC 4 (errors block unless DRAFT) and prints the messages. Heavy
libraries are imported only once a stage has to run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.common.errors import Interrupted, StageFailed, UserError
from pipeline.common.layout import EDITION_OUTPUTS, returns_dir
from pipeline.common.periods import Edition, Period, parse, parse_edition, periods_on_record
from pipeline.documents import pdf_workers
from pipeline.running import stages
from pipeline.running.stages import Folders

T = TypeVar("T")

STAGE_VI = {
    "clean": "Làm sạch báo cáo",
    "indicators": "Tính chỉ tiêu",
    "bulletin": "Lập bản tin, báo cáo và phụ lục số liệu",
}
COMMANDS = ["report", "clean", "validate", "templates", "index", "commentary", "publish", "diff", "verify", "preview"]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--period", help="a half-year, 2017H1 (clean, validate, templates)")
    parser.add_argument(
        "--edition", help="2017H1, or 2017 for a whole year (report, publish, diff, verify, commentary)"
    )
    parser.add_argument("--raw-dir", default="data/raw", type=Path)
    parser.add_argument("--processed-dir", default="data/processed", type=Path)
    parser.add_argument("--reports-dir", default="reports", type=Path)
    parser.add_argument("--notebooks-dir", default=stages.ROOT / "notebooks", type=Path)
    parser.add_argument("--draft", default="0", help="1: render although returns are missing or invalid")
    parser.add_argument("--number", default="", help="publish: the report's number (12 → Số 12-BC/BTCTU)")
    parser.add_argument("--date", default="", help="publish: the report's date, 2017-07-15 (default: today)")
    parser.add_argument("--reason", default="", help="publish: why a later version replaces the last one")
    parser.add_argument("--from", dest="from_version", default="", help="diff: the published version (default: latest)")
    parser.add_argument("--version", default="", help="verify: the published version to rebuild")
    parser.add_argument("--host", default="127.0.0.1", help="preview: the address to serve the page on")
    parser.add_argument("--port", default="8800", help="preview: the port to serve the page on")
    parser.add_argument(
        "--engine", default="in-process", choices=["in-process", "kernel"], help="kernel: run the notebooks in Jupyter"
    )
    return parser.parse_args(argv)


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
    for stamp in stages.EDITION_STAMPS:
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


def ensure_cleaned(folders: Folders, periods: list[Period], engine: str) -> None:
    """Clean each half-year, in order, unless it is up to date (the start-of-period checks of one read
    the figures of the one before)."""
    for period in periods:
        # Quietly: two reports that share a half-year (2016H2 and the year 2016) wait here in turn.
        with stages.one_run_at_a_time(folders.processed / str(period) / ".lock", f"kỳ {period}", quiet=True):
            stage = stages.clean_stage(folders, period, engine)
            if stage.is_fresh():
                continue
            from pipeline.intake import clean, validation
            from pipeline.running.runner import run_notebook

            print(f"{STAGE_VI['clean']} kỳ {period}…", file=sys.stderr)
            notebook, executed = folders.notebook("clean"), folders.executed(period, "clean")
            stage.run(lambda: run_notebook(notebook, executed, _parameters(folders, period), engine))  # noqa: B023
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
    with stages.one_run_at_a_time(report_dir / ".lock", f"kỳ {edition}"):
        inputs = stages.report_inputs(folders, edition, on_record, draft, engine)
        indicators = stages.indicators_stage(folders, edition, inputs)
        indicators_fresh = indicators.is_fresh()
        if indicators_fresh and stages.bulletin_stage(folders, edition, inputs).is_fresh():
            return
        # The PDFs' workers load WeasyPrint while the checks and the notebooks run (documents/pdf_workers.py).
        with pdf_workers.ready() as pdfs:
            try:
                gate(folders.raw, folders.processed, edition, on_record, draft)
            except StageFailed:
                _remove_report(report_dir)
                raise
            parameters = edition_parameters(folders, edition)
            if not indicators_fresh:
                from pipeline.running.runner import run_notebook  # else loaded after the documents' fork

                print(f"{STAGE_VI['indicators']} kỳ {edition}…", file=sys.stderr)
                notebook, executed = folders.notebook("indicators"), folders.executed(edition, "indicators")
                indicators.run(lambda: run_notebook(notebook, executed, parameters, engine))
            bulletin = stages.bulletin_stage(folders, edition, inputs)  # its key holds the new indicators
            if not bulletin.is_fresh():
                from pipeline.documents.stage import write_documents

                print(f"{STAGE_VI['bulletin']} kỳ {edition}…", file=sys.stderr)
                documents = parameters | {"draft": draft}
                bulletin.run(lambda: write_documents(folders, documents, on_record, engine, pdfs, bulletin_first))


def validate(folders: Folders, period: Period, engine: str) -> int:
    """Clean the half-year (and those before it, as needed) and report every problem found."""
    from pipeline.intake import clean, validation
    from pipeline.intake.problems import has_errors

    ensure_cleaned(folders, periods_on_record(folders.raw, until=period), engine)
    problems = clean.load_problems(folders.processed, [period])
    print(validation.summary(period, problems), file=sys.stderr)
    if problems:
        print(validation.table(problems), file=sys.stderr)
    written = validation.write_reports(folders.reports / str(period), period, problems, folders.raw)
    print("Báo cáo kiểm tra: " + ", ".join(map(str, written)), file=sys.stderr)
    return 1 if has_errors(problems) else 0


def _published(args: argparse.Namespace, folders: Folders, edition: Edition) -> int:
    """`make publish`, `make diff` and `make verify VERSION=N` (SPEC 9)."""
    on_record = periods_on_record(folders.raw, until=edition.last)
    if args.command == "diff":
        from pipeline.publishing.changes import diff

        return diff(folders.reports, edition, args.from_version, folders.raw, folders.processed)
    if args.command == "verify":
        from pipeline.publishing.verify import verify_version

        return verify_version(folders, edition, args.version, args.engine)
    from pipeline.documents.index import write_index
    from pipeline.intake.reference import load_reference
    from pipeline.publishing.publish import Publication, publish

    publication = Publication.parse(args.number, args.date, args.reason)
    status = publish(folders, edition, on_record, publication, args.engine)
    write_index(folders.reports, load_reference(folders.raw).province)
    return status


# Commands on an edition (a half-year, `2017H1`, or a whole year, `2017`); the others take a half-year.
EDITION_COMMANDS = ("report", "commentary", "publish", "diff", "verify", "preview")


def _parsed(text: str, parser: Callable[[str], T]) -> T | None:
    """PERIOD read by `parser`, or None after saying what is wrong with it."""
    try:
        return parser(text)
    except (TypeError, ValueError) as error:
        print(f"Lỗi: PERIOD: {error}.", file=sys.stderr)
        return None


def _edition_command(args: argparse.Namespace, folders: Folders) -> int:
    edition = _parsed(args.edition, parse_edition)
    if edition is None:
        return 2
    if args.command == "report":
        report(folders, edition, args.draft.strip() not in ("", "0"), args.engine)
        return 0
    if args.command == "preview":
        return _preview(args, folders, edition)
    if args.command == "commentary":
        from pipeline.documents.commentary import write_starter

        return write_starter(folders.raw, folders.reports, edition)
    return _published(args, folders, edition)


def _preview(args: argparse.Namespace, folders: Folders, edition: Edition) -> int:
    """`make preview`: the edition's page, rebuilt as its inputs change (pipeline/preview/)."""
    from pipeline.preview.app import command

    return command(folders, edition, args.draft.strip() not in ("", "0"), args.engine, args.host, args.port)


def _half_year_command(args: argparse.Namespace, folders: Folders) -> int:
    period = _parsed(args.period, parse)
    if period is None:
        return 2
    if args.command == "templates":
        from pipeline.intake.blank_returns import write_templates
        from pipeline.intake.reference import load_reference

        folder = folders.reports / str(period) / "templates"
        written = write_templates(load_reference(folders.raw), period, folder)
        print(f"Đã tạo {len(written)} mẫu báo cáo trống trong {folder}", file=sys.stderr)
        return 0
    if not returns_dir(folders.raw, period).is_dir():
        raise StageFailed(f"Lỗi: chưa có thư mục báo cáo {returns_dir(folders.raw, period)}.")
    if args.command == "validate":
        return validate(folders, period, args.engine)
    ensure_cleaned(folders, periods_on_record(folders.raw, until=period), args.engine)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    folders = Folders(
        args.raw_dir.resolve(), args.processed_dir.resolve(), args.reports_dir.resolve(), args.notebooks_dir.resolve()
    )
    try:
        if args.command == "index":
            from pipeline.documents.index import write_index
            from pipeline.intake.reference import load_reference

            path = write_index(folders.reports, load_reference(folders.raw).province)
            print(f"Danh mục bản tin: {path}", file=sys.stderr)
            return 0
        if args.command in EDITION_COMMANDS:
            return _edition_command(args, folders)
        return _half_year_command(args, folders)
    except Interrupted as failure:
        print(str(failure), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("Đã dừng: lần chạy bị ngắt (Ctrl-C).", file=sys.stderr)
        return 130
    except StageFailed as failure:
        print(str(failure), file=sys.stderr)
        return 1
    except UserError as failure:
        print(f"Lỗi: {failure}", file=sys.stderr)
        return 1
