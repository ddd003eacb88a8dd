"""The stages that `make` runs: `python -m pipeline clean|indicators|bulletin|validate --period 2017H1 …`.

Each stage runs its notebook with Papermill (the executed copy is kept with the report); this module
only prepares parameters, applies the gate of SPEC 4 (errors block unless DRAFT) and prints messages.
"""

from __future__ import annotations

import argparse
import fcntl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import clean, validation
from pipeline.errors import UserError
from pipeline.indicators import window_span
from pipeline.layout import returns_dir
from pipeline.periods import Edition, Period, parse, parse_edition, periods_on_record
from pipeline.problems import ERROR, WARNING
from pipeline.reference import load_reference
from pipeline.runner import StageFailed, run_notebook

STAGE_VI = {
    "clean": "Làm sạch báo cáo",
    "validate": "Kiểm tra báo cáo",
    "indicators": "Tính chỉ tiêu",
    "bulletin": "Lập bản tin",
    "templates": "Tạo mẫu báo cáo trống",
}
NOTEBOOKS = {"clean": "01_clean.ipynb", "indicators": "02_indicators.ipynb", "bulletin": "03_bulletin.ipynb"}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    parser.add_argument("stage", choices=["clean", "indicators", "bulletin", "validate", "templates", "index"])
    parser.add_argument("--period", help="2017H1, or 2017 for the indicators and bulletin of a whole year")
    parser.add_argument("--raw-dir", default="data/raw", type=Path)
    parser.add_argument("--processed-dir", default="data/processed", type=Path)
    parser.add_argument("--reports-dir", default="reports", type=Path)
    parser.add_argument("--notebooks-dir", default=Path(__file__).resolve().parent.parent / "notebooks", type=Path)
    parser.add_argument("--draft", default="0", help="1: render although returns are missing or invalid")
    return parser.parse_args(argv)


def gate(
    raw_dir: Path, processed_dir: Path, edition: Edition, on_record: list[Period], draft: bool, *, announce: bool
) -> None:
    """Stop when a half-year the indicators are computed from has errors or no returns at all, unless it
    is a draft (SPEC 4). `announce`: print the outcome (once per report, not once per stage)."""
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
    if not announce:
        return
    if errors or absent:
        print(f"BẢN NHÁP: {len(errors)} lỗi; đơn vị, kỳ có lỗi hoặc thiếu báo cáo không được tính.", file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} cảnh báo (ghi trong phần «Ghi chú về số liệu» của bản tin).", file=sys.stderr)


def _remove_report(report_dir: Path) -> None:
    """A refused report leaves no bulletin behind: an older one, or a draft, must not pass for it."""
    for name in ("indicators.csv", "bulletin.html", "bulletin.pdf", "manifest.json"):
        (report_dir / name).unlink(missing_ok=True)


@contextmanager
def _one_run_at_a_time(lock_path: Path, what: str) -> Iterator[None]:
    """Runs of a stage for the same period wait for each other instead of interleaving their writes."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Đang có một lần chạy khác cho {what}; chờ lần đó xong…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.stage == "index":
        try:
            from pipeline.index import write_index

            path = write_index(args.reports_dir.resolve(), load_reference(args.raw_dir.resolve()).province)
        except UserError as failure:
            print(f"Lỗi: {failure}", file=sys.stderr)
            return 1
        print(f"Danh mục bản tin: {path}", file=sys.stderr)
        return 0
    try:
        # Half-year stages take a half-year; the indicators and the bulletin also a whole year (`2017`).
        period = parse(args.period) if args.stage in ("clean", "validate", "templates") else parse_edition(args.period)
    except ValueError as error:
        print(f"Lỗi: PERIOD: {error}.", file=sys.stderr)
        return 2
    draft = args.draft.strip() not in ("", "0")
    raw_dir, processed_dir, reports_dir = (p.resolve() for p in (args.raw_dir, args.processed_dir, args.reports_dir))
    parameters = {"period": str(period), "raw_dir": str(raw_dir), "processed_dir": str(processed_dir)}
    executed = reports_dir / str(period) / "notebooks"
    print(f"{STAGE_VI[args.stage]} kỳ {period}…", file=sys.stderr)
    lock_dir = processed_dir if args.stage in ("clean", "validate") else reports_dir
    with _one_run_at_a_time(lock_dir / str(period) / ".lock", f"kỳ {period}"):
        return _run(args, period, draft, raw_dir, processed_dir, reports_dir, parameters, executed)


def _run(
    args: argparse.Namespace,
    period: Period | Edition,
    draft: bool,
    raw_dir: Path,
    processed_dir: Path,
    reports_dir: Path,
    parameters: dict[str, object],
    executed: Path,
) -> int:
    try:
        if args.stage == "templates":
            from pipeline.blank_returns import write_templates

            folder = reports_dir / str(period) / "templates"
            written = write_templates(load_reference(raw_dir), period, folder)
            print(f"Đã tạo {len(written)} mẫu báo cáo trống trong {folder}", file=sys.stderr)
            return 0
        if args.stage in ("clean", "validate"):
            if not returns_dir(raw_dir, period).is_dir():
                raise StageFailed(f"Lỗi: chưa có thư mục báo cáo {returns_dir(raw_dir, period)}.")
            run_notebook(args.notebooks_dir / NOTEBOOKS["clean"], executed / NOTEBOOKS["clean"], parameters)
            problems = clean.load_problems(processed_dir, [period])
            print(validation.summary(period, problems), file=sys.stderr)
            if args.stage == "validate":
                if problems:
                    print(validation.table(problems), file=sys.stderr)
                written = validation.write_reports(reports_dir / str(period), period, problems, raw_dir)
                print("Báo cáo kiểm tra: " + ", ".join(map(str, written)), file=sys.stderr)
                return 1 if any(p.severity == ERROR for p in problems) else 0
            return 0
        on_record = [p for p in periods_on_record(raw_dir) if p <= period.last]
        for half in period.periods():
            if half not in on_record:
                raise StageFailed(f"Lỗi: chưa có thư mục báo cáo {returns_dir(raw_dir, half)}.")
        parameters["reports_dir"] = str(reports_dir)
        try:
            gate(raw_dir, processed_dir, period, on_record, draft, announce=args.stage == "indicators")
        except StageFailed:
            _remove_report(reports_dir / str(period))
            raise
        if args.stage == "indicators":
            run_notebook(args.notebooks_dir / NOTEBOOKS["indicators"], executed / NOTEBOOKS["indicators"], parameters)
            return 0
        from pipeline.publish import publish

        publish(args.notebooks_dir / NOTEBOOKS["bulletin"], executed, parameters | {"draft": draft}, on_record)
        return 0
    except StageFailed as failure:
        print(str(failure), file=sys.stderr)
        return 1
    except UserError as failure:
        print(f"Lỗi: {failure}", file=sys.stderr)
        return 1
