"""The indicators stage, as `02_indicators.ipynb` calls it: the cleaned figures of every half-year on record up
to the edition's end, its indicators (`compute`), and `indicators.csv`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.common import iorw
from pipeline.common.layout import INDICATORS_FILE
from pipeline.common.periods import parse_edition, periods_on_record
from pipeline.indicators.compute import compute
from pipeline.intake.clean import load_figures
from pipeline.intake.reference import load_reference


def edition_indicators(edition: str, raw_dir: str | Path, processed_dir: str | Path) -> pd.DataFrame:
    """Every indicator of `edition` (`2017H1`, or `2017` for the whole year)."""
    covered = parse_edition(edition)
    on_record = periods_on_record(Path(raw_dir), until=covered.last)
    figures = load_figures(Path(processed_dir), on_record)
    return compute(figures, load_reference(Path(raw_dir)), covered, on_record)


def write_indicators(indicators: pd.DataFrame, reports_dir: str | Path, edition: str) -> Path:
    path = Path(reports_dir) / str(parse_edition(edition)) / INDICATORS_FILE
    iorw.write_csv(path, indicators)
    return path
