"""Reading returns (SPEC 3): workbooks (.xlsx, .xls, .ods) and the CSV export, each figure with its cell.

Reading records what it cannot read as problems and goes on, so that one pass finds every problem.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from pipeline.common import fmt
from pipeline.common.text import fold, nfc, unit_code
from pipeline.intake import forms
from pipeline.intake.cells import column_letter
from pipeline.intake.problems import has_errors
from pipeline.intake.return_record import Figure, Place, Return, count
from pipeline.intake.workbook_reader import read_workbook

__all__ = ["Figure", "Place", "Return", "read_csv_export", "read_return_file", "read_workbook"]

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
CSV_SUFFIX = ".csv"
RETURN_SUFFIXES = (*WORKBOOK_SUFFIXES, CSV_SUFFIX)
CSV_COLUMNS = ("unit_code", "period", "code", "value")
# A return is a few kilobytes; these bound what a mistaken or hostile file can cost.
MAX_RETURN_BYTES = 20 * 2**20
MAX_CSV_BYTES = 200 * 2**20  # a database export may hold a whole province's history
MAX_CSV_ROWS = 250_000  # a national export of one half-year is about 31,000 rows
MAX_PROBLEMS_PER_RETURN = 50  # past that, more lines help nobody fix the file
MAX_UNPACKED_BYTES = 100 * 2**20


def _refuse(path: Path) -> tuple[str, str, dict[str, object]] | None:
    """(rule id, value, fields) when the file must not be opened at all: too large, or a zip that would
    unpack to far more than a return ever holds (a "zip bomb")."""
    size, limit = path.stat().st_size, MAX_CSV_BYTES if path.suffix.lower() == CSV_SUFFIX else MAX_RETURN_BYTES
    if size > limit:
        return "file-too-large", f"{size / 2**20:.0f} MB", {"limit_mb": limit // 2**20}
    if path.suffix.lower() in (".xlsx", ".ods") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return None  # calamine will say it is corrupt
        if unpacked > MAX_UNPACKED_BYTES:
            return "file-zip-bomb", f"{unpacked / 2**20:.0f} MB", {}
    return None


def _csv_rows(path: Path, file_label: str) -> list[list[str]] | Return:
    """The export's rows, header first; or a return holding the one problem that stops reading it."""
    ret = Return(file=file_label, form="csv")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        ret.report("csv-not-utf8", Place())
        return ret
    except (OSError, csv.Error) as error:
        ret.report("csv-unreadable", Place(), type(error).__name__)
        return ret
    if len(rows) > MAX_CSV_ROWS:
        ret.report("csv-too-many-rows", Place(), str(len(rows)), limit=fmt.number(MAX_CSV_ROWS))
        return ret
    header = [fold(v) for v in (rows[0] if rows else [])]
    if [fold(c) for c in CSV_COLUMNS] != header[: len(CSV_COLUMNS)]:
        found = ",".join(rows[0] if rows else [])
        ret.report("csv-header-wrong", Place("", "A1"), found, ",".join(CSV_COLUMNS))
        return ret
    return rows


def _csv_return(returns: dict[str, Return], file_label: str, unit_code: str, period_text: str, line: int) -> Return:
    """The return of `unit_code`, begun at its first line."""
    ret = returns.get(unit_code)
    if ret is None:
        ret = returns[unit_code] = Return(
            file=file_label,
            form="csv",
            unit_code=unit_code,
            unit_place=Place("", f"A{line}"),
            period_text=period_text,
            period_place=Place("", f"B{line}"),
        )
        if not unit_code:
            ret.report("csv-unit-code-missing", ret.unit_place)
        if not period_text:
            ret.report("csv-period-missing", ret.period_place)
    if period_text != ret.period_text:
        ret.report("csv-period-differs", Place("", f"B{line}"), period_text, ret.period_text)
    return ret


def read_csv_export(path: Path, file_label: str, form: forms.Form | None = None) -> list[Return]:
    """The membership database's export: `unit_code,period,code,value`, any number of units; `code` is a
    row code of the form (the province's own categories' too)."""
    known = set((form or forms.DEFAULT).codes)
    rows = _csv_rows(path, file_label)
    if isinstance(rows, Return):
        return [rows]
    value_column = column_letter(CSV_COLUMNS.index("value"))
    returns: dict[str, Return] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if all(not v.strip() for v in row):
            continue
        width = len(row)
        row = row + [""] * (len(CSV_COLUMNS) - len(row))
        unit_text, period_text, code, raw_value = (nfc(v) for v in row[: len(CSV_COLUMNS)])
        unit, code = unit_code(unit_text), code.lower()
        ret = _csv_return(returns, file_label, unit, period_text, line)
        place = Place("", f"{value_column}{line}")
        if width != len(rows[0]):
            # Most often a number written with a comma (`1,5` or `1,234`) that split the value in two.
            ret.report(
                "csv-columns",
                Place("", f"A{line}"),
                ",".join(row[:width]),
                ",".join(CSV_COLUMNS),
                width=width,
                header_width=len(rows[0]),
            )
            continue
        if code not in known:
            ret.report("csv-code-unknown", Place("", f"C{line}"), code)
            continue
        if (unit, code) in seen:
            ret.report("csv-code-twice", place, code, first=seen[unit, code])
            continue
        seen[(unit, code)] = line
        count(ret, code, raw_value, place)
    for ret in returns.values():
        if (ret.unit_code, forms.REQUIRED_CODE) not in seen:
            ret.report("csv-required-missing", Place())
    if not returns:
        ret = Return(file=file_label, form="csv")
        ret.report("csv-empty", Place())
        return [ret]
    return list(returns.values())


def read_return_file(path: Path, file_label: str, form: forms.Form | None = None) -> list[Return]:
    """Every unit's return in one file, each with at most MAX_PROBLEMS_PER_RETURN problems listed.
    `form`: the province's form (`forms.load_form`), for workbooks; the default form when None."""
    returns = _read_return_file(path, file_label, form)
    for ret in returns:
        if len(ret.problems) > MAX_PROBLEMS_PER_RETURN:
            rest = ret.problems[MAX_PROBLEMS_PER_RETURN:]
            ret.problems = ret.problems[:MAX_PROBLEMS_PER_RETURN]
            rule_id = "file-problems-not-listed" if has_errors(rest) else "file-warnings-not-listed"
            ret.report(rule_id, Place(), count=len(rest))
    return returns


def _read_return_file(path: Path, file_label: str, form: forms.Form | None) -> list[Return]:
    try:
        refused = _refuse(path)
    except PermissionError:
        refused = ("file-not-permitted", "", {})
    if refused:
        ret = Return(file=file_label, form=path.suffix.lower().lstrip("."))
        rule_id, value, fields = refused
        ret.report(rule_id, Place(), value, **fields)
        return [ret]
    if path.suffix.lower() == CSV_SUFFIX:
        return read_csv_export(path, file_label, form)
    return [read_workbook(path, file_label, form)]
