"""The corpus of bad returns: one per fault, each written over the sample's copy of DBP's 2017H1 return
(or beside it), with what the pipeline must say about it.

Each case's `build(raw)` spoils a copy of the sample's raw folder and returns the file label the finding
must name ("" for a finding that belongs to no file).
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from pipeline.intake import forms
from pipeline.intake.returns import read_return_file
from testdata import ROOT, SAMPLE_RAW
from testdata.returns import write_return
from testdata.workbook import sheet_named

FIXTURES = ROOT / "tests" / "fixtures"
PERIOD = "2017H1"
DBP = f"returns/{PERIOD}/DBP_{PERIOD}.xlsx"
KCQ = f"returns/{PERIOD}/KCQ_{PERIOD}.xlsx"
CSV = f"returns/{PERIOD}/XuatDuLieu_CSDL_DangVien_{PERIOD}.csv"
ADM, ORG, INFO = forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION, forms.SHEET_INFO


@dataclass(frozen=True)
class Case:
    name: str
    severity: str  # "error": the period is blocked; "warning": it goes through, the problem is listed
    build: Callable[[Path], str]
    place: str  # where in the file: `Kết nạp!C4`, a sheet (`Kết nạp`), a CSV cell (`D5`); "" for the whole file
    rule: str  # the id of the rule the problem is reported by (`pipeline/intake/rules.toml`)
    unit: str = ""  # a unit the finding must name, where the file alone does not


def sample_values(label: str) -> dict[str, object]:
    [ret] = read_return_file(SAMPLE_RAW / label, label)
    return {code: figure.value for code, figure in ret.figures.items()}


def _dbp(raw: Path, unit_code: str = "DBP", label: str = DBP, **kwargs: object) -> str:
    values = {**sample_values(DBP), **kwargs.pop("values", {})}  # type: ignore[dict-item]
    (raw / DBP).unlink(missing_ok=True)
    write_return(raw / label, unit_code=unit_code, period=kwargs.pop("period", PERIOD), values=values, **kwargs)  # type: ignore[arg-type]
    return label


def _bytes(data: bytes, label: str = DBP) -> Callable[[Path], str]:
    def build(raw: Path) -> str:
        (raw / label).write_bytes(data)
        return label

    return build


def _edit(label: str, sheet: str, cell: str, value: object) -> Callable[[Path], str]:
    def build(raw: Path) -> str:
        if label == DBP:
            _dbp(raw)
        book = openpyxl.load_workbook(raw / label)
        sheet_named(book, sheet)[cell] = value
        book.save(raw / label)
        return label

    return build


def _values(**values: object) -> Callable[[Path], str]:
    return lambda raw: _dbp(raw, values=values)


def _truncated(raw: Path) -> str:
    data = (raw / DBP).read_bytes()
    (raw / DBP).write_bytes(data[: len(data) // 2])
    return DBP


def _retyped_sheet(raw: Path) -> str:
    """`Kết nạp` typed again beside the first as `Ket nap`: which one holds the figures nobody can say."""
    _dbp(raw)
    book = openpyxl.load_workbook(raw / DBP)
    book.copy_worksheet(book[ADM]).title = "Ket nap"
    book.save(raw / DBP)
    return DBP


def _no_form_at_all(raw: Path) -> str:
    """A workbook of another form altogether: none of its sheets is one of the form's."""
    _dbp(raw)
    book = openpyxl.load_workbook(raw / DBP)
    for number, sheet in enumerate(book.worksheets, start=1):
        sheet.title = f"Biểu {number}"
    book.save(raw / DBP)
    return DBP


def _rename_sheet(raw: Path) -> str:
    _dbp(raw)
    book = openpyxl.load_workbook(raw / DBP)
    book[ADM].title = "Sheet2"
    book.save(raw / DBP)
    return DBP


def _drop_sheet(raw: Path) -> str:
    _dbp(raw)
    book = openpyxl.load_workbook(raw / DBP)
    del book[INFO]
    book.save(raw / DBP)
    return DBP


def _duplicate_unit(raw: Path) -> str:
    shutil.copy(raw / DBP, raw / f"returns/{PERIOD}/DBP_{PERIOD}_banlai.xlsx")
    return DBP


def _missing_unit(raw: Path) -> str:
    (raw / DBP).unlink()
    return ""


def _unit_not_valid(raw: Path) -> str:
    with (raw / "units.csv").open("a", encoding="utf-8") as units:
        units.write("KTH,Đảng bộ Khối thương mại (đã giải thể),bloc,0,2016H1,2016H2\n")
    _dbp(raw)
    return _dbp(
        raw, unit_code="KTH", label=f"returns/{PERIOD}/KTH_{PERIOD}.xlsx", values={"org_commune": 0, "org_agency": 55}
    )


def _missing_target(raw: Path) -> str:
    targets = raw / "targets.csv"
    kept = [
        line
        for line in targets.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith("DBP,2017")
    ]
    targets.write_text("".join(kept), encoding="utf-8")
    return "targets.csv"


def _csv(rows_edit: Callable[[list[list[str]]], list[list[str]]], encoding: str = "utf-8-sig") -> Callable[[Path], str]:
    def build(raw: Path) -> str:
        with (raw / CSV).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        with (raw / CSV).open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows_edit(rows))
        return CSV

    return build


def _csv_text(edit: Callable[[str], str]) -> Callable[[Path], str]:
    """Spoils the export as text, the way a hand edit in a text editor would."""

    def build(raw: Path) -> str:
        text = (raw / CSV).read_text(encoding="utf-8-sig")
        (raw / CSV).write_text(edit(text), encoding="utf-8-sig")
        return CSV

    return build


def _set_csv_value(code: str, value: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        for row in rows:
            if row[0] == "CAT" and row[2] == code:
                row[3] = value
        return rows

    return edit


def _csv_line(code: str) -> int:
    """The line of the CSV export (1-based, header = 1) holding CAT's `code`."""
    lines = (SAMPLE_RAW / CSV).read_text(encoding="utf-8-sig").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(f"CAT,{PERIOD},{code},"))


def _zip_bomb(raw: Path) -> str:
    with zipfile.ZipFile(raw / DBP, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<" + b" " * (150 * 2**20) + b"/>")
    return DBP


def _billion_laughs(raw: Path) -> str:
    """The classic entity expansion: nine levels of ten, a billion "lol"s from a few hundred bytes."""
    _dbp(raw)
    levels = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    header = f'<?xml version="1.0"?>\n<!DOCTYPE workbook [<!ENTITY lol0 "lol">{levels}]>'.encode()
    spoiled = raw / "spoiled.xlsx"
    with zipfile.ZipFile(raw / DBP) as original, zipfile.ZipFile(spoiled, "w") as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = header + body.replace(b"<sheets>", b"<sheets>&lol9;", 1)
            archive.writestr(info, data)
    spoiled.replace(raw / DBP)
    return DBP


def _many_strays(raw: Path) -> str:
    """More rows the form does not know than are worth listing: the rest are counted, not listed."""
    return _dbp(raw, extra_rows=[(ADM, f"x{n}", f"Dòng lạ {n}", n) for n in range(60)])


def _other_file(raw: Path) -> str:
    """A note left beside the returns: skipped, with a warning, so that nobody thinks it was read."""
    label = f"returns/{PERIOD}/ghi_chu.txt"
    (raw / label).write_text("Đã nhận đủ báo cáo.", encoding="utf-8")
    return label


def _emptied(sheet: str) -> Callable[[Path], str]:
    """DBP's return with every cell of one sheet left empty, as a unit that fills in nothing there."""

    def build(raw: Path) -> str:
        _dbp(raw)
        book = openpyxl.load_workbook(raw / DBP)
        for row in sheet_named(book, sheet).iter_rows():
            for cell in row:
                cell.value = None
        book.save(raw / DBP)
        return DBP

    return build


def _csv_lines() -> int:
    return len((SAMPLE_RAW / CSV).read_text(encoding="utf-8-sig").splitlines())


CASES: list[Case] = [
    # Files that are not returns at all.
    Case("empty_file", "error", _bytes(b""), "", "file-unopenable"),
    Case("text_renamed_xlsx", "error", _bytes("Báo cáo kết nạp đảng viên 6 tháng\n".encode()), "", "file-unopenable"),
    Case("truncated_zip", "error", _truncated, "", "file-unopenable"),
    Case(
        "password_protected", "error", _bytes((FIXTURES / "password_protected.xlsx").read_bytes()), "", "file-password"
    ),
    Case("too_large", "error", _bytes(b"PK\x03\x04" + bytes(21 * 2**20)), "", "file-too-large"),
    Case("zip_bomb", "error", _zip_bomb, "", "file-zip-bomb"),
    Case("billion_laughs", "error", _billion_laughs, "", "file-unsafe-xml"),
    Case("not_a_return", "warning", _other_file, "", "file-not-a-return"),
    # The shape of the form.
    Case("sheet_renamed", "error", _rename_sheet, ADM, "sheet-missing"),
    Case("sheet_missing", "error", _drop_sheet, INFO, "sheet-missing"),
    Case("sheet_twice", "error", _retyped_sheet, ADM, "sheet-ambiguous"),
    Case("no_sheet_of_the_form", "error", _no_form_at_all, "", "form-not-matched"),
    Case(
        "unknown_row",
        "error",
        lambda raw: _dbp(raw, extra_rows=[(ADM, "veterans", "Cựu chiến binh", 3)]),
        f"{ADM}!A29",
        "row-code-unknown",
    ),
    Case(
        "unknown_label",
        "error",
        lambda raw: _dbp(raw, extra_rows=[(ADM, None, "Cựu chiến binh", 3)]),
        f"{ADM}!B29",
        "row-label-unknown",
    ),
    Case("unnamed_row", "error", lambda raw: _dbp(raw, extra_rows=[(ADM, None, None, 3)]), f"{ADM}!C29", "row-unnamed"),
    Case("row_twice", "error", lambda raw: _dbp(raw, extra_rows=[(ADM, "women", "Nữ", 43)]), f"{ADM}!A29", "row-twice"),
    Case("required_row_missing", "error", _values(admitted="<drop>"), ADM, "row-required-missing"),
    Case("row_missing", "warning", _values(religious="<drop>"), ADM, "row-missing"),
    Case("info_sheet_unrecognised", "error", _emptied(INFO), INFO, "sheet-no-rows"),
    Case("unit_code_row_missing", "error", _edit(DBP, INFO, "A1", "Ghi chú"), INFO, "info-row-missing"),
    # Values.
    Case("admitted_blank", "error", _values(admitted=None), f"{ADM}!C2", "admitted-blank"),
    Case("negative_count", "error", _values(women=-3), f"{ADM}!C4", "value-not-a-number"),
    Case("decimal_comma", "error", _values(women="12,5"), f"{ADM}!C4", "value-not-a-number"),
    Case("number_in_words", "error", _values(women="mười"), f"{ADM}!C4", "value-not-a-number"),
    Case("fraction", "error", _values(women=4.5), f"{ADM}!C4", "value-not-a-number"),
    Case("formula_never_computed", "error", _values(women="=40+3"), f"{ADM}!C4", "formula-not-computed"),
    Case(
        "date_unreadable",
        "warning",
        lambda raw: _dbp(raw, prepared_on="hôm qua"),
        f"{INFO}!B4",
        "prepared-on-unreadable",
    ),
    # Rules between figures.
    Case("breakdown_does_not_sum", "error", _values(age_18_30=60), f"{ADM}!C15:C18", "sum-mismatch-age"),
    Case("occupations_do_not_sum", "error", _values(occ_worker=0), f"{ADM}!C8:C14", "sum-mismatch-occupation"),
    Case("education_does_not_sum", "error", _values(edu_primary=3), f"{ADM}!C19:C21", "sum-mismatch-education"),
    Case("organizations_do_not_sum", "error", _values(org_other=0), f"{ADM}!C22:C28", "sum-mismatch-organization"),
    Case("many_problems", "error", _many_strays, "", "file-problems-not-listed"),
    Case("of_which_above_admitted", "error", _values(youth_union=80), f"{ADM}!C7", "of-which-above-admitted"),
    Case(
        "villages_above_total",
        "error",
        _values(villages_joint_end=126, villages_joint_start=1),
        f"{ORG}!C6",
        "villages-above-total",
    ),
    Case(
        "total_row_contradicts",
        "error",
        lambda raw: _dbp(raw, extra_rows=[(ADM, None, "Tổng cộng", 80)]),
        f"{ADM}!C29",
        "total-row-mismatch",
    ),
    # Who and when.
    Case("unknown_unit", "error", lambda raw: _dbp(raw, unit_code="XYZ"), f"{INFO}!B1", "unit-unknown"),
    Case("unit_not_valid_for_period", "error", _unit_not_valid, f"{INFO}!B1", "unit-not-valid", unit="KTH"),
    Case(
        "wrong_period", "error", lambda raw: _dbp(raw, period="6 tháng cuối năm 2016"), f"{INFO}!B3", "period-mismatch"
    ),
    Case("unreadable_period", "error", lambda raw: _dbp(raw, period="quý II/2017"), f"{INFO}!B3", "period-unreadable"),
    Case("duplicated_unit", "error", _duplicate_unit, f"{INFO}!B1", "unit-duplicated"),
    Case("missing_unit", "error", _missing_unit, "", "return-missing", unit="DBP"),
    # The CSV export.
    Case("csv_missing_column", "error", _csv(lambda rows: [r[:3] for r in rows]), "A1", "csv-header-wrong"),
    Case("csv_not_utf8", "error", _csv(lambda rows: rows, encoding="utf-16"), "", "csv-not-utf8"),
    Case(
        "csv_blank_unit_code",
        "error",
        _csv(lambda rows: [*rows, ["", PERIOD, "women", "2"]]),
        f"A{_csv_lines() + 1}",
        "csv-unit-code-missing",
    ),
    Case("csv_header_only", "error", _csv(lambda rows: rows[:1]), "", "csv-empty"),
    Case(
        "csv_bad_value", "error", _csv(_set_csv_value("women", "1,5")), f"D{_csv_line('women')}", "value-not-a-number"
    ),
    Case(
        "csv_unquoted_comma",
        "error",
        _csv_text(lambda text: text.replace(f"CAT,{PERIOD},women,", f"CAT,{PERIOD},women,1,", 1)),
        f"A{_csv_line('women')}",
        "csv-columns",
    ),
    Case(
        "csv_unknown_code",
        "error",
        _csv(lambda rows: [*rows, ["CAT", PERIOD, "veterans", "2"]]),
        f"C{_csv_lines() + 1}",
        "csv-code-unknown",
    ),
    Case(
        "csv_code_twice",
        "error",
        _csv(lambda rows: [*rows, ["CAT", PERIOD, "women", "2"]]),
        f"D{_csv_lines() + 1}",
        "csv-code-twice",
    ),
    Case(
        "csv_blank_period",
        "error",
        _csv(lambda rows: [[r[0], "" if r[0] == "CAT" else r[1], *r[2:]] for r in rows]),
        f"B{_csv_line('admitted')}",
        "csv-period-missing",
    ),
    Case(
        "csv_period_differs",
        "error",
        _csv(lambda rows: [[r[0], "2017H2" if r[2] == "women" else r[1], *r[2:]] for r in rows]),
        f"B{_csv_line('women')}",
        "csv-period-differs",
    ),
    Case(
        "csv_required_missing",
        "error",
        _csv(lambda rows: [r for r in rows if not (r[0] == "CAT" and r[2] == "admitted")]),
        "",
        "csv-required-missing",
    ),
    # Warnings: the period still goes through.
    Case("late_return", "warning", lambda raw: _dbp(raw, prepared_on="25/07/2017"), f"{INFO}!B4", "return-late"),
    Case(
        "start_differs_from_previous_end",
        "warning",
        _values(villages_joint_start=3, villages_joint_end=2),
        f"{ORG}!C5",
        "start-differs-from-previous-end",
    ),
    Case("villages_not_reported", "warning", _emptied(ORG), ORG, "villages-not-reported"),
    Case("villages_without_villages", "warning", _edit(KCQ, ORG, "C2", 12), f"{ORG}!C2", "villages-without-villages"),
    Case(
        "formula_computed",
        "warning",
        _bytes((FIXTURES / "DBP_2017H1_formula_libreoffice.xlsx").read_bytes()),
        f"{ADM}!C15",
        "formula-computed",
    ),
    Case("missing_target", "warning", _missing_target, "", "target-missing"),
]
