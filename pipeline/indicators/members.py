"""The indicators of SPEC 11 for one scope and window: the province's own categories, the membership
balance, grassroots organizations that admitted members.

A figure is withheld (no row) where a unit the scope and window cover returned admissions without it, as
a share of target is where a target is missing: a partial sum would pass for the whole. The membership
rows are written only where some unit reported the sheet; the documents tell the two cases apart.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from pipeline.common.periods import Period
from pipeline.intake import forms
from pipeline.intake.form_file import Form

Percent = Callable[[int, int], Decimal | None]
# The rows of the balance the documents print, in the order of the sheet, then the derived ones.
MEMBER_INDICATORS = (*forms.MEMBER_CODES, "members_net", "members_left", "admitted_rate_pct")
STOCKS = ("members_start", "members_end", "probationary_end")


class Covered:
    """The (half-year, unit) pairs with a return that a scope and window cover, and what they hold."""

    def __init__(self, table: dict[tuple[str, str, str], int], pairs: list[tuple[str, str]]) -> None:
        self.table, self.pairs = table, pairs

    def all_hold(self, code: str) -> bool:
        return bool(self.pairs) and all((p, u, code) in self.table for p, u in self.pairs)

    def any_hold(self, code: str) -> bool:
        return any((p, u, code) in self.table for p, u in self.pairs)


def covered(
    table: dict[tuple[str, str, str], int], reported: set[tuple[str, str]], units: list[str], periods: list[Period]
) -> Covered:
    return Covered(table, [(str(p), u) for p in periods for u in units if (str(p), u) in reported])


def category_rows(
    form: Form, cover: Covered, total: Callable[[str], int], admitted: int, percent: Percent
) -> list[tuple[str, object]]:
    """`<code>` and `<code>_pct` of each of the province's categories, where every return covered holds it."""
    rows: list[tuple[str, object]] = []
    for code in form.category_codes:
        if cover.all_hold(code):
            count = total(code)
            rows += [(code, count), (f"{code}_pct", percent(count, admitted))]
    return rows


def member_rows(
    cover: Covered,
    total: Callable[[str], int],
    at_start: Callable[[str], int],
    at_end: Callable[[str], int],
    admitted: int,
    percent: Percent,
) -> list[tuple[str, object]]:
    """The balance over a window: the stocks at its edges, the flows summed; withheld unless every return
    covered holds the sheet."""
    if not cover.all_hold("members_end"):
        return []
    value = {code: total(code) for code in forms.MEMBER_CODES if code not in STOCKS}
    value["members_start"] = at_start("members_start")
    value["members_end"] = at_end("members_end")
    value["probationary_end"] = at_end("probationary_end")
    rows: list[tuple[str, object]] = [(code, value[code]) for code in forms.MEMBER_CODES]
    rows.append(("members_net", value["members_end"] - value["members_start"]))
    rows.append(("members_left", sum(value[code] for code in forms.MEMBERS_LEFT)))
    rows.append(("admitted_rate_pct", percent(admitted, value["members_start"])))
    return rows


def grassroots_rows(
    window: str, periods: list[Period], cover: Covered, total: Callable[[str], int], percent: Percent
) -> list[tuple[str, object]]:
    """Grassroots organizations and the share that admitted members: for one half-year only, since a sum over
    half-years would count an organization twice."""
    if window != "period" or len(periods) != 1 or not all(cover.all_hold(c) for c in forms.GRASSROOTS_CODES):
        return []
    orgs, admitting = (total(code) for code in forms.GRASSROOTS_CODES)
    return [
        ("grassroots_orgs", orgs),
        ("grassroots_orgs_admitting", admitting),
        ("orgs_admitting_pct", percent(admitting, orgs)),
    ]


class Values(Protocol):
    """The figures summed by (period, scope, code) that `compute` keeps (`compute._Values`)."""

    table: dict[tuple[str, str, str], int]
    reported: set[tuple[str, str]]

    def total(self, periods: list[Period], scope: str, code: str) -> int: ...

    def at_edge(self, periods: list[Period], units: list[str], code: str, last: bool) -> int: ...


def rows(
    values: Values,
    form: Form,
    scope: str,
    units: list[str],
    window: str,
    periods: list[Period],
    edges: tuple[list[str], list[str]],
    percent: Percent,
) -> list[tuple[str, object]]:
    """Every indicator of SPEC 11 of one scope in one window; `edges`: the units counted at its start and
    at its end (`compute._at_edge`)."""
    start_units, end_units = edges
    admitted = values.total(periods, scope, forms.REQUIRED_CODE)
    cover = covered(values.table, values.reported, units, periods)

    def total(code: str) -> int:
        return values.total(periods, scope, code)

    found = category_rows(form, cover, total, admitted, percent)
    found += member_rows(
        cover,
        total,
        lambda code: values.at_edge(periods, start_units, code, last=False),
        lambda code: values.at_edge(periods, end_units, code, last=True),
        admitted,
        percent,
    )
    found += grassroots_rows(window, periods, cover, total, percent)
    return found
