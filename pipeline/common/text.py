"""Loose matching of what people type: case, diacritics, spaces and Unicode form do not matter."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def fold(text: object) -> str:
    """`Kết  Nạp`, `KẾT NẠP` and an NFD-typed `Kết nạp` all fold to `ketnap`."""
    value = "" if text is None else str(text)
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if ch.isalnum())


def nfc(text: object) -> str:
    """Text from a return as it should be shown: NFC, surrounding spaces removed."""
    return unicodedata.normalize("NFC", "" if text is None else str(text)).strip()


def unit_code(text: object) -> str:
    """A unit code wherever it is typed (a return, units.csv, targets.csv): ` dbp ` and `DBP` are one unit."""
    return nfc(text).upper()


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` — có phải 'admitted'?`: the nearest known name to a misspelt one, or nothing when none is near."""
    nearest = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" — có phải {nearest[0]!r}?" if nearest else ""
