"""The commands `make` runs: `python -m pipeline report --edition 2017 …` (an edition: report, publish, diff,
verify, commentary) or `python -m pipeline clean --period 2017H1 …` (a half-year: clean, validate, templates).

Arguments only: this module parses the command line, calls `build` (an edition's stages), `publishing` or
`preview`, and turns their failures into a message and an exit status. It runs no stage's code itself:
rewording one of its messages reruns nothing (`common.version.NOT_STAGE_CODE`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.build import ensure_cleaned, report, validate
from pipeline.common.errors import SAID, Interrupted, StageFailed, said
from pipeline.common.layout import ROOT, Folders, returns_dir
from pipeline.common.periods import Edition, parse, parse_edition, periods_on_record
from pipeline.execution import interrupts

T = TypeVar("T")

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
    parser.add_argument("--notebooks-dir", default=ROOT / "notebooks", type=Path)
    parser.add_argument("--draft", default="0", help="1: render although returns are missing or invalid")
    parser.add_argument("--number", default="", help="publish: the report's number (12 → Số 12-BC/BTCTU)")
    parser.add_argument("--date", default="", help="publish: the report's date, 2017-07-15 (default: today)")
    parser.add_argument("--reason", default="", help="publish: why a later version replaces the last one")
    parser.add_argument("--from", dest="from_version", default="", help="diff: the published version (default: latest)")
    parser.add_argument(
        "--version", default="", help="verify: the published version to rebuild (default: the edition's outputs)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="preview: the address to serve the page on")
    parser.add_argument("--port", default="8800", help="preview: the port to serve the page on")
    parser.add_argument(
        "--engine", default="in-process", choices=["in-process", "kernel"], help="kernel: run the notebooks in Jupyter"
    )
    return parser.parse_args(argv)


def _published(args: argparse.Namespace, folders: Folders, edition: Edition) -> int:
    """`make publish`, `make diff` and `make verify [VERSION=N]` (SPEC 9)."""
    on_record = periods_on_record(folders.raw, until=edition.last)
    if args.command == "diff":
        from pipeline.publishing.changes import diff

        return diff(folders.reports, edition, args.from_version, folders.raw, folders.processed)
    if args.command == "verify":
        from pipeline.publishing.verify import verify

        return verify(folders, edition, args.version, _draft(args), args.engine)
    from pipeline.intake.reference import load_reference
    from pipeline.publishing.index import write_index
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
        report(folders, edition, _draft(args), args.engine)
        return 0
    if args.command == "preview":
        return _preview(args, folders, edition)
    if args.command == "commentary":
        from pipeline.documents.compose.commentary import write_starter

        return write_starter(folders.raw, folders.reports, edition)
    return _published(args, folders, edition)


def _draft(args: argparse.Namespace) -> bool:
    """`DRAFT=1` (any value but empty or 0): render even though returns are missing or have errors."""
    return args.draft.strip() not in ("", "0")


def _preview(args: argparse.Namespace, folders: Folders, edition: Edition) -> int:
    """`make preview`: the edition's page, rebuilt as its inputs change (pipeline/preview/)."""
    from pipeline.preview.app import command

    return command(folders, edition, _draft(args), args.engine, args.host, args.port)


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
            from pipeline.intake.reference import load_reference
            from pipeline.publishing.index import write_index

            path = write_index(folders.reports, load_reference(folders.raw).province)
            print(f"Danh mục bản tin: {path}", file=sys.stderr)
            return 0
        if args.command in EDITION_COMMANDS:
            return _edition_command(args, folders)
        return _half_year_command(args, folders)
    except SAID as failure:
        # After Ctrl-C, what failed (a child stopped mid-way, say) is the stop itself.
        message, status = said(
            failure if isinstance(failure, Interrupted) or not interrupts.received() else KeyboardInterrupt()
        )
        print(message, file=sys.stderr)
        return status
