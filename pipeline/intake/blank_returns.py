"""Blank return workbooks for the units of a half-year (`make templates`).

Each holds the sheets of the province's form (SPEC 3, 10: names, columns, the first label of each row) with
the unit, its name and the period filled in; only the cells an office must fill are unlocked, and those
accept whole numbers ≥ 0 only (a date for `Ngày lập`). The layout is `workbook_writer`'s.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook

from pipeline.common import iorw
from pipeline.common.periods import Period
from pipeline.intake import forms, workbook_writer
from pipeline.intake.form_file import Form
from pipeline.intake.reference import Reference, Unit


def file_name(unit: Unit, period: Period) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', unit.code)}_{period}.xlsx"


def build(unit: Unit, period: Period, form: Form | None = None) -> Workbook:
    """The blank return of `unit` for `period` on `form` (the default form when None)."""
    info = {"unit_code": unit.code, "unit_name": unit.name, "period": str(period)}
    return workbook_writer.build(workbook_writer.layout(form or forms.DEFAULT, info), workbook_writer.TEMPLATE)


def write_templates(reference: Reference, period: Period, folder: Path) -> list[Path]:
    """One template per unit expected in `period`, into `folder`, on the province's form."""
    written = []
    for unit in reference.expected_units(period):
        path = Path(folder) / file_name(unit, period)
        with iorw.atomic_path(path) as temporary:
            workbook_writer.save(build(unit, period, reference.form), temporary)
        written.append(path)
    return written
