"""Indicators (SPEC 5), and the figures of the article the sample must reproduce (SPEC 7)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from pipeline.common.periods import Period, parse
from pipeline.indicators.compute import compute, percent
from pipeline.indicators.table import Indicators, round_half_up
from pipeline.intake.clean import clean_period
from pipeline.intake.reference import Reference
from tests.article import ARTICLE
from tests.conftest import SAMPLE_RAW

ON_RECORD = [Period(2016, 1), Period(2016, 2), Period(2017, 1)]
DISTRICTS = ("DBP", "MLA", "DBI", "DBD", "MAN", "TGI", "TCH", "MCH", "MNH", "NPO")


@pytest.fixture(scope="module")
def sample_indicators(sample_reference: Reference) -> pd.DataFrame:
    figures = pd.concat([clean_period(SAMPLE_RAW, p, sample_reference).figures for p in ON_RECORD])
    return compute(figures, sample_reference, Period(2017, 1), ON_RECORD)


def _value(frame: pd.DataFrame, scope: str, window: str, indicator: str) -> str:
    rows = frame[(frame["scope"] == scope) & (frame["window"] == window) & (frame["indicator"] == indicator)]
    assert len(rows) == 1, (scope, window, indicator, len(rows))
    return rows["value"].iloc[0]


@pytest.mark.parametrize(("indicator", "expected"), sorted(ARTICLE.items()))
def test_sample_reproduces_the_article(sample_indicators: pd.DataFrame, indicator: str, expected: str) -> None:
    assert _value(sample_indicators, "province", "term_to_date", indicator) == expected


def test_sample_target_exceeded_by_thirty_odd_percent(sample_indicators: pd.DataFrame) -> None:
    target_pct = Decimal(_value(sample_indicators, "province", "term_to_date", "target_pct"))
    assert Decimal(130) < target_pct < Decimal(135)


def test_round_half_up_is_exact() -> None:
    assert round_half_up(Fraction(1, 8)) == Decimal("0.13")  # 0.125: half-even would give 0.12
    assert round_half_up(Fraction(2742 * 100, 3722)) == Decimal("73.67")
    assert round_half_up(Fraction(-1, 8)) == Decimal("-0.13")
    assert percent(1, 0) is None
    assert percent(1381, 3722) == Decimal("37.10")


def _figures(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"period": p, "unit_code": u, "code": c, "value": v, "file": "f", "sheet": "s", "cell": "C2"}
            for p, u, c, v in rows
        ]
    )


def test_windows_targets_villages_and_previous_year(sample_reference: Reference) -> None:
    rows = []
    for period, admitted, no_member in [("2016H1", 10, (9, 8)), ("2016H2", 20, (8, 6)), ("2017H1", 30, (6, 5))]:
        rows += [
            (period, "DBP", "admitted", admitted),
            (period, "DBP", "women", admitted // 3),
            (period, "DBP", "villages_total", 100),
            (period, "DBP", "villages_no_member_start", no_member[0]),
            (period, "DBP", "villages_no_member_end", no_member[1]),
            (period, "DBP", "new_village_cells", 1),
        ]
    rows.append(("2017H1", "MLA", "admitted", 3))
    frame = compute(_figures(rows), sample_reference, parse("2017H1"), ON_RECORD)
    ind = Indicators(frame)
    dbp_2016 = sample_reference.targets[("DBP", 2016)]
    dbp_2017 = sample_reference.targets[("DBP", 2017)]

    assert ind.get("DBP", "period", "admitted") == 30
    assert ind.get("DBP", "year_to_date", "admitted") == 30
    assert ind.get("DBP", "term_to_date", "admitted") == 60
    assert ind.get("province", "period", "admitted") == 33
    assert ind.get("DBP", "term_to_date", "women_pct") == Decimal("31.67")  # (3+6+10)/60
    # Each half-year counts half of its year's annual target.
    assert Fraction(str(ind.get("DBP", "term_to_date", "target"))) == dbp_2016 + Fraction(dbp_2017, 2)
    assert ind.get("DBP", "year_to_date", "annual_target") == dbp_2017
    assert ind.get("DBP", "year_to_date", "annual_target_pct") == percent(30, dbp_2017)
    # Villages: start of the window's first half-year, end of its last, new cells summed.
    assert ind.get("DBP", "term_to_date", "villages_no_member_start") == 9
    assert ind.get("DBP", "term_to_date", "villages_no_member_end") == 5
    assert ind.get("DBP", "term_to_date", "villages_no_member_eliminated") == 4
    assert ind.get("DBP", "period", "villages_no_member_start") == 6
    assert ind.get("DBP", "term_to_date", "new_village_cells") == 3
    # Same half-year of the year before.
    assert ind.get("DBP", "period", "admitted_prev_year") == 10
    assert ind.get("DBP", "period", "admitted_change_pct") == Decimal("200.00")
    # A unit with nothing admitted has no shares rather than a division by zero.
    assert not ind.has("KCQ", "period", "women_pct")
    assert ind.get("KCQ", "period", "admitted") == 0


def test_no_previous_year_on_record(sample_reference: Reference) -> None:
    frame = compute(_figures([("2016H2", "DBP", "admitted", 4)]), sample_reference, parse("2016H2"), ON_RECORD[:2])
    ind = Indicators(frame)
    assert not ind.has("province", "period", "admitted_prev_year")
    assert not ind.has("province", "period", "admitted_change_pct")


def test_values_are_written_as_integers_and_two_decimals(sample_indicators: pd.DataFrame) -> None:
    values = sample_indicators.set_index(["scope", "window", "indicator"])["value"]
    pct = values[values.index.get_level_values("indicator").str.endswith("_pct")]
    assert pct.str.fullmatch(r"-?\d+\.\d{2}").all()
    counts = values[values.index.get_level_values("indicator").isin(["admitted", "women", "villages_total"])]
    assert counts.str.fullmatch(r"\d+").all()


def test_trend_has_every_half_year(sample_reference: Reference) -> None:
    figures = _figures([("2016H1", "DBP", "admitted", 4), ("2017H1", "DBP", "admitted", 6)])
    ind = Indicators(compute(figures, sample_reference, parse("2017H1"), ON_RECORD))
    assert ind.trend() == [("2016H1", 4, 950), ("2016H2", 0, 950), ("2017H1", 6, 950)]
    assert ind.get("province", "2017H1", "target_pct") == Decimal("0.63")


def test_kinds_of_unit_are_scopes_of_their_own(sample_reference: Reference) -> None:
    figures = _figures(
        [("2017H1", "DBP", "admitted", 100), ("2017H1", "MLA", "admitted", 20), ("2017H1", "CAT", "admitted", 7)]
    )
    ind = Indicators(compute(figures, sample_reference, parse("2017H1"), ON_RECORD))
    assert [s for s in ind.scopes() if s.startswith("kind:")] == ["kind:district", "kind:bloc", "kind:armed_forces"]
    assert ind.get("kind:district", "period", "admitted") == 120
    assert ind.get("kind:armed_forces", "period", "admitted") == 7
    district_target = sum(t for (u, y), t in sample_reference.targets.items() if y == 2017 and u in DISTRICTS) / 2
    assert ind.get("kind:district", "period", "target") == district_target
    pct = ind.get("kind:district", "period", "target_pct")
    assert pct == percent(120, Fraction(district_target).limit_denominator())
    assert ind.get("kind:district", "period", "target_excess_pct") == pct - 100  # type: ignore[operator]
    assert "CAT" in ind.unit_scopes() and "kind:bloc" not in ind.unit_scopes()


def test_a_missing_target_is_withheld_by_one_rule_everywhere(sample_reference: Reference) -> None:
    """No target for one district in 2017: every aggregate that counts it is withheld (province, districts,
    the trend's 2017H1), the others stay."""
    targets = {key: value for key, value in sample_reference.targets.items() if key != ("DBP", 2017)}
    reference = replace(sample_reference, targets=targets)
    ind = Indicators(compute(_figures([("2017H1", "DBP", "admitted", 9)]), reference, parse("2017H1"), ON_RECORD))
    for scope in ("province", "kind:district", "DBP"):
        for window in ("period", "year_to_date", "term_to_date"):
            assert not ind.has(scope, window, "target_pct"), (scope, window)
            assert not ind.has(scope, window, "target_excess_pct"), (scope, window)
    assert ind.has("kind:bloc", "term_to_date", "target_pct") and ind.has("MLA", "term_to_date", "target_pct")
    assert ind.trend()[-1] == ("2017H1", 9, None) and ind.trend()[0][2] == 950


def test_villages_of_a_unit_missing_from_a_half_year_are_not_zero(sample_reference: Reference) -> None:
    """In a draft, a unit without a return in the window's first half-year starts from its first return."""
    rows = [
        ("2016H2", "MNH", "admitted", 5),
        ("2016H2", "MNH", "villages_total", 90),
        ("2016H2", "MNH", "villages_no_member_start", 20),
        ("2016H2", "MNH", "villages_no_member_end", 18),
        ("2017H1", "MNH", "admitted", 5),
        ("2017H1", "MNH", "villages_total", 90),
        ("2017H1", "MNH", "villages_no_member_start", 18),
        ("2017H1", "MNH", "villages_no_member_end", 14),
    ]
    ind = Indicators(compute(_figures(rows), sample_reference, parse("2017H1"), ON_RECORD))
    assert ind.get("MNH", "term_to_date", "villages_no_member_start") == 20
    assert ind.get("MNH", "term_to_date", "villages_no_member_eliminated") == 6


def test_no_target_shown_when_a_unit_has_none(sample_reference: Reference) -> None:
    from dataclasses import replace

    targets = {key: value for key, value in sample_reference.targets.items() if key != ("DBP", 2017)}
    reference = replace(sample_reference, targets=targets)
    ind = Indicators(compute(_figures([("2017H1", "DBP", "admitted", 4)]), reference, parse("2017H1"), ON_RECORD))
    assert not ind.has("DBP", "term_to_date", "target_pct")
    assert not ind.has("province", "term_to_date", "target_pct")  # a partial target would flatter the province
    assert not ind.has("province", "year_to_date", "annual_target")
    assert ind.has("MLA", "term_to_date", "target_pct")
    assert ind.has("DBP", "period", "admitted")


def test_a_start_is_checked_against_the_predecessors_end() -> None:
    """A unit formed by a merger starts from the sum of its predecessors' ends; without all of them, or
    with none, there is nothing to check against."""
    from pipeline.intake.checks import _end_before

    ends = {
        ("A", "villages_joint_end"): (3, "a.xlsx", "Tổ chức", "C6"),
        ("B", "villages_joint_end"): (4, "b.csv", "", "D9"),
    }
    value, where = _end_before("AB", ("A", "B"), "villages_joint_end", ends)  # type: ignore[misc]
    assert value == 7 and "a.xlsx, Tổ chức!C6" in where and "b.csv, D9" in where
    assert _end_before("AC", ("A", "C"), "villages_joint_end", ends) is None
    assert _end_before("NEW", (), "villages_joint_end", ends) is None
    assert _end_before("A", ("B",), "villages_joint_end", ends)[0] == 3  # type: ignore[index]
