"""Reading a return workbook (.xlsx, .xls, .ods) through the form (SPEC 3, 10): its sheets found by name,
its rows by code or label, each figure with its cell. What cannot be read is recorded as a problem."""

from __future__ import annotations

from pathlib import Path

import python_calamine as calamine

from pipeline.common.text import fold, nfc, unit_code
from pipeline.intake import forms
from pipeline.intake.cells import NotACountError, is_blank, parse_count, parse_date
from pipeline.intake.form_file import INFO, MEMBERS, OPTIONAL_ROWS, OPTIONAL_SHEETS, TOTAL, Form, SheetForm
from pipeline.intake.locate import Located, expected_form, expected_rows, locate_rows
from pipeline.intake.problems import Problem
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
# A value on a row the form does not know, by what identifies the row (`locate.Stray.by`).
STRAY_RULES = {"code": "row-code-unknown", "label": "row-label-unknown", "value": "row-unnamed"}


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
        ret.report("file-password", Place())
        return None
    except PermissionError:
        ret.report("file-not-permitted", Place())
        return None
    except _CALAMINE_ERRORS as error:
        ret.report("file-unopenable", Place(), type(error).__name__)
        return None
    return workbook.sheet_names, matches, contents


def read_workbook(path: Path, file_label: str, form: Form | None = None) -> Return:
    form = form or forms.DEFAULT
    ret = Return(file=file_label, form=path.suffix.lower().lstrip("."))
    opened = _open(path, ret, form)
    if opened is None:
        ret.unmatched = True  # nothing of it was read: its one problem says why, no other rule applies
        return ret
    names, matches, contents = opened
    formulas = {}
    if ret.form == "xlsx":
        try:
            formulas = formula_cells(path)
        except UnsafeWorkbookError as error:
            ret.report("file-unsafe-xml", Place(), str(error))
            ret.unmatched = True
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
            ret.report(
                "sheet-ambiguous",
                Place(sheet.name, ""),
                ", ".join(found),
                count=len(found),
                sheet_name=sheet.name,
                names=", ".join(f"«{n}»" for n in found),
            )
            figures = True  # the workbook follows the form: the duplicate is its one problem
        elif not found:
            if sheet.key not in OPTIONAL_SHEETS:  # a return may leave the membership balance out (SPEC 11)
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
        ret.report(
            "form-not-matched", Place(), f"các trang: {', '.join(names)}", expected_form([sheet for sheet, _ in lost])
        )
        return
    for sheet, name in lost:
        if not name:
            also = "".join(f" hoặc «{alias}»" for alias in sheet.aliases)
            ret.report(
                "sheet-missing",
                Place(sheet.name, ""),
                ", ".join(names),
                f"một trang tên «{sheet.name}»{also}",
                sheet_name=sheet.name,
            )
        else:
            ret.report("sheet-no-rows", Place(name, ""), "", expected_rows(sheet), sheet_name=name)


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
            ret.report("info-row-missing", place, label=sheet.label(key))
    if "unit_code" in found:
        ret.unit_code = unit_code(show(found["unit_code"][0]))
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
            ret.report("prepared-on-unreadable", place, show(raw))


def _read_table(ret: Return, located: Located, sheet: SheetForm) -> None:
    if sheet.key == MEMBERS and all(is_blank(row.raw) for row in located.rows):
        return  # a template's membership sheet left blank: the return does not hold the balance (SPEC 11)
    seen: dict[str, str] = {}
    for row in located.rows:
        if row.code in seen:
            ret.report("row-twice", row.named_at, row.code, first=seen[row.code])
            continue
        seen[row.code] = row.named_at.cell
        if row.code in OPTIONAL_ROWS and is_blank(row.raw):
            continue  # an optional row left blank on a template is not reported (SPEC 11)
        if row.code == TOTAL:
            _read_total(ret, row.raw, row.value_place, sheet)
        else:
            count(ret, row.code, row.raw, row.value_place)
    for stray in located.strays:
        ret.report(STRAY_RULES[stray.by], stray.place, stray.shown, sheet_name=sheet.name)
    name = located.rows[0].value_place.sheet
    for code in sheet.codes:
        if code in seen or code == forms.REQUIRED_CODE or code in OPTIONAL_ROWS:
            continue
        if sheet.key == MEMBERS or code in sheet.extra_codes:
            continue  # the checks say what is missing of these, for workbooks and exports alike (SPEC 11)
        ret.report("row-missing", Place(name, ""), label=sheet.label(code), code=code)
    if forms.REQUIRED_CODE in sheet.codes and forms.REQUIRED_CODE not in seen:
        label = sheet.label(forms.REQUIRED_CODE)
        ret.report("row-required-missing", Place(name, ""), label=label, code=forms.REQUIRED_CODE)


def _read_total(ret: Return, raw: object, place: Place, sheet: SheetForm) -> None:
    if forms.REQUIRED_CODE not in sheet.codes or is_blank(raw):
        return  # a total row of `Tổ chức` has nothing to add up to; it is ignored
    try:
        ret.total = Figure("total", parse_count(raw) or 0, place)
    except NotACountError:
        ret.report("value-not-a-number", place, show(raw))


def _check_formulas(ret: Return, formulas: dict[str, dict[str, Formula]]) -> None:
    """A figure computed by a formula is used as computed, and said so; one never computed is an error."""
    for figure in [*ret.figures.values(), *([ret.total] if ret.total else [])]:
        formula = formulas.get(figure.place.sheet, {}).get(figure.place.cell)
        if formula is None:
            continue
        if formula.has_value:
            ret.report("formula-computed", figure.place, formula.text)
        else:
            ret.report("formula-not-computed", figure.place, formula.text)
