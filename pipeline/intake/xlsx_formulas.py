"""Which cells of an .xlsx workbook hold formulas (calamine gives values only).

A return is typed, not computed: a formula is reported, so that no figure is taken from a calculation
nobody checked, or read as blank because the file was never recalculated. The XML is parsed with
defusedxml, which refuses entity-expansion attacks.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException, ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class UnsafeWorkbookError(Exception):
    """The workbook's XML declares entities (the "billion laughs" attack): it is not opened further."""


@dataclass(frozen=True)
class Formula:
    text: str
    has_value: bool  # False when the file holds no computed value (never recalculated)


def formula_cells(path: Path) -> dict[str, dict[str, Formula]]:
    """Sheet name → cell (`C7`) → its formula. Empty for anything that is not a readable .xlsx."""
    found: dict[str, dict[str, Formula]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                return {}
            targets = {}
            if "xl/_rels/workbook.xml.rels" in names:
                rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
                for rel in rels.iter(f"{RELATIONSHIPS}Relationship"):
                    target = rel.get("Target", "")
                    targets[rel.get("Id")] = (
                        target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                    )
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            for sheet in workbook.iter(f"{MAIN}sheet"):
                member = targets.get(sheet.get(OFFICE_RELATIONSHIP_ID))
                if member not in names:
                    continue
                cells = {}
                for cell in ElementTree.fromstring(archive.read(member)).iter(f"{MAIN}c"):
                    formula = cell.find(f"{MAIN}f")
                    if formula is not None:
                        value = cell.find(f"{MAIN}v")
                        cells[cell.get("r", "")] = Formula(
                            "=" + (formula.text or ""), value is not None and bool(value.text)
                        )
                if cells:
                    found[sheet.get("name", "")] = cells
    except DefusedXmlException as error:
        raise UnsafeWorkbookError(type(error).__name__) from None
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError, ValueError):
        return {}  # whatever is wrong with the file, the reader reports it
    return found
