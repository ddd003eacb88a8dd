"""A province's own categories of new members (SPEC 11): `[[admissions.categories]]` in form.toml.

Each is a count of new members the province's form holds beyond the rows of SPEC 3 (owners of private
enterprises, say). It is read like any row of `Kết nạp` and gives the indicators `<code>` and `<code>_pct`.
Mistakes are UserErrors naming the file and the category, never a traceback.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pipeline.common.errors import UserError
from pipeline.common.text import fold

# form_file's SheetForm, not imported: form_file imports this module, and imports run one way (tests/unit/test_layers.py)
Sheet = TypeVar("Sheet", bound=Any)


@dataclass(frozen=True)
class Category:
    """A category of new members a province's form counts beyond SPEC 3 (SPEC 11)."""

    code: str
    labels: tuple[str, ...]
    name: str  # how documents name it
    optional: bool  # a return without the row is accepted; a figure covering it is withheld


_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = ("code", "labels", "name", "optional")
WHERE = "[[admissions.categories]]"


def _fail(path: Path, where: str, message: str) -> UserError:
    return UserError(f"{path}: {where} {message}")


def parse_categories(
    path: Path,
    given: object,
    admission_labels: Mapping[str, tuple[str, ...]],
    vocabulary: dict[str, tuple[str, ...]],
    tables: tuple[str, ...],
) -> tuple[Category, ...]:
    """The categories of a form file; `admission_labels`: the labels of the form's `Kết nạp` rows, by code."""
    if not isinstance(given, list) or not all(isinstance(item, dict) for item in given):
        raise _fail(
            path, WHERE, "phải là các bảng [[admissions.categories]], mỗi bảng có code, labels, name, optional."
        )
    taken = {code for key in tables for code in vocabulary[key]} | {"total"}  # the total row's code
    owners = {fold(label): code for code, labels in admission_labels.items() for label in labels}
    seen: set[str] = set()
    categories = []
    for number, item in enumerate(given, start=1):
        where = f"{WHERE} thứ {number}"
        unknown = [key for key in item if key not in _KEYS]
        if unknown:
            raise _fail(path, where, f"có khóa không dùng được: {', '.join(unknown)} (dùng: {', '.join(_KEYS)}).")
        code = item.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            raise _fail(path, where, f"code «{code}» phải là chữ thường không dấu, số và _, bắt đầu bằng chữ cái.")
        where = f"{WHERE} «{code}»"
        if code in taken:
            raise _fail(path, where, "trùng mã một chỉ tiêu có sẵn của mẫu báo cáo; hãy đặt mã khác.")
        if code in seen:
            raise _fail(path, where, "khai báo hai lần; mỗi mã chỉ khai báo một lần.")
        seen.add(code)
        labels = item.get("labels")
        labels = [labels] if isinstance(labels, str) else labels
        if not isinstance(labels, list) or not labels or not all(isinstance(v, str) and fold(v) for v in labels):
            raise _fail(path, where, 'labels phải là danh sách tên dòng, ví dụ ["Chủ doanh nghiệp tư nhân"].')
        for label in labels:
            other = owners.setdefault(fold(label), code)
            if other != code:
                raise _fail(path, where, f"nhãn «{label}» trùng với nhãn của dòng {other}.")
        name = item.get("name", labels[0])
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, where, "name phải là chữ, không để trống.")
        optional = item.get("optional", False)
        if not isinstance(optional, bool):
            raise _fail(path, where, "optional phải là true hoặc false.")
        categories.append(Category(code, tuple(v.strip() for v in labels), name.strip(), optional))
    return tuple(categories)


def with_categories(sheet: Sheet, categories: tuple[Category, ...]) -> Sheet:
    """The `Kết nạp` sheet with the categories' rows after its own."""
    if not categories:
        return sheet
    labels = {**sheet.labels, **{c.code: c.labels for c in categories}}
    return dataclasses.replace(
        sheet,
        labels=labels,
        extra_codes=tuple(c.code for c in categories),
        optional_codes=tuple(c.code for c in categories if c.optional),
    )
