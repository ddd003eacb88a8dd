"""The one writer of generated returns: workbooks (.xlsx, .ods) and CSV files, for the sample, the tests' returns,
the corpus of bad returns and the sample rewritten on other forms.

A return on a form is laid out by the product's own writer (`pipeline.intake.workbook_writer.layout`, which also
writes the blank templates) and saved here in the format its file name asks for (`write_layout`); a workbook of
free rows (titles, another form's columns) is saved by `write_rows`. Both write the same bytes for the same
input: fixed document dates and zip entry dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.common.text import fold
from pipeline.intake import workbook_writer
from pipeline.intake.workbook_writer import Cell, Look, SheetLayout

Rows = list[list[object]]
# The header of the membership database's CSV export (SPEC 3).
CSV_EXPORT_HEADER = ["unit_code", "period", "code", "value"]
# The widths of an .ods return's three columns (code, label, value).
ODS_WIDTHS = ("3.2cm", "9.5cm", "2cm")


def sheet_named(book: Workbook, name: str) -> Worksheet:
    """The sheet called `name`, however its accents or case are written (`Thông tin`, `thong tin`)."""
    return book[next(title for title in book.sheetnames if fold(title) == fold(name))]


def write_layout(
    path: Path,
    sheets: list[SheetLayout],
    look: Look | None = None,
    author: str = "dangvien-bulletin",
    stamp: dt.datetime = workbook_writer.STAMP,
) -> Path:
    """A return laid out by `workbook_writer.layout` (and varied by the caller), as `.xlsx` by the product's
    writer or as `.ods` (which openpyxl cannot write) from the same grid; `author` and `stamp`: the document's
    creator and date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".ods":
        grids = {sheet.name: sheet.grid() for sheet in sheets}
        write_ods(path, grids, author=author, stamp=stamp, widths=ODS_WIDTHS)  # type: ignore[arg-type]
    else:
        book = workbook_writer.build(sheets, look, author=author, stamp=stamp, last_modified_by=author)
        workbook_writer.save(book, path)
    return path


def write_rows(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """A workbook of free rows, sheet by sheet, in the format its file name asks for (dates shown dd/mm/yyyy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".ods":
        write_ods(path, sheets)
        return path
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = workbook_writer.STAMP
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row] if row else ():
                if isinstance(cell.value, dt.date):
                    cell.number_format = workbook_writer.DATE_FORMAT
    workbook_writer.save(book, path)
    return path


@functools.cache
def _prime_odfpy() -> None:
    """Save one empty document first: odfpy's first save in a process registers more XML namespaces,
    which every later file then declares; without this the first .ods written would differ."""
    from odf.opendocument import OpenDocumentSpreadsheet

    OpenDocumentSpreadsheet().save(io.BytesIO())


def _ods_cell(value: Cell | object) -> object:
    from odf.table import TableCell
    from odf.text import P

    if value is None:
        return TableCell()
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        cell = TableCell(valuetype="date", datevalue=day.isoformat())
        cell.addElement(P(text=day.strftime("%d/%m/%Y")))
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=str(value))
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(value)))
    return cell


def write_ods(
    path: Path,
    sheets: Mapping[str, Rows],
    author: str | None = None,
    stamp: dt.datetime | None = None,
    widths: Sequence[str] = (),
) -> None:
    """Rows as an .ods workbook with odfpy; with `author` and `stamp`, the document's creator and dates; with
    `widths`, the widths of its first columns."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties
    from odf.table import Table, TableColumn, TableRow

    _prime_odfpy()
    doc = OpenDocumentSpreadsheet()
    if author is not None and stamp is not None:
        doc.meta.addElement(meta.InitialCreator(text=author))
        doc.meta.addElement(meta.CreationDate(text=stamp.isoformat()))
        doc.meta.addElement(dc.Creator(text=author))
        doc.meta.addElement(dc.Date(text=stamp.isoformat()))
    columns = []
    for letter, width in zip("ABCDEFGHIJ", widths, strict=False):
        style = Style(name=f"co{letter}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=width))
        doc.automaticstyles.addElement(style)
        columns.append(style)
    for name, rows in sheets.items():
        table = Table(name=name)
        for style in columns:
            table.addElement(TableColumn(stylename=style))
        for row in rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.save(buffer)
    workbook_writer.write_fixed_zip(buffer.getvalue(), path)


def write_csv(path: Path, rows: Iterable[Sequence[object]], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Rows as a CSV file (by default UTF-8 without a BOM, lines ended by `\\n`, as the reference files are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator=newline).writerows(rows)
    return path


def write_csv_export(path: Path, rows: Iterable[Sequence[object]], newline: str = "\r\n") -> Path:
    """The membership database's CSV export (SPEC 3): its header, then (unit_code, period, code, value) rows,
    in UTF-8 with a BOM and Windows line ends as the database writes it."""
    return write_csv(path, [CSV_EXPORT_HEADER, *rows], encoding="utf-8-sig", newline=newline)
