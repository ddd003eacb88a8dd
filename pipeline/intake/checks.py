"""Checking the returns of one half-year against the form's rules and the reference files (SPEC 4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from pipeline.common import fmt
from pipeline.common.layout import TARGETS_FILE
from pipeline.common.periods import Period, parse_loose
from pipeline.intake import forms
from pipeline.intake.form_file import Form
from pipeline.intake.problems import ERROR, WARNING, Problem
from pipeline.intake.reference import Reference, Unit
from pipeline.intake.return_record import Figure, Place, Return

LATE_AFTER_DAYS = 20
LATE_RETURN = "late_return"
MISSING_RETURN = "missing_return"
MISSING_TARGET = "missing_target"
DISCONTINUITY = "start_differs_from_previous_end"


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
        ret.problem(ERROR, ret.unit_place, "Mã đơn vị không có trong danh mục units.csv.", ret.unit_code)
    elif unit is not None and not unit.expected_in(period):
        ret.problem(
            ERROR,
            ret.unit_place,
            f"Đơn vị không còn (hoặc chưa) báo cáo trong kỳ {period}.",
            ret.unit_code,
            f"đơn vị có hiệu lực từ {unit.valid_from} đến {unit.valid_to or 'nay'}",
        )
    if ret.period_text:
        try:
            found = parse_loose(ret.period_text)
        except ValueError:
            ret.problem(ERROR, ret.period_place, "Kỳ báo cáo không đọc được.", ret.period_text, str(period))
        else:
            if found != period:
                ret.problem(
                    ERROR,
                    ret.period_place,
                    f"Kỳ báo cáo trong tệp khác kỳ của thư mục returns/{period}.",
                    ret.period_text,
                    f"{period} ({period.label_vi()})",
                )
    if ret.prepared_on is not None and ret.prepared_on > period.end_date() + dt.timedelta(days=LATE_AFTER_DAYS):
        ret.problem(
            WARNING,
            ret.prepared_place,
            f"Báo cáo nộp muộn (quá {LATE_AFTER_DAYS} ngày sau khi hết kỳ).",
            fmt.date_short(ret.prepared_on),
            f"không muộn hơn {fmt.date_short(period.end_date() + dt.timedelta(days=LATE_AFTER_DAYS))}",
            check=LATE_RETURN,
        )
    _check_admissions(ret, reference.form)
    _check_villages(ret, reference.form, has_villages=unit.has_villages if unit else True)


def _check_admissions(ret: Return, form: Form) -> None:
    admitted = ret.figures.get(forms.REQUIRED_CODE)
    if admitted is None:
        return
    for code in forms.OF_WHICH_CODES:
        part = ret.figures.get(code)
        if part is not None and part.value > admitted.value:
            ret.problem(
                ERROR,
                part.place,
                f"«{form.label(code)}» lớn hơn tổng số kết nạp ({admitted.place.cell}).",
                fmt.number(part.value),
                f"≤ {fmt.number(admitted.value)}",
            )
    for group, codes in forms.BREAKDOWNS.items():
        parts = [ret.figures[c] for c in codes if c in ret.figures]
        total = sum(f.value for f in parts)
        if total != admitted.value:
            ret.problem(
                ERROR,
                _span(parts) if parts else admitted.place,
                f"Cộng theo {forms.BREAKDOWN_LABELS[group]} không bằng tổng số kết nạp ({admitted.place.cell}).",
                fmt.number(total),
                fmt.number(admitted.value),
            )
    if ret.total is not None and ret.total.value != admitted.value:
        ret.problem(
            ERROR,
            ret.total.place,
            f"Dòng «{form.label(forms.TOTAL)}» khác tổng số kết nạp ({admitted.place.cell}).",
            fmt.number(ret.total.value),
            fmt.number(admitted.value),
        )


def _check_villages(ret: Return, form: Form, has_villages: bool) -> None:
    total = ret.figures.get("villages_total")
    reported = [ret.figures[c] for c in forms.VILLAGE_CODES if c in ret.figures and ret.figures[c].value]
    if reported and not has_villages:
        ret.problem(
            WARNING,
            reported[0].place,
            "Đơn vị không quản lý thôn, bản nhưng báo cáo số liệu thôn, bản.",
            fmt.number(reported[0].value),
            "0 hoặc để trống",
        )
    if total is None:
        if has_villages:
            ret.problem(
                WARNING,
                Place(form.organization.name, ""),
                "Đơn vị có thôn, bản nhưng không báo cáo số liệu thôn, bản; coi là 0.",
            )
        return
    for code in forms.VILLAGE_SUBSET_CODES:
        part = ret.figures.get(code)
        if part is not None and part.value > total.value:
            ret.problem(
                ERROR,
                part.place,
                f"«{form.label(code)}» lớn hơn tổng số thôn, bản ({total.place.cell}).",
                fmt.number(part.value),
                f"≤ {fmt.number(total.value)}",
            )


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
    for stem in ("villages_no_member", "villages_joint"):
        start = ret.figures.get(f"{stem}_start")
        before = _end_before(ret.unit_code, unit.predecessors if unit else (), f"{stem}_end", ends)
        if start is None or before is None:
            continue
        value, where = before
        if value != start.value:
            ret.problem(
                WARNING,
                start.place,
                f"«{reference.form.label(start.code)}» khác số cuối kỳ {period.shift(-1)} của cùng đơn vị ({where}).",
                fmt.number(start.value),
                fmt.number(value),
                check=DISCONTINUITY,
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


def _unit_problem(
    unit: Unit, period: Period, severity: str, file: str, expected: str, message: str, check: str
) -> Problem:
    """A problem of a unit as a whole, found at no cell."""
    return Problem(severity, str(period), unit.code, file, "", "", "", expected, message, check)


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
                ret.problem(ERROR, ret.unit_place, f"Đơn vị {unit_code} có nhiều báo cáo trong kỳ: {files}.", unit_code)
    problems = []
    for unit in reference.expected_units(period):
        if (unit.code, period.year) not in reference.targets:
            problems.append(
                _unit_problem(
                    unit,
                    period,
                    WARNING,
                    TARGETS_FILE,
                    f"chỉ tiêu kết nạp năm {period.year} của {unit.name}",
                    "Chưa có chỉ tiêu kết nạp của đơn vị; tỷ lệ so với chỉ tiêu không tính được.",
                    MISSING_TARGET,
                )
            )
        if unit.code not in by_unit:
            problems.append(
                _unit_problem(
                    unit,
                    period,
                    ERROR,
                    "",
                    f"báo cáo {period} của {unit.name}",
                    "Chưa nhận được báo cáo của đơn vị.",
                    MISSING_RETURN,
                )
            )
    return problems
