"""Reading a return workbook (.xlsx, .xls, .ods) through the form (SPEC 3, 10): its sheets found by name,
its rows by code or label, each figure with its cell. What cannot be read is recorded as a problem."""

from __future__ import annotations

from pathlib import Path

import python_calamine as calamine

from pipeline.common.text import fold, nfc
from pipeline.intake import forms
from pipeline.intake.cells import NotACountError, is_blank, parse_count, parse_date
from pipeline.intake.form_file import INFO, TOTAL, Form, SheetForm
from pipeline.intake.locate import Located, expected_form, expected_rows, locate_rows
from pipeline.intake.problems import ERROR, WARNING, Problem
from pipeline.intake.return_record import Figure, Place, Return, count, show
from pipeline.intake.xlsx_formulas import Formula, UnsafeWorkbookError, formula_cells

_CALAMINE_ERRORS = (
    calamine.CalamineError,
    calamine.PasswordError,
    calamine.XmlError,
    calamine.ZipError,
    calamine.WorksheetNotFound,
    OSError,
    ValueError,
)
Rows = list[list[object]]


def _match_sheets(names: list[str], form: Form) -> dict[str, list[str]]:
    """The workbook's sheets that each sheet of the form matches (by name or alias, loosely)."""
    folded = [(fold(name), name) for name in names]
    return {sheet.key: [name for key, name in folded if key in sheet.folded_names] for sheet in form.sheets}


def _open(path: Path, ret: Return, form: Form) -> tuple[list[str], dict[str, list[str]], dict[str, Rows]] | None:
    """The workbook's sheet names, the sheets each form sheet matches, and the cells of the sheets that
    will be read (those matched by exactly one sheet); None when the file cannot be read."""
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        matches = _match_sheets(workbook.sheet_names, form)
        contents = {
            key: workbook.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
            for key, names in matches.items()
            if len(names) == 1
        }
    except calamine.PasswordError:
        ret.problem(ERROR, Place(), "Tệp được đặt mật khẩu: gỡ mật khẩu (hoặc lưu lại không mật khẩu) rồi gửi lại.")
        return None
    except PermissionError:
        ret.problem(ERROR, Place(), "Không có quyền đọc tệp.")
        return None
    except _CALAMINE_ERRORS as error:
        ret.problem(ERROR, Place(), "Không mở được tệp: tệp hỏng hoặc không phải bảng tính.", type(error).__name__)
        return None
    return workbook.sheet_names, matches, contents


def read_workbook(path: Path, file_label: str, form: Form | None = None) -> Return:
    form = form or forms.DEFAULT
    ret = Return(file=file_label, form=path.suffix.lower().lstrip("."))
    opened = _open(path, ret, form)
    if opened is None:
        return ret
    names, matches, contents = opened
    formulas = {}
    if ret.form == "xlsx":
        try:
            formulas = formula_cells(path)
        except UnsafeWorkbookError as error:
            ret.problem(
                ERROR, Place(), "Tệp chứa khai báo XML nguy hiểm; không đọc. Hãy lưu lại tệp từ Excel.", str(error)
            )
            return ret
    lost = _read_sheets(ret, form, matches, contents)
    _report_lost(ret, names, lost)
    _check_formulas(ret, formulas)
    # Problems found before the unit code was read carry no unit yet.
    ret.problems = [p if p.unit_code else _with_unit(p, ret.unit_code) for p in ret.problems]
    return ret


def _read_sheets(
    ret: Return, form: Form, matches: dict[str, list[str]], contents: dict[str, Rows]
) -> list[tuple[SheetForm, str]]:
    """Read every sheet of the form that one sheet of the workbook matches; return the form sheets that
    could not be read (no sheet: ""; else the sheet's name). A return of which several could not be read,
    and no figure could, is marked unmatched: the form is not the one it was filled on."""
    lost: list[tuple[SheetForm, str]] = []
    figures = False  # some row of a figures sheet recognised, or a sheet of the form typed twice
    for sheet in form.sheets:
        found = matches[sheet.key]
        if len(found) > 1:
            ret.problem(
                ERROR,
                Place(sheet.name, ""),
                f"Có {len(found)} trang cùng khớp trang «{sheet.name}» của mẫu: "
                f"{', '.join(f'«{n}»' for n in found)}; không biết đọc trang nào. Xóa hoặc đổi tên các trang thừa.",
                ", ".join(found),
                f"một trang «{sheet.name}»",
            )
            figures = True  # the workbook follows the form: the duplicate is its one problem
        elif not found:
            lost.append((sheet, ""))
        elif _read_sheet(ret, contents[sheet.key], found[0], sheet):
            figures = figures or sheet.key != INFO
        elif sheet.key == INFO or _holds_rows(contents[sheet.key], found[0], sheet):
            lost.append((sheet, found[0]))
        # else: `Tổ chức` left empty, right for a unit without villages (the checks say when it is not)
    if len(lost) > 1 and not figures:
        ret.unmatched = True  # nothing of it can be read: one message (`_report_lost`), no rule applies
    return lost


def _holds_rows(rows: Rows, name: str, sheet: SheetForm) -> bool:
    """Whether a figures sheet that matched no row of the form holds figures at all (admissions must)."""
    return sheet.key == "admissions" or bool(locate_rows(rows, name, sheet).strays)


def _report_lost(ret: Return, names: list[str], lost: list[tuple[SheetForm, str]]) -> None:
    """One message for a return nothing of which matches the form, else one for each sheet that does not."""
    if ret.unmatched:
        ret.problem(
            ERROR,
            Place(),
            "Tệp không theo mẫu báo cáo: không có trang hay dòng số liệu nào khớp mẫu.",
            f"các trang: {', '.join(names)}",
            expected_form([sheet for sheet, _ in lost]),
        )
        return
    for sheet, name in lost:
        if not name:
            also = "".join(f" hoặc «{alias}»" for alias in sheet.aliases)
            ret.problem(
                ERROR,
                Place(sheet.name, ""),
                f"Thiếu trang «{sheet.name}».",
                ", ".join(names),
                f"một trang tên «{sheet.name}»{also}",
            )
        else:
            ret.problem(ERROR, Place(name, ""), f"Trang «{name}» không có dòng nào khớp mẫu.", "", expected_rows(sheet))


def _with_unit(problem: Problem, unit_code: str) -> Problem:
    return Problem(**{**problem.as_row(), "unit_code": unit_code})


def _read_sheet(ret: Return, rows: Rows, name: str, sheet: SheetForm) -> bool:
    """Read one sheet of the form; False when none of its rows is recognised (nothing is then recorded)."""
    located = locate_rows(rows, name, sheet)
    if not located.rows:
        return False
    if sheet.key == INFO:
        _read_info(ret, located, name, sheet)
    else:
        _read_table(ret, located, sheet)
    return True


def _read_info(ret: Return, located: Located, name: str, sheet: SheetForm) -> None:
    # The first row of each field counts; rows the form does not know are not figures and are passed over.
    found: dict[str, tuple[object, Place]] = {}
    for row in located.rows:
        found.setdefault(row.code, (row.raw, row.value_place))
    for key in ("unit_code", "period"):
        if key not in found or is_blank(found[key][0]):
            place = found[key][1] if key in found else Place(name, "")
            ret.problem(ERROR, place, f"Thiếu dòng «{sheet.label(key)}» hoặc dòng này để trống.")
    if "unit_code" in found:
        ret.unit_code = nfc(show(found["unit_code"][0])).upper()
        ret.unit_place = found["unit_code"][1]
    if "unit_name" in found:
        ret.unit_name = nfc(found["unit_name"][0])
    if "period" in found:
        ret.period_text = nfc(show(found["period"][0]))
        ret.period_place = found["period"][1]
    if "prepared_by" in found:
        ret.prepared_by = nfc(found["prepared_by"][0])
    if "prepared_on" in found:
        raw, place = found["prepared_on"]
        ret.prepared_place = place
        try:
            ret.prepared_on = parse_date(raw)
        except ValueError:
            ret.problem(WARNING, place, "Ngày lập không đọc được.", show(raw), "ngày dạng dd/mm/yyyy")


def _read_table(ret: Return, located: Located, sheet: SheetForm) -> None:
    seen: dict[str, str] = {}
    for row in located.rows:
        if row.code in seen:
            ret.problem(ERROR, row.named_at, f"Mã chỉ tiêu bị khai hai lần (đã có ở ô {seen[row.code]}).", row.code)
            continue
        seen[row.code] = row.named_at.cell
        if row.code == TOTAL:
            _read_total(ret, row.raw, row.value_place, sheet)
        else:
            count(ret, row.code, row.raw, row.value_place)
    for stray in located.strays:
        expected = "mã hoặc tên một chỉ tiêu của mẫu (tên khác của một chỉ tiêu: khai trong form.toml)"
        ret.problem(ERROR, stray.place, _stray_message(stray.by, sheet.name), stray.shown, expected)
    name = located.rows[0].value_place.sheet
    for code in sheet.codes:
        if code not in seen and code != forms.REQUIRED_CODE:
            ret.problem(WARNING, Place(name, ""), f"Thiếu dòng «{sheet.label(code)}» ({code}); coi là 0.")
    if forms.REQUIRED_CODE in sheet.codes and forms.REQUIRED_CODE not in seen:
        label = sheet.label(forms.REQUIRED_CODE)
        ret.problem(ERROR, Place(name, ""), f"Thiếu dòng bắt buộc «{label}» ({forms.REQUIRED_CODE}).")


def _stray_message(by: str, sheet_name: str) -> str:
    """A value on a row the form does not know: named by what identifies the row."""
    if by == "value":
        return f"Ô có số liệu ở một dòng không có mã hay tên chỉ tiêu của mẫu trang «{sheet_name}»."
    what = "Mã chỉ tiêu" if by == "code" else "Tên chỉ tiêu"
    return f"{what} không có trong mẫu trang «{sheet_name}»; số liệu của dòng này không được đọc."


def _read_total(ret: Return, raw: object, place: Place, sheet: SheetForm) -> None:
    if forms.REQUIRED_CODE not in sheet.codes or is_blank(raw):
        return  # a total row of `Tổ chức` has nothing to add up to; it is ignored
    try:
        ret.total = Figure("total", parse_count(raw) or 0, place)
    except NotACountError:
        ret.problem(ERROR, place, "Giá trị không phải số nguyên không âm.", show(raw), "số nguyên ≥ 0")


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
