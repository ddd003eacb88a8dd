"""Indicators of a half-year (SPEC 5): windows, scopes, counts, shares, targets, villages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from pipeline.common.periods import Edition, Period, span
from pipeline.indicators import members
from pipeline.indicators.table import (
    INDICATOR_COLUMNS,
    PROVINCE,
    WINDOWS,
    format_value,
    is_unit_scope,
    kind_scope,
    round_half_up,
)
from pipeline.intake import forms
from pipeline.intake.reference import Reference


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


def window_span(edition: Period | Edition, reference: Reference) -> list[Period]:
    """Every half-year the windows of a bulletin cover (the term to date holds the others)."""
    return sorted(
        set(window_periods("term_to_date", edition, reference))
        | set(window_periods("year_to_date", edition, reference))
    )


def _count_value(value: Fraction) -> int | Fraction:
    return int(value) if value.denominator == 1 else value


@dataclass
class _Values:
    """Figures summed by (period, scope, code), a scope being a unit, a kind of unit or the province (the
    sums of the units in `units.csv`); `reported` holds the (period, unit) with a return."""

    table: dict[tuple[str, str, str], int]
    reported: set[tuple[str, str]]

    def get(self, period: Period, scope: str, code: str) -> int:
        return self.table.get((str(period), scope, code), 0)

    def total(self, periods: list[Period], scope: str, code: str) -> int:
        return sum(self.table.get((str(p), scope, code), 0) for p in periods)

    def at_edge(self, periods: list[Period], units: list[str], code: str, last: bool) -> int:
        """A stock (villages) at the start or end of a window: each unit's from the first (or last)
        half-year of the window it reported in, so that a return missing from a draft does not count
        as zero villages. `units` are those that exist at that edge (see `_at_edge`)."""
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
            for scope in (PROVINCE, kind_scope(reference.units[unit].kind)):
                table[(period, scope, code)] = table.get((period, scope, code), 0) + value
    return _Values(table, reported)


def scopes(reference: Reference, edition: Edition, figures: pd.DataFrame) -> dict[str, list[str]]:
    """Each scope of the edition with the units it sums: the province; each kind of unit, in the declared
    order, that has a unit in the edition; then every unit expected in the edition or with figures on
    record, in units.csv order."""
    with_figures = set(figures["unit_code"])
    units = [
        code
        for code, unit in reference.units.items()
        if any(unit.expected_in(p) for p in edition.periods()) or code in with_figures
    ]
    kinds = {reference.units[code].kind for code in units}
    return {
        PROVINCE: list(reference.units),
        **{
            kind_scope(kind): [c for c, u in reference.units.items() if u.kind == kind]
            for kind in reference.kinds
            if kind in kinds
        },
        **{code: [code] for code in units},
    }


def _target(reference: Reference, units: list[str], periods: list[Period]) -> Fraction | None:
    """The admission target of `units` over `periods`: half of each year's target for each half-year a
    unit is expected in. None (not computable) when one of them has no target: a partial sum would make
    the share of target reached look better than it is. The one rule for every scope and window."""
    targets = [reference.half_year_target(u, p) for u in units for p in periods if reference.units[u].expected_in(p)]
    if not targets or None in targets:
        return None
    return sum(targets, Fraction(0))  # type: ignore[arg-type]


def _comparison_base(
    reference: Reference, units: list[str], edition: Edition, previous_year: list[Period]
) -> list[str] | None:
    """The units whose admissions of the year before a scope's are compared with: each of its units that
    exists in the edition, with the units it was formed from. None (no comparison) when the scope has no
    unit in the edition, or one of them did not exist the year before and was formed from no unit that did."""
    current = [u for u in units if any(reference.units[u].expected_in(p) for p in edition.periods())]
    base: list[str] = []
    for code in current:
        counterparts = reference.counterparts(code, previous_year)
        if counterparts is None:
            return None
        base += counterparts
    return list(dict.fromkeys(base)) or None


@dataclass(frozen=True)
class _Edition:
    """What every (scope, window) of an edition's indicators is computed from."""

    values: _Values
    reference: Reference
    edition: Edition
    previous_year: list[Period] | None  # the same half-year(s) of the year before, when all on record
    unit_pct: dict[tuple[str, str], Decimal]  # each unit's share of target by window


def compute(
    figures: pd.DataFrame, reference: Reference, edition: Period | Edition, on_record: list[Period]
) -> pd.DataFrame:
    """Every indicator of SPEC 5 for the bulletin of `edition` (a half-year, or a whole year), from the
    figures of the half-years on record up to its end: by window for the province, each kind of unit and
    each unit; and by half-year on record for the province (the trend)."""
    edition = Edition.of(edition)
    values = _values(figures, reference)
    windows = {window: window_periods(window, edition, reference) for window in WINDOWS}
    # The same half-year of the year before, for the change in admissions, when all of it is on record.
    previous_year = edition.previous_year().periods()
    compare = all(p in on_record for p in previous_year)
    by_scope = scopes(reference, edition, figures)
    unit_pct = _unit_shares(values, reference, [c for c in by_scope if is_unit_scope(c)], windows)
    context = _Edition(values, reference, edition, previous_year if compare else None, unit_pct)
    rows = [
        row
        for scope, units in by_scope.items()
        for window, periods in windows.items()
        for row in _window_rows(context, scope, units, window, periods)
    ]
    rows += _trend_rows(values, reference, [p for p in on_record if p <= edition.last])
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    frame["value"] = frame["value"].map(format_value)
    return frame


def _unit_shares(
    values: _Values, reference: Reference, units: list[str], windows: dict[str, list[Period]]
) -> dict[tuple[str, str], Decimal]:
    """Each unit's share of target by window, which the province and the kinds count units below target by."""
    shares: dict[tuple[str, str], Decimal] = {}
    for code in units:
        for window, periods in windows.items():
            target = _target(reference, [code], periods)
            pct = None if target is None else percent(values.total(periods, code, forms.REQUIRED_CODE), target)
            if pct is not None:
                shares[(code, window)] = pct
    return shares


def _at_edge(reference: Reference, scope: str, units: list[str], edge: Period) -> list[str]:
    """The units whose villages a scope counts at one edge of a window. The province and a kind of unit
    count those that exist in that half-year: across a reorganisation the villages of a retired unit are
    counted again under the units that took them over. A unit alone is counted at its own edge."""
    if is_unit_scope(scope):
        return units
    return [u for u in units if reference.units[u].expected_in(edge)]


def _window_rows(
    context: _Edition, scope: str, units: list[str], window: str, periods: list[Period]
) -> list[tuple[str, str, str, object]]:
    """The indicators of one scope (the province, a kind, a unit) in one window."""
    values, reference, edition = context.values, context.reference, context.edition
    rows: list[tuple[str, str, str, object]] = []

    def add(indicator: str, value: object) -> None:
        if value is not None:
            rows.append((scope, window, indicator, value))

    admitted = values.total(periods, scope, forms.REQUIRED_CODE)
    add("admitted", admitted)
    for code in forms.SHARE_CODES:
        count = values.total(periods, scope, code)
        add(code, count)
        add(f"{code}_pct", percent(count, admitted))
    target = _target(reference, units, periods)
    if target is not None:
        add("target", _count_value(target))
        add("target_pct", percent(admitted, target))
        add("target_excess_pct", percent(admitted - target, target))
        if window == "year_to_date":
            # The year's target as `target` counts it, over both half-years: in a year of reorganisation,
            # half of the retired units' targets and half of the new units', as admissions are counted.
            annual = _target(reference, units, [Period(edition.last.year, 1), Period(edition.last.year, 2)])
            if annual is not None:
                add("annual_target", _count_value(annual))
                add("annual_target_pct", percent(admitted, annual))
    start_units, end_units = (
        _at_edge(reference, scope, units, periods[0]),
        _at_edge(reference, scope, units, periods[-1]),
    )
    add("villages_total", values.at_edge(periods, end_units, "villages_total", last=True))
    for stem in ("villages_no_member", "villages_joint"):
        start = values.at_edge(periods, start_units, f"{stem}_start", last=False)
        end = values.at_edge(periods, end_units, f"{stem}_end", last=True)
        add(f"{stem}_start", start)
        add(f"{stem}_end", end)
        if stem == "villages_no_member":
            add("villages_no_member_eliminated", start - end)
    add("new_village_cells", values.total(periods, scope, "new_village_cells"))
    previous_year = context.previous_year
    if window == "period" and previous_year is not None:
        base = [PROVINCE] if scope == PROVINCE else _comparison_base(reference, units, edition, previous_year)
        if base is not None:
            previous = sum(values.total(previous_year, u, forms.REQUIRED_CODE) for u in base)
            add("admitted_prev_year", previous)
            add("admitted_change_pct", percent(admitted - previous, previous))
    if not is_unit_scope(scope):
        pcts = [context.unit_pct[(u, window)] for u in units if (u, window) in context.unit_pct]
        add("units_with_target", len(pcts))
        add("units_below_target", sum(pct < 100 for pct in pcts))
    spec_11 = members.rows(values, reference.form, scope, units, window, periods, (start_units, end_units), percent)
    for indicator, value in spec_11:
        add(indicator, value)
    return rows


def _trend_rows(values: _Values, reference: Reference, on_record: list[Period]) -> list[tuple[str, str, str, object]]:
    """The province's admissions and half-year target for every half-year on record: windows named by the
    half-year (`2016H1`), which the trend chart draws."""
    rows: list[tuple[str, str, str, object]] = []
    for period in on_record:
        admitted = values.get(period, PROVINCE, forms.REQUIRED_CODE)
        rows.append((PROVINCE, str(period), "admitted", admitted))
        target = _target(reference, list(reference.units), [period])
        if target is not None:
            rows.append((PROVINCE, str(period), "target", _count_value(target)))
            rows.append((PROVINCE, str(period), "target_pct", percent(admitted, target)))
    return rows
