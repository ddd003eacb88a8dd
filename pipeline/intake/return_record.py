"""A return as read, before checking: its unit, period, figures (each with its cell) and problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.common import fmt
from pipeline.intake import forms, rules
from pipeline.intake.cells import NotACountError, parse_count
from pipeline.intake.problems import Problem


@dataclass(frozen=True)
class Place:
    sheet: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Figure:
    code: str
    value: int
    place: Place


@dataclass
class Return:
    """One unit's return for one half-year, as read, before checking."""

    file: str
    form: str
    unit_code: str = ""
    unit_place: Place = Place()
    unit_name: str = ""
    period_text: str = ""
    period_place: Place = Place()
    prepared_on: dt.date | None = None
    prepared_place: Place = Place()
    prepared_by: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)
    total: Figure | None = None  # the `Tổng cộng` row of `Kết nạp`, if any
    problems: list[Problem] = field(default_factory=list)
    # Nothing in the file could be read, or nothing matched the form: its one problem says why; no rule applies.
    unmatched: bool = False

    def report(
        self, rule_id: str, place: Place, value: object = "", expected: str | None = None, **fields: object
    ) -> None:
        """Record a problem of rule `rule_id` (`rules.toml`) at `place`; `fields` fill in its message."""
        self.problems.append(
            rules.problem(
                rule_id,
                file=self.file,
                sheet=place.sheet,
                cell=place.cell,
                unit_code=self.unit_code,
                value=value,
                expected=expected,
                **fields,
            )
        )

    def report_above(self, rule_id: str, part: Figure, whole: Figure, label: str, whole_name: str) -> None:
        """When `part` (a count within `whole`) exceeds `whole`: a problem of `rule_id` at the part's cell,
        its message given the whole's cell as `{whole_name}_cell` and its value as `{whole_name}`."""
        if part.value > whole.value:
            whole_fields = {f"{whole_name}_cell": whole.place.cell, whole_name: fmt.number(whole.value)}
            self.report(rule_id, part.place, fmt.number(part.value), label=label, **whole_fields)


def show(value: object) -> str:
    """A cell as a person reads it: `12`, not `12.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def count(ret: Return, code: str, raw: object, place: Place) -> None:
    """Record one figure; blank and `-` mean 0 except for the required `admitted`."""
    try:
        value = parse_count(raw)
    except NotACountError:
        ret.report("value-not-a-number", place, show(raw))
        return
    if value is None:
        if code == forms.REQUIRED_CODE:
            ret.report("admitted-blank", place)
            return
        value = 0
    ret.figures[code] = Figure(code, value, place)
