"""Mistakes in the reference files are reported in Vietnamese with the file and line, never a traceback."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import UserError
from pipeline.reference import load_reference

# units.csv as Excel saves "CSV" on a Vietnamese Windows: Windows-1258, not UTF-8.
EXCEL_ANSI = unicodedata.normalize(
    "NFD", "unit_code,unit_name,unit_kind,has_villages,valid_from,valid_to\nDBP,Đảng,district,1,2016H1,\n"
).encode("cp1258")


def _spoil(raw: Path, name: str, text: str | bytes) -> None:
    path = raw / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("units.csv", "unit_code,unit_name,unit_kind,has_villages,valid_from,valid_to\nDBP,Đảng bộ\n", "dòng 2"),
        ("units.csv", EXCEL_ANSI, "UTF-8"),
        ("units.csv", "unit_code,unit_name\nDBP,x\n", "thiếu cột unit_kind"),
        ("targets.csv", "unit_code,year,admission_target\nDBP,2016\n", "dòng 2"),
        ("targets.csv", "unit_code,year,admission_target\nXYZ,2016,5\n", "XYZ"),
        ("province.toml", 'province = "Điện Biên"\n[[terms]]\nlabel = "x"\nstart = 2016\nend = "2020H2"\n', "nhiệm kỳ"),
        ("province.toml", 'province = "Điện Biên"\n[[terms]]\nlabel = "x"\nend = "2020H2"\n', "thiếu khóa"),
        ("province.toml", "province = \n", "TOML"),
    ],
)
def test_reference_mistakes(raw_copy: Path, name: str, content: str | bytes, expected: str) -> None:
    _spoil(raw_copy, name, content)
    with pytest.raises(UserError, match=expected) as caught:
        load_reference(raw_copy)
    assert name in str(caught.value)


def test_province_toml_with_bom(raw_copy: Path) -> None:
    toml = raw_copy / "province.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert load_reference(raw_copy).province == "Điện Biên"
