"""The sample's returns: which unit sends what file when, laid out by the product's workbook writer and varied
the way each unit fills in its return (habits.csv, returns.toml), then written by the one writer of
`testdata.workbook`."""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.periods import Period
from pipeline.intake import forms, workbook_writer
from pipeline.intake.workbook_writer import Cell, Line, SheetLayout
from testdata import workbook
from testdata.sample.figures import Figures
from testdata.sample.tables import CSV_EXPORT, PERIODS, SAMPLE_CODES, SAMPLE_FORM, UNITS, VARIANTS, Habit, Unit


@dataclass
class Return:
    unit: Unit
    period: Period
    figures: dict[str, int]
    ext: str
    file_name: str
    prepared_on: dt.date
    habit: Habit
    period_words: bool
    date_as_text: bool
    text_numbers: bool
    total_row: bool = False
    nfd_sheets: bool = False
    nfd_label: str = ""  # the info field whose label is typed with decomposed diacritics
    blank_code: str = ""
    shuffle_rows: bool = False
    sheets: list[SheetLayout] = field(default_factory=list)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _file_stem(pattern: str, unit: Unit, period: Period) -> str:
    year, half = period.year, period.half
    six = f"6T{year}" if half == 1 else f"6Tcuoi{year}"
    stem = pattern.format(code=unit.code, period=str(period), slug=unit.slug, year=year, half=half, six=six)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", stem):
        raise ValueError(f"file name not ASCII-safe: {stem!r}")
    return stem


def _count_cell(n: int, ret: Return) -> Cell:
    if n == 0:
        return {"0": 0, "": None, "-": "-"}[ret.habit.zero]
    if ret.text_numbers:
        return f"{n:,}".replace(",", ".")
    return n


def _sheet_name(name: str, ret: Return) -> str:
    if ret.habit.sheet_case == "upper":
        name = name.upper()
    elif ret.habit.sheet_case == "lower":
        name = name.lower()
    return _nfd(name) if ret.nfd_sheets else name


def build_sheets(ret: Return, rng: random.Random) -> None:
    """Lay out the return on the default form (SPEC 3), then vary it the way its unit fills it in."""
    info: dict[str, Cell] = {
        "unit_code": ret.unit.code,
        "unit_name": ret.unit.name,
        "period": ret.period.label_vi() if ret.period_words else str(ret.period),
        "prepared_on": ret.prepared_on.strftime("%d/%m/%Y") if ret.date_as_text else ret.prepared_on,
        "prepared_by": ret.habit.prepared_by,
    }
    values = {code: _count_cell(n, ret) for code, n in ret.figures.items()}
    ret.sheets = workbook_writer.layout(SAMPLE_FORM, info, values)
    for sheet in ret.sheets:
        sheet.name = _sheet_name(sheet.name, ret)
        for line in sheet.lines:
            if line.code == ret.nfd_label and sheet.is_info:
                line.label = _nfd(line.label)
            if line.code == ret.blank_code and not sheet.is_info:
                line.code = None
    admissions = ret.sheets[1].lines
    if ret.shuffle_rows:
        rng.shuffle(admissions)
    if ret.total_row:
        admissions.append(Line(None, forms.TOTAL_ROW_LABEL, _count_cell(ret.figures["admitted"], ret)))


def plan_returns(fig: Figures, rng: random.Random) -> list[Return]:
    """Decide every workbook return: file name and form, date, and its departures from the habit."""
    returns: list[Return] = []
    for period in PERIODS:
        for unit in UNITS:
            offset = rng.randint(5, 15)
            if period == CSV_EXPORT.period and unit.code in CSV_EXPORT.units:
                continue
            habit = unit.habit
            variant = dict(VARIANTS.get((unit.code, str(period)), {}))
            ext = str(variant.pop("ext", habit.ext))
            ret = Return(
                unit=unit,
                period=period,
                figures=fig[unit.code, period],
                ext=ext,
                file_name=f"{_file_stem(habit.file_name, unit, period)}.{ext}",
                prepared_on=period.end_date() + dt.timedelta(days=offset),
                habit=habit,
                period_words=habit.period_words,
                date_as_text=habit.date_as_text,
                text_numbers=habit.text_numbers,
            )
            for key, value in variant.items():
                if not hasattr(ret, key):
                    raise ValueError(f"unknown variant {key!r} for {unit.code} {period}")
                setattr(ret, key, value)
            build_sheets(ret, rng)
            returns.append(ret)
    return returns


# The sample's column widths, narrower than the templates' (offices resize the columns of their copy).
LOOK = workbook_writer.Look(info_widths={"label": 16, "value": 40}, table_widths={"code": 26, "label": 52, "value": 10})


def write_return(ret: Return, path: Path) -> None:
    """The return as its unit saved it: the document by its author, dated the day it was prepared at 08:30."""
    day = ret.prepared_on
    stamp = dt.datetime(day.year, day.month, day.day, 8, 30, 0)
    workbook.write_layout(path, ret.sheets, LOOK, author=ret.habit.prepared_by, stamp=stamp)


def write_csv_export(fig: Figures, path: Path) -> None:
    """The units of CSV_EXPORT's half-year, in one export of the membership database."""
    period = CSV_EXPORT.period
    rows = [
        [code, period, row_code, fig[code, period][row_code]] for code in CSV_EXPORT.units for row_code in SAMPLE_CODES
    ]
    workbook.write_csv_export(path, rows)
