"""Mistakes in the reference files are reported in Vietnamese with the file and line, never a traceback."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.common.errors import UserError
from pipeline.intake.reference import load_reference

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
        ("province.toml", "province = \n", "sai cú pháp TOML ở dòng 1, cột 12"),
        (
            "units.csv",
            "unit_code,unit_name,unit_kind,has_villages,valid_from,valid_to,predecessors\n"
            "DBP,Đảng bộ,district,1,2016H1,,\nMOI,Đảng bộ mới,bloc,0,2025H2,,DBP;KHONGCO\n",
            "dòng 3, cột predecessors: KHONGCO",
        ),
        (
            "units.csv",
            "unit_code,unit_name,unit_kind,has_villages,valid_from,valid_to\nX1,Xã,ward,1,2025H2,\n",
            "'ward'",
        ),
        (
            "province.toml",
            'province = "A"\n[[terms]]\nlabel = "x"\nstart = "2016H1"\nend = "2020H2"\n[[unit_kinds]]\ncode = "x"\n',
            "label",
        ),
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


def test_commune_units_load_without_declaring_kinds(raw_copy: Path) -> None:
    """Since July 2025 communes report to the province: a kind of unit known without any declaration."""
    units = raw_copy / "units.csv"
    units.write_text(
        units.read_text(encoding="utf-8") + "X001,Đảng bộ xã Thanh Nưa,commune,1,2025H2,,\n", encoding="utf-8"
    )
    reference = load_reference(raw_copy)
    assert reference.units["X001"].kind == "commune"
    assert list(reference.kinds) == ["district", "commune", "bloc", "armed_forces"]


def test_declared_kinds_and_their_order(raw_copy: Path) -> None:
    toml = raw_copy / "province.toml"
    declared = '[[unit_kinds]]\ncode = "armed_forces"\nlabel = "Lực lượng vũ trang"\n'
    declared += '[[unit_kinds]]\ncode = "district"\nlabel = "Huyện"\n[[unit_kinds]]\ncode = "bloc"\nlabel = "Khối"\n'
    toml.write_text(toml.read_text(encoding="utf-8") + declared, encoding="utf-8")
    assert load_reference(raw_copy).kinds == {"armed_forces": "Lực lượng vũ trang", "district": "Huyện", "bloc": "Khối"}


def test_unit_codes_are_read_as_the_returns_read_them(raw_copy: Path) -> None:
    """A return's code is read in capitals (` xa01 ` is XA01): so are units.csv's, targets.csv's and the
    predecessors', or a unit typed `Xa01` could never be matched; two spellings of one code are one code."""
    header = "unit_code,unit_name,unit_kind,has_villages,valid_from,valid_to,predecessors\n"
    _spoil(raw_copy, "units.csv", header + " Xa01 ,Xã A,commune,1,2016H1,,\nxb02,Xã B,commune,1,2016H1,,xa01\n")
    _spoil(raw_copy, "targets.csv", "unit_code,year,admission_target\nxa01,2016,5\nXB02 ,2016,7\n")
    reference = load_reference(raw_copy)
    assert list(reference.units) == ["XA01", "XB02"]
    assert reference.units["XB02"].predecessors == ("XA01",)
    assert reference.targets == {("XA01", 2016): 5, ("XB02", 2016): 7}
    _spoil(raw_copy, "units.csv", header + "XA01,Xã A,commune,1,2016H1,,\nxa01,Xã A,commune,1,2016H1,,\n")
    with pytest.raises(UserError, match="dòng 3: mã đơn vị XA01 bị trùng"):
        load_reference(raw_copy)
