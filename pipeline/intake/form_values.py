"""Reading the values of a form file (SPEC 10): names, lists of labels, column letters and tables, each
mistake a UserError naming the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.common.errors import UserError

_COLUMN = re.compile(r"^[A-Za-z]{1,3}$")


def fail(path: Path, where: str, message: str) -> UserError:
    return UserError(f"{path}: {where} {message}")


def text(path: Path, where: str, value: object, empty_ok: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not empty_ok):
        raise fail(path, where, "phải là chữ, không để trống (trong dấu ngoặc kép).")
    return value.strip()


def texts(path: Path, where: str, value: object) -> tuple[str, ...]:
    """A list of names or labels; one name alone is taken as a list of one."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise fail(path, where, 'phải là một danh sách chữ, ví dụ ["Tên khác"].')
    return tuple(text(path, where, v) for v in values)


def column(path: Path, where: str, value: object, optional: bool) -> int | None:
    letters = text(path, where, value, empty_ok=optional)
    if not letters:
        return None
    if not _COLUMN.match(letters):
        raise fail(path, where, f"phải là tên một cột (A, B, C, …), không phải «{letters}».")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def refuse_unknown(path: Path, where: str, given: dict[str, object], known: tuple[str, ...]) -> None:
    unknown = [key for key in given if key not in known]
    if unknown:
        raise fail(path, where, f"có khóa không dùng được: {', '.join(unknown)} (dùng: {', '.join(known)}).")


def table(path: Path, where: str, value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise fail(path, where, "phải là một bảng khóa = giá trị.")
    return value
