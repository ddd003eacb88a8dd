"""How a reader is told which half-year, year or window a figure is of: one table of words for every document.

Codes (`2017H1`, `term_to_date`) stay in file names, `indicators.csv`, placeholders and messages to analysts;
what reaches the leadership says «6 tháng đầu năm 2017», «từ đầu năm 2016 đến hết tháng 6-2017», the way
the provincial articles say them. Standard library only, like periods.py.
"""

from __future__ import annotations

from pipeline.common.errors import CellArgumentError
from pipeline.common.periods import Edition, Period

# The three windows of an edition's indicators (pipeline/indicators/table.py WINDOWS), by their short names:
# what a table's header or a revision note says when the edition is named nearby.
WINDOW_NAMES = {"period": "trong kỳ", "year_to_date": "từ đầu năm", "term_to_date": "từ đầu nhiệm kỳ"}


def half_year(period: Period) -> str:
    """`6 tháng đầu năm 2017` / `6 tháng cuối năm 2016`."""
    return period.label_vi()


def year(number: int) -> str:
    """`năm 2016`."""
    return f"năm {number}"


def edition(covered: Period | Edition) -> str:
    """`6 tháng đầu năm 2017` for a half-year's edition, `năm 2017` for a year's."""
    return Edition.of(covered).label_vi()


def start_edge(period: Period) -> str:
    """When a half-year starts: `đầu năm 2016` / `đầu tháng 7-2016`."""
    return f"đầu {year(period.year)}" if period.half == 1 else f"đầu tháng 7-{period.year}"


def end_edge(period: Period) -> str:
    """When a half-year ends: `cuối tháng 6-2017` / `cuối năm 2017`."""
    return f"cuối tháng 6-{period.year}" if period.half == 1 else f"cuối {year(period.year)}"


def span(first: Period, last: Period) -> str:
    """The half-years from `first` to `last`: `từ đầu năm 2016 đến hết tháng 6-2017`."""
    start = f"đầu {year(first.year)}" if first.half == 1 else f"tháng 7-{first.year}"
    end = f"tháng 6-{last.year}" if last.half == 1 else year(last.year)
    return f"từ {start} đến hết {end}"


def check_window(window: str) -> str:
    """`window` itself when it is one of the three; else the error an analyst's notebook cell is shown."""
    if window not in WINDOW_NAMES:
        accepted = ", ".join(f'"{name}" ({words})' for name, words in WINDOW_NAMES.items())
        raise CellArgumentError(f"window={window!r} không hợp lệ: chỉ dùng một trong ba giá trị {accepted}.")
    return window


def window_name(window: str) -> str:
    """`trong kỳ` / `từ đầu năm` / `từ đầu nhiệm kỳ`: the window by its short name."""
    return WINDOW_NAMES[check_window(window)]


def window_words(window: str, covered: Period | Edition, first: Period) -> str:
    """A window of the edition `covered` in words, `first` being the window's first half-year:
    `6 tháng đầu năm 2017` (the edition), `từ đầu năm 2017 đến hết tháng 6-2017` (the year so far; `cả năm
    2017` once it is whole), `từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)` (the term so far)."""
    check_window(window)
    covered = Edition.of(covered)
    if window == "period":
        return edition(covered)
    if window == "year_to_date":
        last = covered.last
        return f"cả {year(last.year)}" if last.half == 2 else span(last.first_of_year, last)
    return f"{WINDOW_NAMES['term_to_date']} ({span(first, covered.last)})"


def capitalized(text: str) -> str:
    """The words at the start of a sentence or a header: only the first letter changes."""
    return text[:1].upper() + text[1:]
