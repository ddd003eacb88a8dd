"""Reading returns (SPEC 3): workbooks (.xlsx, .xls, .ods) and the CSV export, each figure with its cell.

Reading records what it cannot read as problems and goes on, so that one pass finds every problem.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from pipeline.common import fmt
from pipeline.common.text import fold, nfc
from pipeline.intake import forms
from pipeline.intake.cells import column_letter
from pipeline.intake.problems import ERROR, WARNING, has_errors
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


def _refuse(path: Path) -> tuple[str, str] | None:
    """(message, value) when the file must not be opened at all: too large, or a zip that would unpack
    to far more than a return ever holds (a "zip bomb")."""
    size, limit = path.stat().st_size, MAX_CSV_BYTES if path.suffix.lower() == CSV_SUFFIX else MAX_RETURN_BYTES
    if size > limit:
        return f"Tệp quá lớn để là một báo cáo (tối đa {limit // 2**20} MB).", f"{size / 2**20:.0f} MB"
    if path.suffix.lower() in (".xlsx", ".ods") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return None  # calamine will say it is corrupt
        if unpacked > MAX_UNPACKED_BYTES:
            return "Tệp nén bất thường: giải nén ra quá lớn, không phải một báo cáo.", f"{unpacked / 2**20:.0f} MB"
    return None


def _csv_rows(path: Path, file_label: str) -> list[list[str]] | Return:
    """The export's rows, header first; or a return holding the one problem that stops reading it."""
    ret = Return(file=file_label, form="csv")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        ret.problem(ERROR, Place(), "Tệp CSV không ở mã UTF-8 (khi lưu từ Excel, chọn «CSV UTF-8»).")
        return ret
    except (OSError, csv.Error) as error:
        ret.problem(ERROR, Place(), "Không đọc được tệp CSV.", type(error).__name__)
        return ret
    if len(rows) > MAX_CSV_ROWS:
        ret.problem(ERROR, Place(), f"Tệp CSV có quá nhiều dòng (tối đa {fmt.number(MAX_CSV_ROWS)}).", str(len(rows)))
        return ret
    header = [fold(v) for v in (rows[0] if rows else [])]
    if [fold(c) for c in CSV_COLUMNS] != header[: len(CSV_COLUMNS)]:
        found = ",".join(rows[0] if rows else [])
        ret.problem(ERROR, Place("", "A1"), "Dòng tiêu đề CSV không đúng.", found, ",".join(CSV_COLUMNS))
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
            ret.problem(ERROR, ret.unit_place, "Thiếu mã đơn vị.")
        if not period_text:
            ret.problem(ERROR, ret.period_place, "Thiếu kỳ báo cáo.", "", "ví dụ 2017H1")
    if period_text != ret.period_text:
        ret.problem(
            ERROR,
            Place("", f"B{line}"),
            "Kỳ báo cáo khác các dòng trước của cùng đơn vị.",
            period_text,
            ret.period_text,
        )
    return ret


def read_csv_export(path: Path, file_label: str) -> list[Return]:
    """The membership database's export: `unit_code,period,code,value`, any number of units."""
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
        unit_code, period_text, code, raw_value = (nfc(v) for v in row[: len(CSV_COLUMNS)])
        unit_code, code = unit_code.upper(), code.lower()
        ret = _csv_return(returns, file_label, unit_code, period_text, line)
        place = Place("", f"{value_column}{line}")
        if width != len(rows[0]):
            # Most often a number written with a comma (`1,5` or `1,234`) that split the value in two.
            ret.problem(
                ERROR,
                Place("", f"A{line}"),
                f"Dòng có {width} cột, khác dòng tiêu đề ({len(rows[0])} cột); số viết có dấu phẩy?",
                ",".join(row[:width]),
                ",".join(CSV_COLUMNS),
            )
            continue
        if code not in forms.ROW_BY_CODE:
            ret.problem(ERROR, Place("", f"C{line}"), "Mã chỉ tiêu không có trong mẫu.", code)
            continue
        if (unit_code, code) in seen:
            ret.problem(ERROR, place, f"Chỉ tiêu bị khai hai lần (đã có ở dòng {seen[unit_code, code]}).", code)
            continue
        seen[(unit_code, code)] = line
        count(ret, code, raw_value, place)
    for ret in returns.values():
        if (ret.unit_code, forms.REQUIRED_CODE) not in seen:
            ret.problem(ERROR, Place(), "Thiếu dòng bắt buộc admitted (tổng số đảng viên mới kết nạp).")
    if not returns:
        ret = Return(file=file_label, form="csv")
        ret.problem(ERROR, Place(), "Tệp CSV không có dòng số liệu nào.")
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
            severity = ERROR if has_errors(rest) else WARNING
            ret.problem(severity, Place(), f"… và {len(rest)} lỗi, cảnh báo khác trong tệp này (không liệt kê).")
    return returns


def _read_return_file(path: Path, file_label: str, form: forms.Form | None) -> list[Return]:
    try:
        refused = _refuse(path)
    except PermissionError:
        refused = ("Không có quyền đọc tệp.", "")
    if refused:
        ret = Return(file=file_label, form=path.suffix.lower().lstrip("."))
        ret.problem(ERROR, Place(), refused[0], refused[1])
        return [ret]
    if path.suffix.lower() == CSV_SUFFIX:
        return read_csv_export(path, file_label)
    return [read_workbook(path, file_label, form)]
