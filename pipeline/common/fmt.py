"""Numbers and dates in vi-VN notation, through Babel: `3.722`, `73,67%`, `05/07/2017`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi_VN"
# How every document shows a figure that cannot be computed (a share of a target some unit has not been
# given, a change on a year not on record): `—` in a table, explained once under it, and these words in
# running text.
NOT_COMPUTABLE = "—"
NOT_COMPUTABLE_TEXT = "không tính được"
NOT_COMPUTABLE_NOTE = f"{NOT_COMPUTABLE}: {NOT_COMPUTABLE_TEXT} (chưa đủ chỉ tiêu tỉnh giao hoặc số liệu để so sánh)."


def number(value: int | Decimal | float | None) -> str:
    """A count: `3.722`; a count that is a half (a half-year's target) keeps one decimal: `142,5`; `—`
    when undefined."""
    if value is None:
        return NOT_COMPUTABLE
    if isinstance(value, Decimal | float) and value != int(value):
        return format_decimal(value, format="#,##0.0", locale=LOCALE)
    return format_decimal(int(value), format="#,##0", locale=LOCALE)


def decimal(value: Decimal | float, places: int = 2) -> str:
    """`30,60`: a fixed number of decimals, rounded half-up (Babel itself would round half-even)."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def percent(value: Decimal | float | None, places: int = 2) -> str:
    """`73,67%` (the article's notation: no space before the sign); `—` when undefined."""
    return NOT_COMPUTABLE if value is None else decimal(value, places) + "%"


def date_short(value: dt.date) -> str:
    """`05/07/2017`."""
    return format_date(value, format="dd/MM/y", locale=LOCALE)
