"""Checking the returns of one half-year against the form's rules and the reference files (SPEC 4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from pipeline.common import fmt
from pipeline.common.layout import TARGETS_FILE
from pipeline.common.periods import Period, parse_loose
from pipeline.intake import forms, member_checks, rules
from pipeline.intake.form_file import Form
from pipeline.intake.problems import Problem
from pipeline.intake.reference import Reference, Unit
from pipeline.intake.return_record import Figure, Place, Return

LATE_AFTER_DAYS = 20
# Rule ids other code acts on (the bulletin names late and missing returns).
LATE_RETURN = "return-late"
MISSING_RETURN = "return-missing"
MISSING_TARGET = "target-missing"
DISCONTINUITY = "start-differs-from-previous-end"


def _span(figures: list[Figure]) -> Place:
    """The cells of a group: `Kết nạp!C8:C14` when they are one run, else the list."""
    cells = [f.place.cell for f in figures]
    sheet = figures[0].place.sheet if figures else ""
    if not cells:
        return Place(sheet, "")
    return Place(sheet, f"{cells[0]}:{cells[-1]}" if len(cells) > 1 else cells[0])


def check_return(ret: Return, period: Period, reference: Reference) -> None:
    """Append to `ret.problems` everything wrong with one return on its own."""
    if ret.unmatched:
        return  # its one problem says what the form expected; no rule can apply to it
    unit = reference.units.get(ret.unit_code)
    if ret.unit_code and unit is None:
        ret.report("unit-unknown", ret.unit_place, ret.unit_code)
    elif unit is not None and not unit.expected_in(period):
        ret.report(
            "unit-not-valid",
            ret.unit_place,
            ret.unit_code,
            half_year=period,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to or "nay",
        )
    if ret.period_text:
        try:
            found = parse_loose(ret.period_text)
        except ValueError:
            ret.report("period-unreadable", ret.period_place, ret.period_text, str(period))
        else:
            if found != period:
                ret.report(
                    "period-mismatch", ret.period_place, ret.period_text, half_year=period, label=period.label_vi()
                )
    if ret.prepared_on is not None and ret.prepared_on > period.end_date() + dt.timedelta(days=LATE_AFTER_DAYS):
        ret.report(
            LATE_RETURN,
            ret.prepared_place,
            fmt.date_short(ret.prepared_on),
            days=LATE_AFTER_DAYS,
            deadline=fmt.date_short(period.end_date() + dt.timedelta(days=LATE_AFTER_DAYS)),
        )
    _check_admissions(ret, reference.form)
    _check_villages(ret, reference.form, has_villages=unit.has_villages if unit else True)
    member_checks.check_categories(ret, reference.form)
    member_checks.check_members(ret, reference.form)
    member_checks.check_grassroots(ret, reference.form)


def _check_admissions(ret: Return, form: Form) -> None:
    admitted = ret.figures.get(forms.REQUIRED_CODE)
    if admitted is None:
        return
    for code in forms.OF_WHICH_CODES:
        part = ret.figures.get(code)
        if part is not None:
            ret.report_above("of-which-above-admitted", part, admitted, form.label(code), "admitted")
    for group, codes in forms.BREAKDOWNS.items():
        parts = [ret.figures[c] for c in codes if c in ret.figures]
        total = sum(f.value for f in parts)
        if total != admitted.value:
            ret.report(
                f"sum-mismatch-{group}",  # one rule per breakdown of forms.BREAKDOWNS
                _span(parts) if parts else admitted.place,
                fmt.number(total),
                fmt.number(admitted.value),
                admitted_cell=admitted.place.cell,
            )
    if ret.total is not None and ret.total.value != admitted.value:
        ret.report(
            "total-row-mismatch",
            ret.total.place,
            fmt.number(ret.total.value),
            fmt.number(admitted.value),
            label=form.label(forms.TOTAL),
            admitted_cell=admitted.place.cell,
        )


def _check_villages(ret: Return, form: Form, has_villages: bool) -> None:
    total = ret.figures.get("villages_total")
    reported = [ret.figures[c] for c in forms.VILLAGE_CODES if c in ret.figures and ret.figures[c].value]
    if reported and not has_villages:
        ret.report("villages-without-villages", reported[0].place, fmt.number(reported[0].value))
    if total is None:
        if has_villages:
            ret.report("villages-not-reported", Place(form.organization.name, ""))
        return
    for code in forms.VILLAGE_SUBSET_CODES:
        part = ret.figures.get(code)
        if part is not None:
            ret.report_above("villages-above-total", part, total, form.label(code), "total")


def _where(file: str, sheet: str, cell: str) -> str:
    return f"{file}, {sheet}!{cell}" if sheet else f"{file}, {cell}"


def period_ends(previous: pd.DataFrame) -> dict[tuple[str, str], tuple[int, str, str, str]]:
    """The half-year before's village counts at its end, by (unit, code): value, file, sheet, cell."""
    ends = previous[previous["code"].str.endswith("_end")]
    columns = (ends[name].tolist() for name in ("unit_code", "code", "value", "file", "sheet", "cell"))
    rows = zip(*columns, strict=True)
    return {(unit, code): (int(value), file, sheet, cell) for unit, code, value, file, sheet, cell in rows}


def check_continuity(
    ret: Return, period: Period, ends: dict[tuple[str, str], tuple[int, str, str, str]], reference: Reference
) -> None:
    """Warn where a village count at the start of the half-year differs from the same unit's count at the
    end of the half-year before (`period_ends`, SPEC 4): one of the two returns is wrong. A unit formed by a
    merger since then is compared with the sum of the units it was formed from."""
    unit = reference.units.get(ret.unit_code)
    for stem in ("villages_no_member", "villages_joint", "members"):
        start = ret.figures.get(f"{stem}_start")
        before = _end_before(ret.unit_code, unit.predecessors if unit else (), f"{stem}_end", ends)
        if start is None or before is None:
            continue
        value, where = before
        if value != start.value:
            ret.report(
                DISCONTINUITY,
                start.place,
                fmt.number(start.value),
                fmt.number(value),
                label=reference.form.label(start.code),
                previous=period.shift(-1),
                where=where,
            )


def _end_before(
    unit_code: str, predecessors: tuple[str, ...], code: str, ends: dict[tuple[str, str], tuple[int, str, str, str]]
) -> tuple[int, str] | None:
    """The count a unit's start must equal, with where it was read: its own end of the half-year before,
    or else the sum of its predecessors' (when every one of them reported it)."""
    own = ends.get((unit_code, code))
    if own is not None:
        value, file, sheet, cell = own
        return value, _where(file, sheet, cell)
    found = [ends.get((p, code)) for p in predecessors]
    if not found or None in found:
        return None
    places = "; ".join(f"{p}: {_where(f, s, c)}" for p, (_, f, s, c) in zip(predecessors, found, strict=True))  # type: ignore[misc]
    return sum(v for v, *_ in found), f"tổng của các đơn vị hợp nhất — {places}"  # type: ignore[misc]


def _unit_problem(rule_id: str, unit: Unit, period: Period, file: str = "") -> Problem:
    """A problem of a unit as a whole, found at no cell."""
    return rules.problem(
        rule_id, file=file, unit_code=unit.code, period=str(period), half_year=period, year=period.year, name=unit.name
    )


def check_period(returns: list[Return], period: Period, reference: Reference) -> list[Problem]:
    """Problems across the returns of a period: two returns for one unit, expected units missing (or
    without a target)."""
    by_unit: dict[str, list[Return]] = defaultdict(list)
    for ret in returns:
        if ret.unit_code:
            by_unit[ret.unit_code].append(ret)
    for unit_code, same in by_unit.items():
        if len(same) > 1:
            files = ", ".join(r.file for r in same)
            for ret in same:
                ret.report("unit-duplicated", ret.unit_place, unit_code, unit=unit_code, files=files)
    problems = []
    for unit in reference.expected_units(period):
        if (unit.code, period.year) not in reference.targets:
            problems.append(_unit_problem(MISSING_TARGET, unit, period, TARGETS_FILE))
        if unit.code not in by_unit:
            problems.append(_unit_problem(MISSING_RETURN, unit, period))
    return problems
