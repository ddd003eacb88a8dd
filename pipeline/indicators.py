"""Indicators of a half-year (SPEC 5): windows, scopes, counts, shares, targets, villages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from pipeline import forms
from pipeline.periods import Edition, Period, span
from pipeline.reference import Reference

PROVINCE = "province"
WINDOWS = ("period", "year_to_date", "term_to_date")
INDICATOR_COLUMNS = ("scope", "window", "indicator", "value")


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Exact half-up rounding (Python's round() is half-even and floats are inexact)."""
    scale = 10**places
    scaled = math.floor(abs(value) * scale + Fraction(1, 2))
    return Decimal(scaled if value >= 0 else -scaled).scaleb(-places)


def percent(part: int | Fraction, whole: int | Fraction) -> Decimal | None:
    if not whole:
        return None
    if isinstance(part, int) and isinstance(whole, int):
        # The same half-up rounding in integers: most shares are of two counts, and Fractions are slow.
        scaled = (2 * abs(part) * 10_000 + abs(whole)) // (2 * abs(whole))
        return Decimal(-scaled if (part < 0) != (whole < 0) else scaled).scaleb(-2)
    return round_half_up(Fraction(part) * 100 / Fraction(whole))


def window_periods(window: str, edition: Period | Edition, reference: Reference) -> list[Period]:
    """The half-years of a window of the bulletin of `edition` (a half-year, or a whole year)."""
    edition = Edition.of(edition)
    last = edition.last
    if window == "period":
        return edition.periods()
    if window == "year_to_date":
        return span(last.first_of_year, last)
    if window == "term_to_date":
        return span(reference.term_of(last).start, last)
    raise ValueError(f"unknown window {window!r}")


def window_span(period: Period | Edition, reference: Reference) -> list[Period]:
    """Every half-year the windows of a bulletin cover (the term to date holds the others)."""
    return sorted(
        set(window_periods("term_to_date", period, reference)) | set(window_periods("year_to_date", period, reference))
    )


def _count_value(value: Fraction) -> int | Fraction:
    return int(value) if value.denominator == 1 else value


@dataclass
class _Values:
    """Figures summed by (period, scope, code), a scope being a unit or the province (the sum of the
    units in `units.csv`); `reported` holds the (period, unit) with a return."""

    table: dict[tuple[str, str, str], int]
    reported: set[tuple[str, str]]

    def get(self, period: Period, scope: str, code: str) -> int:
        return self.table.get((str(period), scope, code), 0)

    def total(self, periods: list[Period], scope: str, code: str) -> int:
        return sum(self.table.get((str(p), scope, code), 0) for p in periods)

    def at_edge(self, periods: list[Period], units: list[str], code: str, last: bool) -> int:
        """A stock (villages) at the start or end of a window: each unit's from the first (or last)
        half-year of the window it reported in, so that a return missing from a draft does not count
        as zero villages."""
        ordered = list(reversed(periods)) if last else periods
        total = 0
        for unit in units:
            period = next((p for p in ordered if (str(p), unit) in self.reported), None)
            if period is not None:
                total += self.table.get((str(period), unit, code), 0)
        return total


def _values(figures: pd.DataFrame, reference: Reference) -> _Values:
    # Columns as lists: iterating a pandas column element by element is many times slower.
    columns = (figures[name].tolist() for name in ("period", "unit_code", "code", "value"))
    table = {(str(p), u, c): int(v) for p, u, c, v in zip(*columns, strict=True)}
    reported = {(p, u) for p, u, c in table if c == forms.REQUIRED_CODE}
    for (period, unit, code), value in list(table.items()):
        if unit in reference.units:
            table[(period, PROVINCE, code)] = table.get((period, PROVINCE, code), 0) + value
    return _Values(table, reported)


def scopes(reference: Reference, edition: Edition, figures: pd.DataFrame) -> list[str]:
    """The province, then every unit expected in the edition or with figures on record, in units.csv order."""
    with_figures = set(figures["unit_code"])
    return [PROVINCE] + [
        code
        for code, unit in reference.units.items()
        if any(unit.expected_in(p) for p in edition.periods()) or code in with_figures
    ]


def compute(
    figures: pd.DataFrame, reference: Reference, edition: Period | Edition, on_record: list[Period]
) -> pd.DataFrame:
    """Every indicator of SPEC 5 for the bulletin of `edition` (a half-year, or a whole year), from the
    figures of the half-years on record up to its end."""
    edition = Edition.of(edition)
    values = _values(figures, reference)
    windows = {window: window_periods(window, edition, reference) for window in WINDOWS}
    # The same half-year of the year before, for the change in admissions, when all of it is on record.
    previous_year = edition.previous_year().periods()
    compare = all(p in on_record for p in previous_year)
    rows: list[tuple[str, str, str, object]] = []
    for scope in scopes(reference, edition, figures):
        units = [u for u in reference.units if scope in (PROVINCE, u)]
        for window, periods in windows.items():

            def add(indicator: str, value: object, scope: str = scope, window: str = window) -> None:
                if value is not None:
                    rows.append((scope, window, indicator, value))

            admitted = values.total(periods, scope, forms.REQUIRED_CODE)
            add("admitted", admitted)
            for code in forms.SHARE_CODES:
                count = values.total(periods, scope, code)
                add(code, count)
                add(f"{code}_pct", percent(count, admitted))
            # A target is shown only when every unit expected in the window has one: a partial sum
            # would make the share of target reached look better than it is.
            targets = [
                reference.half_year_target(u, p) for u in units for p in periods if reference.units[u].expected_in(p)
            ]
            if targets and None not in targets:
                target = sum(targets, Fraction(0))
                add("target", _count_value(target))
                add("target_pct", percent(admitted, target))
                if window == "year_to_date":
                    annual = sum(
                        reference.targets[(u, edition.year)]
                        for u in units
                        if reference.units[u].expected_in(edition.last)
                    )
                    add("annual_target", annual)
                    add("annual_target_pct", percent(admitted, annual))
            add("villages_total", values.at_edge(periods, units, "villages_total", last=True))
            for stem in ("villages_no_member", "villages_joint"):
                start = values.at_edge(periods, units, f"{stem}_start", last=False)
                end = values.at_edge(periods, units, f"{stem}_end", last=True)
                add(f"{stem}_start", start)
                add(f"{stem}_end", end)
                if stem == "villages_no_member":
                    add("villages_no_member_eliminated", start - end)
            add("new_village_cells", values.total(periods, scope, "new_village_cells"))
            if window == "period" and compare:
                previous = values.total(previous_year, scope, forms.REQUIRED_CODE)
                add("admitted_prev_year", previous)
                add("admitted_change_pct", percent(admitted - previous, previous))
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    frame["value"] = frame["value"].map(format_value)
    return frame


def format_value(value: object) -> str:
    """Counts as integers, percentages with two decimals and a decimal point (SPEC 5)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Fraction):
        return str(round_half_up(value, 1))
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"unexpected indicator value {value!r}")


def parse_value(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


class Indicators:
    """Read access to an `indicators.csv`: `ind.get("province", "term_to_date", "admitted")`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._table = {
            (s, w, i): parse_value(str(v))
            for s, w, i, v in zip(*(frame[c].tolist() for c in INDICATOR_COLUMNS), strict=True)
        }

    @classmethod
    def read(cls, path: object) -> Indicators:
        return cls(pd.read_csv(path, dtype=str, keep_default_na=False))

    def get(self, scope: str, window: str, indicator: str, default: object = None) -> int | Decimal | None:
        return self._table.get((scope, window, indicator), default)  # type: ignore[return-value]

    def has(self, scope: str, window: str, indicator: str) -> bool:
        return (scope, window, indicator) in self._table

    def scopes(self) -> list[str]:
        return list(dict.fromkeys(self.frame["scope"]))


def trend(figures: pd.DataFrame, reference: Reference, on_record: list[Period]) -> pd.DataFrame:
    """Admissions and targets of the province for every half-year on record."""
    values = _values(figures, reference)
    units = list(reference.units)
    rows = []
    for period in on_record:
        targets = [reference.half_year_target(u, period) for u in units]
        target = sum((t for t in targets if t is not None), Fraction(0))
        rows.append(
            {
                "period": str(period),
                "admitted": values.get(period, PROVINCE, forms.REQUIRED_CODE),
                "target": float(target),
            }
        )
    return pd.DataFrame(rows, columns=["period", "admitted", "target"])
