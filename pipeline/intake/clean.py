"""The clean stage: one half-year's returns → tidy figures with their origin, problems, sources."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.common import iorw
from pipeline.common.layout import (
    FIGURES_FILE,
    PROBLEMS_FILE,
    SOURCES_FILE,
    points_outside,
    return_files,
    returns_dir,
)
from pipeline.common.periods import Period
from pipeline.intake import checks, rules
from pipeline.intake.problems import PROBLEM_COLUMNS, Problem, has_errors
from pipeline.intake.reference import Reference
from pipeline.intake.returns import RETURN_SUFFIXES, Return, read_return_file

FIGURE_COLUMNS = ("period", "unit_code", "code", "value", "file", "sheet", "cell")
SOURCE_COLUMNS = ("period", "file", "sha256", "unit_code", "unit_name", "form", "prepared_on", "prepared_by", "status")
ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass
class CleanResult:
    period: Period
    figures: pd.DataFrame
    problems: list[Problem]
    sources: pd.DataFrame

    @property
    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_row() for p in self.problems], columns=list(PROBLEM_COLUMNS))


def clean_period(
    raw_dir: Path, period: Period, reference: Reference, previous: pd.DataFrame | None = None
) -> CleanResult:
    """Read and check every return of `period`; keep the figures of the returns without errors.

    `previous`: the figures of the half-year before, when on record, for the start-of-period checks.
    """
    raw_dir = Path(raw_dir)
    returns: list[Return] = []
    stray: list[Problem] = []
    hashes: dict[str, str] = {}
    for path in return_files(raw_dir, period):
        label = path.relative_to(raw_dir).as_posix()

        if path.suffix.lower() not in RETURN_SUFFIXES:
            expected = ", ".join(RETURN_SUFFIXES)
            stray.append(rules.problem("file-not-a-return", file=label, value=path.suffix, expected=expected))
            continue
        if points_outside(path, raw_dir) or not path.is_file():
            stray.append(rules.problem("file-outside-folder", file=label, value=str(path.resolve())))
            continue
        try:
            hashes[label] = iorw.sha256(path)
        except PermissionError:
            stray.append(rules.problem("file-not-permitted", file=label))
            continue
        for ret in read_return_file(path, label, reference.form):
            checks.check_return(ret, period, reference)
            returns.append(ret)
    period_problems = checks.check_period(returns, period, reference)
    if previous is not None:
        ends = checks.period_ends(previous)
        for ret in returns:
            checks.check_continuity(ret, period, ends, reference)

    figure_rows, source_rows, problems = _tables(returns, period, hashes)
    problems = [dataclasses.replace(p, period=str(period)) for p in stray + problems + period_problems]
    figures = pd.DataFrame(figure_rows, columns=list(FIGURE_COLUMNS))
    figures = figures.sort_values(["unit_code", "file", "code"], kind="stable").reset_index(drop=True)
    sources = pd.DataFrame(source_rows, columns=list(SOURCE_COLUMNS))
    return CleanResult(period, figures, problems, sources)


def _tables(returns: list[Return], period: Period, hashes: dict[str, str]) -> tuple[list, list, list[Problem]]:
    """The rows of figures.csv (of the returns without errors) and sources.csv (every return), and every
    return's problems."""
    figure_rows, source_rows, problems = [], [], []
    for ret in returns:
        problems.extend(ret.problems)
        rejected = has_errors(ret.problems)
        source_rows.append(
            {
                "period": str(period),
                "file": ret.file,
                "sha256": hashes[ret.file],
                "unit_code": ret.unit_code,
                "unit_name": ret.unit_name,  # as the return writes it
                "form": ret.form,
                "prepared_on": ret.prepared_on.isoformat() if ret.prepared_on else "",
                "prepared_by": ret.prepared_by,
                "status": REJECTED if rejected else ACCEPTED,
            }
        )
        if rejected:
            continue
        for figure in ret.figures.values():
            figure_rows.append(
                {
                    "period": str(period),
                    "unit_code": ret.unit_code,
                    "code": figure.code,
                    "value": figure.value,
                    "file": ret.file,
                    "sheet": figure.place.sheet,
                    "cell": figure.place.cell,
                }
            )
    return figure_rows, source_rows, problems


def write_result(result: CleanResult, processed_dir: Path) -> Path:
    """Write the stage's files; `figures.csv` last, so that make sees it only when all are there."""
    folder = Path(processed_dir) / str(result.period)
    iorw.write_csv(folder / PROBLEMS_FILE, result.problems_frame)
    iorw.write_csv(folder / SOURCES_FILE, result.sources)
    iorw.write_csv(folder / FIGURES_FILE, result.figures)
    return folder


def _read(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path} chưa có: chạy `make report` (hoặc notebook 01_clean) cho kỳ này trước.")
    return iorw.read_csv(path, dtypes)


def load_figures(processed_dir: Path, periods: list[Period]) -> pd.DataFrame:
    frames = [
        _read(Path(processed_dir) / str(p) / FIGURES_FILE, {"value": "int64", "period": "str", "cell": "str"})
        for p in periods
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(FIGURE_COLUMNS))


def load_previous_figures(raw_dir: Path, processed_dir: Path, period: Period) -> pd.DataFrame | None:
    """The figures of the half-year before `period`, or None when it has no returns folder."""
    before = period.shift(-1)
    if not returns_dir(raw_dir, before).is_dir():
        return None
    return load_figures(processed_dir, [before])


def load_problems(processed_dir: Path, periods: list[Period]) -> list[Problem]:
    problems = []
    for period in periods:
        frame = _read(Path(processed_dir) / str(period) / PROBLEMS_FILE, {c: "str" for c in PROBLEM_COLUMNS})
        problems.extend(Problem(**row) for row in frame.to_dict("records"))
    return problems


def load_sources(processed_dir: Path, periods: list[Period]) -> pd.DataFrame:
    frames = [_read(Path(processed_dir) / str(p) / SOURCES_FILE, {c: "str" for c in SOURCE_COLUMNS}) for p in periods]
    return pd.concat(frames, ignore_index=True)
