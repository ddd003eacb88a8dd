"""Cell values as people type them: Vietnamese number notation, dates, spreadsheet cell names."""

from __future__ import annotations

import datetime as dt
import re

_PLAIN = re.compile(r"^\d+$")
# `1.234`, `1 234`, `1 234` (no-break space): thousands grouped by a dot or a space.
_GROUPED = re.compile(r"^\d{1,3}(?:([.\u00a0\u202f ])\d{3})(?:\1\d{3})*$")
_BLANK = {"", "-", "–", "—"}
_DATE_TEXT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Text a reader takes for a number, right or wrong: `12`, `1.234`, `12,5`, `-3`, `40 %`.
_NUMBER_TEXT = re.compile(r"^[-+\u2212]?\d[\d.,\s\u00a0\u202f]*%?$")


class NotACountError(ValueError):
    """The cell does not hold a whole number ≥ 0."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """Zero-based row and column → `C7`."""
    return f"{column_letter(column)}{row + 1}"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _BLANK)


def reads_as_number(value: object) -> bool:
    """A number, or text that reads as one (whether or not it is a valid count)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMBER_TEXT.match(value.strip()) is not None


def parse_count(value: object) -> int | None:
    """A count cell → int; blank or `-` → None (the caller decides what blank means).

    Raises NotACountError for anything that is not a whole number ≥ 0.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise NotACountError(str(value))
    if isinstance(value, int):
        if value < 0:
            raise NotACountError(str(value))
        return value
    if isinstance(value, float):
        if value < 0 or not value.is_integer():
            raise NotACountError(format(value, "g"))
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN.match(text):
            return int(text)
        if _GROUPED.match(text):
            return int(re.sub(r"\D", "", text))
        raise NotACountError(text)
    raise NotACountError(str(value))


def parse_date(value: object) -> dt.date | None:
    """A date cell, or text `dd/mm/yyyy`; None when blank. Raises ValueError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_TEXT.match(str(value).strip())
    if not match:
        raise ValueError(str(value))
    day, month, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)
