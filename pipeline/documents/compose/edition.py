"""An edition's data: everything its documents (the bulletin, the formal report) are written from, loaded
once by each notebook (SPEC 6, 8)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipeline.common import labels
from pipeline.common.layout import CHART_CACHE_DIR, INDICATORS_FILE, content_cache
from pipeline.common.periods import Edition, Period, parse, parse_edition, periods_on_record
from pipeline.documents.compose.charting.narrow import show_figures_for_phones
from pipeline.documents.compose.charting.picture import edition_key
from pipeline.indicators.compute import window_periods, window_span
from pipeline.indicators.table import Indicators
from pipeline.intake import clean
from pipeline.intake.checks import MISSING_RETURN
from pipeline.intake.problems import ERROR, Problem
from pipeline.intake.reference import Reference, load_reference


def subtitle(province: str, edition: Edition) -> str:
    """`Tỉnh Điện Biên — 6 tháng đầu năm 2017`: the line under the title, also in the running title."""
    return f"Tỉnh {province} — {edition.label_vi()}"


@dataclass
class EditionData:
    edition: Edition  # what the bulletin covers: a half-year, or a whole year
    reference: Reference
    indicators: Indicators
    figures: pd.DataFrame  # every half-year on record up to the edition's end
    on_record: list[Period]
    problems: list[Problem]
    sources: pd.DataFrame
    draft: bool
    # Charts also as 300-dpi pictures, for Word (the report's notebook); SVG alone elsewhere.
    word_pictures: bool = False
    chart_cache: Path | None = (
        None  # where the edition's charts are kept once drawn (pipeline/documents/compose/charting/picture.py)
    )
    chart_key: str = ""  # what they are drawn from

    @property
    def term_periods(self) -> list[Period]:
        return window_periods("term_to_date", self.edition, self.reference)

    def window_periods(self, window: str) -> list[Period]:
        """The half-years of one of the three windows; another window is the analyst's error (CellArgumentError)."""
        return window_periods(labels.check_window(window), self.edition, self.reference)

    def window_words(self, window: str) -> str:
        """`từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)`: the window as the documents name it."""
        return labels.window_words(window, self.edition, self.window_periods(window)[0])

    @property
    def subtitle(self) -> str:
        return subtitle(self.reference.province, self.edition)

    def unit_name(self, code: str) -> str:
        unit = self.reference.units.get(code)
        return unit.name if unit else code

    def get(self, scope: str, window: str, indicator: str) -> int | Decimal | None:
        return self.indicators.get(scope, window, indicator)

    def units_not_counted(self) -> dict[str, list[str]]:
        """For a draft: units whose figures of some half-year of the windows are left out, and why."""
        covered = {str(p) for p in window_span(self.edition, self.reference)}
        reasons: dict[str, dict[str, str]] = {}
        for problem in self.problems:
            if problem.period in covered and problem.severity == ERROR and problem.unit_code:
                reason = "chưa nộp báo cáo" if problem.rule == MISSING_RETURN else "báo cáo có lỗi"
                reasons.setdefault(problem.unit_code, {}).setdefault(problem.period, reason)
        order = list(self.reference.units)
        return {
            code: [f"{labels.half_year(parse(period))}: {reason}" for period, reason in sorted(reasons[code].items())]
            for code in sorted(reasons, key=lambda c: order.index(c) if c in order else len(order))
        }

    def periods_missing(self) -> list[Period]:
        """Half-years of the windows with no returns folder at all."""
        return [p for p in window_span(self.edition, self.reference) if p not in self.on_record]


def load(
    edition: str | Period | Edition,
    raw_dir: str | Path,
    processed_dir: str | Path,
    reports_dir: str | Path,
    draft: bool = False,
    word_pictures: bool = False,
) -> EditionData:
    """Everything the documents of `edition` (the bulletin, the formal report) are written from; the stages
    before them must have run."""
    edition = parse_edition(edition) if isinstance(edition, str) else Edition.of(edition)
    reference = load_reference(Path(raw_dir))
    on_record = periods_on_record(Path(raw_dir), until=edition.last)
    indicators = Indicators.read(Path(reports_dir) / str(edition) / INDICATORS_FILE)
    if not word_pictures:  # the bulletin's notebook: an analyst's own figure gets a narrow variant too
        show_figures_for_phones()
    return EditionData(
        edition=edition,
        reference=reference,
        indicators=indicators,
        figures=clean.load_figures(Path(processed_dir), on_record),
        on_record=on_record,
        problems=clean.load_problems(Path(processed_dir), on_record),
        sources=clean.load_sources(Path(processed_dir), on_record),
        draft=draft,
        word_pictures=word_pictures,
        chart_cache=content_cache(Path(reports_dir) / str(edition), CHART_CACHE_DIR),
        chart_key=edition_key(Path(reports_dir) / str(edition) / INDICATORS_FILE, reference.files, str(edition), draft),
    )
