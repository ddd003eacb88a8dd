"""Reading returns (SPEC 3): workbooks (.xlsx, .xls, .ods) and the CSV export, each figure with its cell.

Reading records what it cannot read as problems and goes on, so that one pass finds every problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from pipeline import fmt, forms
from pipeline.cells import NotACountError, cell_name, column_letter, is_blank, parse_count, parse_date
from pipeline.problems import ERROR, WARNING, Problem, has_errors
from pipeline.text import fold, nfc
from pipeline.xlsx_formulas import Formula, UnsafeWorkbookError, formula_cells

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

_CALAMINE_ERRORS = (
    calamine.CalamineError,
    calamine.PasswordError,
    calamine.XmlError,
    calamine.ZipError,
    calamine.WorksheetNotFound,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class Place:
    sheet: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Figure:
    code: str
    value: int
    place: Place


@dataclass
class Return:
    """One unit's return for one half-year, as read, before checking."""

    file: str
    form: str
    unit_code: str = ""
    unit_place: Place = Place()
    unit_name: str = ""
    period_text: str = ""
    period_place: Place = Place()
    prepared_on: dt.date | None = None
    prepared_place: Place = Place()
    prepared_by: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)
    total: Figure | None = None  # the `Tổng cộng` row of `Kết nạp`, if any
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, severity: str, place: Place, message: str, value: object = "", expected: str = "", check: str = ""
    ) -> None:
        self.problems.append(
            Problem(
                severity=severity,
                period="",
                unit_code=self.unit_code,
                file=self.file,
                sheet=place.sheet,
                cell=place.cell,
                value="" if value is None else nfc(value),
                expected=expected,
                message=message,
                check=check,
            )
        )


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _count(ret: Return, code: str, raw: object, place: Place) -> None:
    """Record one figure; blank and `-` mean 0 except for the required `admitted`."""
    try:
        value = parse_count(raw)
    except NotACountError:
        ret.problem(ERROR, place, "Giá trị không phải số nguyên không âm.", _show(raw), "số nguyên ≥ 0")
        return
    if value is None:
        if code == forms.REQUIRED_CODE:
            ret.problem(ERROR, place, "Thiếu tổng số đảng viên mới kết nạp.", "", "số nguyên ≥ 0")
            return
        value = 0
    ret.figures[code] = Figure(code, value, place)


def _read_info(ret: Return, rows: list[list[object]], sheet: str) -> None:
    wanted = {fold(label): key for key, label in forms.INFO_LABELS.items()}
    found: dict[str, tuple[object, Place]] = {}
    for r, row in enumerate(rows):
        key = wanted.get(fold(row[0] if row else None))
        if key and key not in found:
            found[key] = (row[1] if len(row) > 1 else None, Place(sheet, cell_name(r, 1)))
    for key in ("unit_code", "period"):
        if key not in found or is_blank(found[key][0]):
            place = found[key][1] if key in found else Place(sheet, "")
            ret.problem(ERROR, place, f"Thiếu dòng «{forms.INFO_LABELS[key]}» hoặc dòng này để trống.")
    if "unit_code" in found:
        ret.unit_code = nfc(_show(found["unit_code"][0])).upper()
        ret.unit_place = found["unit_code"][1]
    if "unit_name" in found:
        ret.unit_name = nfc(found["unit_name"][0])
    if "period" in found:
        ret.period_text = nfc(_show(found["period"][0]))
        ret.period_place = found["period"][1]
    if "prepared_by" in found:
        ret.prepared_by = nfc(found["prepared_by"][0])
    if "prepared_on" in found:
        raw, place = found["prepared_on"]
        ret.prepared_place = place
        try:
            ret.prepared_on = parse_date(raw)
        except ValueError:
            ret.problem(WARNING, place, "Ngày lập không đọc được.", _show(raw), "ngày dạng dd/mm/yyyy")
    # Problems found before the unit code was read carry no unit yet.
    ret.problems = [p if p.unit_code else _with_unit(p, ret.unit_code) for p in ret.problems]


def _with_unit(problem: Problem, unit_code: str) -> Problem:
    return Problem(**{**problem.as_row(), "unit_code": unit_code})


def _read_table(ret: Return, rows: list[list[object]], sheet: str, form_sheet: str) -> None:
    header = forms.ADMISSIONS_HEADER if form_sheet == forms.SHEET_ADMISSIONS else forms.ORGANIZATION_HEADER
    found_header = tuple(fold(v) for v in (rows[0] if rows else [])[:3])
    if found_header != tuple(fold(v) for v in header):
        ret.problem(
            ERROR,
            Place(sheet, "A1:C1"),
            "Dòng tiêu đề không đúng mẫu.",
            " | ".join(_show(v) for v in (rows[0] if rows else [])[:3]),
            " | ".join(header),
        )
    form_rows = forms.ROWS_BY_SHEET[form_sheet]
    codes = {row.code for row in form_rows}
    by_label = {fold(row.label): row.code for row in form_rows}
    seen: dict[str, str] = {}
    for r, row in enumerate(rows[1:], start=1):
        # Only columns A to C belong to the form: a note typed in D is not a row of its own.
        raw_code, raw_label, raw_value = (list(row[:3]) + [None] * 3)[:3]
        if all(is_blank(v) for v in (raw_code, raw_label, raw_value)):
            continue
        code_place = Place(sheet, cell_name(r, 0))
        value_place = Place(sheet, cell_name(r, 2))
        code = nfc(_show(raw_code)).lower()
        if not code:
            if fold(raw_label) == fold(forms.TOTAL_ROW_LABEL):
                _read_total(ret, raw_value, value_place, form_sheet)
                continue
            code = by_label.get(fold(raw_label), "")
            if not code:
                ret.problem(
                    ERROR,
                    Place(sheet, cell_name(r, 1)),
                    "Dòng không có mã và tên chỉ tiêu không khớp với mẫu.",
                    _show(raw_label),
                    "một chỉ tiêu của mẫu",
                )
                continue
        if code not in codes:
            if fold(code) == fold(forms.TOTAL_ROW_LABEL):
                _read_total(ret, raw_value, value_place, form_sheet)
                continue
            ret.problem(ERROR, code_place, f"Mã chỉ tiêu không có trong mẫu trang «{form_sheet}».", code)
            continue
        if code in seen:
            ret.problem(ERROR, code_place, f"Mã chỉ tiêu bị khai hai lần (đã có ở ô {seen[code]}).", code)
            continue
        seen[code] = code_place.cell
        _count(ret, code, raw_value, value_place)
    if not seen:
        # No row at all: one problem, not one per row. An empty `Tổ chức` is the checks' business
        # (it is right for a unit without villages).
        if form_sheet == forms.SHEET_ADMISSIONS:
            ret.problem(ERROR, Place(sheet, ""), f"Trang «{form_sheet}» không có dòng số liệu nào của mẫu.")
        return
    for form_row in form_rows:
        if form_row.code not in seen and form_row.code != forms.REQUIRED_CODE:
            ret.problem(
                WARNING,
                Place(sheet, ""),
                f"Thiếu dòng «{form_row.label}» ({form_row.code}); coi là 0.",
            )
    if form_sheet == forms.SHEET_ADMISSIONS and forms.REQUIRED_CODE not in seen:
        ret.problem(ERROR, Place(sheet, ""), "Thiếu dòng bắt buộc «Tổng số đảng viên mới kết nạp» (admitted).")


def _read_total(ret: Return, raw: object, place: Place, form_sheet: str) -> None:
    if form_sheet != forms.SHEET_ADMISSIONS or is_blank(raw):
        return  # a total row of `Tổ chức` has nothing to add up to; it is ignored
    try:
        ret.total = Figure("total", parse_count(raw) or 0, place)
    except NotACountError:
        ret.problem(ERROR, place, "Giá trị không phải số nguyên không âm.", _show(raw), "số nguyên ≥ 0")


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


def read_workbook(path: Path, file_label: str) -> Return:
    ret = Return(file=file_label, form=path.suffix.lower().lstrip("."))
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        sheets = {fold(name): name for name in workbook.sheet_names}
        contents = {}
        for form_sheet in (forms.SHEET_INFO, forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION):
            name = sheets.get(fold(form_sheet))
            if name is not None:
                contents[form_sheet] = (name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
    except calamine.PasswordError:
        ret.problem(ERROR, Place(), "Tệp được đặt mật khẩu: gỡ mật khẩu (hoặc lưu lại không mật khẩu) rồi gửi lại.")
        return ret
    except PermissionError:
        ret.problem(ERROR, Place(), "Không có quyền đọc tệp.")
        return ret
    except _CALAMINE_ERRORS as error:
        ret.problem(ERROR, Place(), "Không mở được tệp: tệp hỏng hoặc không phải bảng tính.", type(error).__name__)
        return ret
    formulas = {}
    if ret.form == "xlsx":
        try:
            formulas = formula_cells(path)
        except UnsafeWorkbookError as error:
            ret.problem(
                ERROR, Place(), "Tệp chứa khai báo XML nguy hiểm; không đọc. Hãy lưu lại tệp từ Excel.", str(error)
            )
            return ret
    if forms.SHEET_INFO in contents:
        _read_info(ret, contents[forms.SHEET_INFO][1], contents[forms.SHEET_INFO][0])
    for form_sheet in (forms.SHEET_INFO, forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION):
        if form_sheet not in contents:
            ret.problem(
                ERROR,
                Place(form_sheet, ""),
                f"Thiếu trang «{form_sheet}».",
                ", ".join(workbook.sheet_names),
                f"một trang tên «{form_sheet}»",
            )
    for form_sheet in (forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION):
        if form_sheet in contents:
            name, rows = contents[form_sheet]
            _read_table(ret, rows, name, form_sheet)
    _check_formulas(ret, formulas)
    return ret


def _check_formulas(ret: Return, formulas: dict[str, dict[str, Formula]]) -> None:
    """A figure computed by a formula is used as computed, and said so; one never computed is an error."""
    for figure in [*ret.figures.values(), *([ret.total] if ret.total else [])]:
        formula = formulas.get(figure.place.sheet, {}).get(figure.place.cell)
        if formula is None:
            continue
        if formula.has_value:
            ret.problem(
                WARNING,
                figure.place,
                "Ô chứa công thức; dùng giá trị đã tính sẵn trong tệp.",
                formula.text,
                "một số gõ vào",
            )
        else:
            ret.problem(
                ERROR,
                figure.place,
                "Ô chứa công thức nhưng tệp chưa lưu giá trị đã tính (mở tệp trong Excel, lưu lại rồi gửi).",
                formula.text,
                "một số gõ vào",
            )


def read_csv_export(path: Path, file_label: str) -> list[Return]:
    """The membership database's export: `unit_code,period,code,value`, any number of units."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        ret = Return(file=file_label, form="csv")
        ret.problem(ERROR, Place(), "Tệp CSV không ở mã UTF-8 (khi lưu từ Excel, chọn «CSV UTF-8»).")
        return [ret]
    except (OSError, csv.Error) as error:
        ret = Return(file=file_label, form="csv")
        ret.problem(ERROR, Place(), "Không đọc được tệp CSV.", type(error).__name__)
        return [ret]
    if len(rows) > MAX_CSV_ROWS:
        ret = Return(file=file_label, form="csv")
        ret.problem(ERROR, Place(), f"Tệp CSV có quá nhiều dòng (tối đa {fmt.number(MAX_CSV_ROWS)}).", str(len(rows)))
        return [ret]
    header = [fold(v) for v in (rows[0] if rows else [])]
    if [fold(c) for c in CSV_COLUMNS] != header[: len(CSV_COLUMNS)]:
        ret = Return(file=file_label, form="csv")
        ret.problem(
            ERROR,
            Place("", "A1"),
            "Dòng tiêu đề CSV không đúng.",
            ",".join(rows[0] if rows else []),
            ",".join(CSV_COLUMNS),
        )
        return [ret]
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
        _count(ret, code, raw_value, place)
    for ret in returns.values():
        if (ret.unit_code, forms.REQUIRED_CODE) not in seen:
            ret.problem(ERROR, Place(), "Thiếu dòng bắt buộc admitted (tổng số đảng viên mới kết nạp).")
    if not returns:
        ret = Return(file=file_label, form="csv")
        ret.problem(ERROR, Place(), "Tệp CSV không có dòng số liệu nào.")
        return [ret]
    return list(returns.values())


def read_return_file(path: Path, file_label: str) -> list[Return]:
    """Every unit's return in one file, each with at most MAX_PROBLEMS_PER_RETURN problems listed."""
    returns = _read_return_file(path, file_label)
    for ret in returns:
        if len(ret.problems) > MAX_PROBLEMS_PER_RETURN:
            rest = ret.problems[MAX_PROBLEMS_PER_RETURN:]
            ret.problems = ret.problems[:MAX_PROBLEMS_PER_RETURN]
            severity = ERROR if has_errors(rest) else WARNING
            ret.problem(severity, Place(), f"… và {len(rest)} lỗi, cảnh báo khác trong tệp này (không liệt kê).")
    return returns


def _read_return_file(path: Path, file_label: str) -> list[Return]:
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
    return [read_workbook(path, file_label)]
