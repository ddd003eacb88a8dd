"""The indicators table (`indicators.csv`, SPEC 5): its scopes and windows, and its values as written and read.

Standard library and pandas only: every stage after the indicators reads it (`Indicators`), and nothing here
knows how a figure is computed (`compute`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pandas as pd

PROVINCE = "province"
WINDOWS = ("period", "year_to_date", "term_to_date")
INDICATOR_COLUMNS = ("scope", "window", "indicator", "value")


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Exact half-up rounding (Python's round() is half-even and floats are inexact)."""
    scale = 10**places
    scaled = math.floor(abs(value) * scale + Fraction(1, 2))
    return Decimal(scaled if value >= 0 else -scaled).scaleb(-places)


KIND_PREFIX = "kind:"


def kind_scope(kind: str) -> str:
    """`kind:district`: the scope of every unit of one kind (SPEC 3's `unit_kind`)."""
    return f"{KIND_PREFIX}{kind}"


def is_unit_scope(scope: str) -> bool:
    return scope != PROVINCE and not scope.startswith(KIND_PREFIX)


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

    def items(self) -> list[tuple[tuple[str, str, str], int | Decimal]]:
        """Every row: ((scope, window, indicator), value)."""
        return list(self._table.items())

    def names(self) -> list[str]:
        """Every indicator's name, in the order of the file."""
        return list(dict.fromkeys(self.frame["indicator"]))

    def has(self, scope: str, window: str, indicator: str) -> bool:
        return (scope, window, indicator) in self._table

    def scopes(self) -> list[str]:
        return list(dict.fromkeys(self.frame["scope"]))

    def unit_scopes(self) -> list[str]:
        """The units, in units.csv order (without the province and the kinds of unit)."""
        return [scope for scope in self.scopes() if is_unit_scope(scope)]

    def trend(self) -> list[tuple[str, int, int | Decimal | None]]:
        """(half-year, admitted, target) of the province for every half-year on record (target None when
        not computable)."""
        halves = [w for s, w, i in self._table if s == PROVINCE and i == "admitted" and w not in WINDOWS]
        return [(w, int(self._table[(PROVINCE, w, "admitted")]), self.get(PROVINCE, w, "target")) for w in halves]
