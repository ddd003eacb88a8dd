"""Half-year periods (`2017H1`): parsing, ordering and windows.

Standard library only, like the other modules the Makefile calls before the venv exists.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.layout import RETURNS_DIR
from pipeline.common.text import fold

_CODE = re.compile(r"^(\d{4})H([12])$")
# `6 tháng đầu năm 2017` after folding; `06 tháng …` and `6 tháng đầu 2017` are typed too.
_WORDS = re.compile(r"^0?6thang(dau|cuoi)(?:nam)?(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def index(self) -> int:
        return self.year * 2 + self.half - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 2, index % 2 + 1)

    def shift(self, halves: int) -> Period:
        return Period.from_index(self.index + halves)

    @property
    def first_of_year(self) -> Period:
        return Period(self.year, 1)

    def label_vi(self) -> str:
        """`6 tháng đầu năm 2017` / `6 tháng cuối năm 2017`."""
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"

    def end_month(self) -> int:
        return 6 if self.half == 1 else 12

    def end_date(self) -> dt.date:
        return dt.date(self.year, self.end_month(), 30 if self.half == 1 else 31)


@dataclass(frozen=True)
class Edition:
    """What a bulletin covers: one half-year (`2017H1`) or a whole year (`2017`, both halves)."""

    first: Period
    last: Period

    @classmethod
    def of(cls, covered: Period | Edition) -> Edition:
        """An edition as it is, a half-year as the edition of that half-year alone."""
        return covered if isinstance(covered, Edition) else cls(covered, covered)

    @property
    def annual(self) -> bool:
        return self.first != self.last

    @property
    def year(self) -> int:
        return self.last.year

    def __str__(self) -> str:
        return str(self.year) if self.annual else str(self.last)

    def periods(self) -> list[Period]:
        return span(self.first, self.last)

    def label_vi(self) -> str:
        """`năm 2017` or `6 tháng đầu năm 2017`."""
        return f"năm {self.year}" if self.annual else self.last.label_vi()

    def previous_year(self) -> Edition:
        """The same edition of the year before (`2016H1` for `2017H1`, `2016` for `2017`)."""
        return Edition(self.first.shift(-2), self.last.shift(-2))


_YEAR = re.compile(r"^(\d{4})$")


def parse_edition(text: str) -> Edition:
    """`2017H1` (a half-year) or `2017` (the whole year); raise ValueError otherwise."""
    year = _YEAR.match(text.strip())
    if year:
        return Edition(Period(int(year.group(1)), 1), Period(int(year.group(1)), 2))
    try:
        return Edition.of(parse(text))
    except ValueError:
        raise ValueError(
            f"kỳ không hợp lệ: {text!r} (cần YYYYH1, YYYYH2 cho bản tin 6 tháng hoặc YYYY cho bản tin năm)"
        ) from None


def parse(text: str) -> Period:
    """Parse `2017H1` strictly; raise ValueError otherwise."""
    match = _CODE.match(text.strip())
    if not match:
        raise ValueError(f"kỳ báo cáo không hợp lệ: {text!r} (cần dạng YYYYH1 hoặc YYYYH2, ví dụ 2017H1)")
    return Period(int(match.group(1)), int(match.group(2)))


def parse_loose(text: str) -> Period:
    """Parse a period as written in a return: `2017H1`, `2017h1` or `6 tháng đầu năm 2017`."""
    folded = fold(text)
    if _CODE.match(folded.upper()):
        return parse(folded.upper())
    match = _WORDS.match(folded)
    if match:
        return Period(int(match.group(2)), 1 if match.group(1) == "dau" else 2)
    raise ValueError(f"kỳ báo cáo không đọc được: {text!r}")


def span(first: Period, last: Period) -> list[Period]:
    """Every half-year from `first` to `last`, both included."""
    return [Period.from_index(i) for i in range(first.index, last.index + 1)]


def periods_on_record(raw_dir: Path, until: Period | None = None) -> list[Period]:
    """Half-years that have a returns folder (up to `until`, if given), in order; folders not named like
    a period are ignored."""
    found = []
    folder = Path(raw_dir) / RETURNS_DIR
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and _CODE.match(child.name):
                found.append(parse(child.name))
    return sorted(p for p in found if until is None or p <= until)


def editions_on_record(on_record: list[Period]) -> list[Edition]:
    """The editions that can be made from the half-years on record: each of them, then each year with
    both halves on record (`make reports` builds these)."""
    years = [p.year for p in on_record if p.half == 1 and Period(p.year, 2) in on_record]
    return [Edition.of(p) for p in on_record] + [Edition(Period(y, 1), Period(y, 2)) for y in years]
