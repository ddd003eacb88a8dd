"""Finding the form's rows in a sheet (SPEC 10): by code or label, wherever they stand.

Rows the form does not know (titles, headers at any height, blank rows, notes, signatures, running numbers,
units of measure) are passed over unless their value cell holds a number: a figure nobody reads is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.common.text import fold, nfc
from pipeline.intake.cells import cell_name, is_blank, reads_as_number
from pipeline.intake.form_file import SheetForm
from pipeline.intake.return_record import Place, show

EXAMPLE_ROWS = 3  # rows named in a message about a whole sheet; the template holds all of them


@dataclass(frozen=True)
class Found:
    """A row of the form: its code (or the total row's), its value cell, and the cell that named it."""

    code: str
    raw: object
    value_place: Place
    named_at: Place


@dataclass(frozen=True)
class Stray:
    """A row the form does not know whose value cell holds a number."""

    place: Place  # the code cell if it has one, else the label cell, else the value cell
    shown: str
    by: str  # "code", "label" or "value": what `place` holds


@dataclass
class Located:
    rows: list[Found] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)


def cell(row: list[object], column: int | None) -> object:
    return row[column] if column is not None and column < len(row) else None


def _code_of(sheet: SheetForm, raw_code: object, raw_label: object) -> tuple[str, int | None] | None:
    """The row's code and the column that named it: the code cell first (a code, or a label typed in the
    code column, like `Tổng cộng`), then the label cell."""
    if not is_blank(raw_code):
        code = nfc(show(raw_code)).lower()
        if code in sheet.labels:
            return code, sheet.code_column
        by_label = sheet.code_of_label.get(fold(raw_code))
        if by_label:
            return by_label, sheet.code_column
    if not is_blank(raw_label):
        by_label = sheet.code_of_label.get(fold(raw_label))
        if by_label:
            return by_label, sheet.label_column
    return None


def locate_rows(rows: list[list[object]], name: str, sheet: SheetForm) -> Located:
    """The rows of `sheet` found in the workbook sheet `name` (its cells `rows`), in sheet order."""
    located = Located()
    code_column, label_column, value_column = sheet.code_column, sheet.label_column, sheet.value_column
    for r, row in enumerate(rows):
        raw_code, raw_label, raw_value = cell(row, code_column), cell(row, label_column), cell(row, value_column)
        known = _code_of(sheet, raw_code, raw_label)
        if known is not None:
            code, column = known
            value_place = Place(name, cell_name(r, value_column))
            located.rows.append(Found(code, raw_value, value_place, Place(name, cell_name(r, column))))  # type: ignore[arg-type]
        elif reads_as_number(raw_value):
            located.strays.append(_stray(name, r, sheet, raw_code, raw_label, raw_value))
    return located


def _stray(name: str, r: int, sheet: SheetForm, raw_code: object, raw_label: object, raw_value: object) -> Stray:
    for by, raw, column in (
        ("code", raw_code, sheet.code_column),
        ("label", raw_label, sheet.label_column),
        ("value", raw_value, sheet.value_column),
    ):
        if column is not None and not is_blank(raw):
            return Stray(Place(name, cell_name(r, column)), show(raw), by)
    raise AssertionError("a stray row holds a number")  # pragma: no cover - its value cell is not blank


def columns_of(sheet: SheetForm) -> str:
    """`mã ở cột A, tên ở cột B, số ở cột C`: where the form expects what."""
    parts = [f"mã ở cột {sheet.column('code')}"] if sheet.code_column is not None else []
    parts.append(f"tên ở cột {sheet.column('label')}")
    parts.append(f"{'giá trị' if sheet.key == 'info' else 'số'} ở cột {sheet.column('value')}")
    return ", ".join(parts)


def expected_rows(sheet: SheetForm) -> str:
    """What a sheet of the form holds, for a message about a sheet that matched nothing."""
    rows = [f"«{sheet.label(code)}» ({code})" for code in sheet.codes]
    if sheet.key == "info":
        rows = [f"«{sheet.label(code)}»" for code in sheet.codes]
    shown = rows if len(rows) <= EXAMPLE_ROWS + 2 else [*rows[:EXAMPLE_ROWS], f"… ({len(rows)} dòng)"]
    return f"trang «{sheet.name}» ({columns_of(sheet)}): {', '.join(shown)}"


def expected_form(sheets: list[SheetForm]) -> str:
    """Sheets of the form with their rows, and where the whole form can be had."""
    listed = "; ".join(expected_rows(sheet) for sheet in sheets)
    return f"{listed}. Mẫu đầy đủ: make templates PERIOD=…"
