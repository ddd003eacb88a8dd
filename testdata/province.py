"""A province as it is since the July 2025 reorganisation, generated for tests and the benchmark.

Until 2025H1 the units directly under the province are districts, two provincial blocs and the armed
forces; from 2025H2 the districts are gone, the communes (xã, phường, đặc khu) report to the province, and
the two blocs are merged into one (`predecessors`). A new congress term starts in 2025H2. Every return is a
line of the membership database's CSV export, consistent with every check (breakdowns add up, village
counts carry over), so that a report builds without errors. Deterministic: the same arguments write the
same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.periods import Period, parse, span
from pipeline.intake import forms
from pipeline.intake.reference import Unit
from testdata import workbook

PROVINCE = "Lạng Giang"
REORGANISED = Period(2025, 2)  # the first half-year of the communes and of the merged bloc
MERGED_BLOC = "DCQ"
SYLLABLES = [
    "Tân",
    "Hòa",
    "Bình",
    "An",
    "Phú",
    "Thạnh",
    "Long",
    "Mỹ",
    "Thuận",
    "Phước",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Hưng",
    "Lộc",
    "Sơn",
    "Hải",
    "Quang",
    "Minh",
    "Yên",
    "Xuân",
    "Trung",
    "Thượng",
    "Hạ",
    "Vĩnh",
    "Khánh",
    "Đức",
    "Thái",
    "Hiệp",
]
TOML = """province = "{province}"
[[terms]]
label = "2020–2025"
start = "2021H1"
end = "2025H1"
[[terms]]
label = "2025–2030"
start = "2025H2"
end = "2030H2"
[[unit_kinds]]
code = "commune"
label = "Đảng bộ xã, phường, đặc khu"
[[unit_kinds]]
code = "district"
label = "Đảng bộ huyện, thị xã, thành phố"
[[unit_kinds]]
code = "bloc"
label = "Đảng bộ khối"
[[unit_kinds]]
code = "armed_forces"
label = "Đảng bộ lực lượng vũ trang"
"""


@dataclass(frozen=True)
class GeneratedUnit(Unit):
    """A unit of units.csv (the product's own `Unit`), and how many members it admits in a half-year, about."""

    size: int = 10


def _commune_names(count: int, rng: random.Random) -> list[str]:
    pairs = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(pairs)
    names = []
    for number, place in enumerate(pairs[:count]):
        prefix = "đặc khu" if number == count - 1 else ("phường" if number % 7 == 0 else "xã")
        # A few long names, as real ones are: the charts and tables must still read.
        suffix = " Thượng Nguồn Sông Đà" if number % 41 == 5 else ""
        names.append(f"Đảng bộ {prefix} {place}{suffix}")
    return names


def units(communes: int, rng: random.Random, first: Period) -> list[GeneratedUnit]:
    last_before = REORGANISED.shift(-1)
    found = [
        GeneratedUnit(f"D{n:02d}", f"Đảng bộ huyện {name}", "district", True, first, last_before, size=60)
        for n, name in enumerate(
            (
                "Mai Sơn",
                "Yên Châu",
                "Mộc Châu",
                "Sông Mã",
                "Thuận Châu",
                "Quỳnh Nhai",
                "Phù Yên",
                "Bắc Yên",
                "Mường La",
                "Sốp Cộp",
            ),
            start=1,
        )
    ]
    found += [
        GeneratedUnit("KCQ", "Đảng bộ Khối các cơ quan tỉnh", "bloc", False, first, last_before, size=25),
        GeneratedUnit("KDN", "Đảng bộ Khối doanh nghiệp tỉnh", "bloc", False, first, last_before, size=12),
        GeneratedUnit("QST", "Đảng bộ Quân sự tỉnh", "armed_forces", False, first, None, size=15),
        GeneratedUnit("CAT", "Đảng bộ Công an tỉnh", "armed_forces", False, first, None, size=18),
        GeneratedUnit(
            MERGED_BLOC, "Đảng bộ các cơ quan Đảng, Nhà nước tỉnh", "bloc", False, REORGANISED, None, ("KCQ", "KDN"), 35
        ),
    ]
    found += [
        GeneratedUnit(f"X{n:03d}", name, "commune", True, REORGANISED, None, size=rng.randint(2, 9))
        for n, name in enumerate(_commune_names(communes, rng), start=1)
    ]
    return found


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """`total` in parts about proportional to `weights`, adding up exactly."""
    raw = [w * rng.uniform(0.7, 1.3) for w in weights]
    parts = [int(total * r / sum(raw)) for r in raw]
    parts[max(range(len(parts)), key=lambda i: raw[i])] += total - sum(parts)
    return parts


def _admissions(admitted: int, unit: GeneratedUnit, rng: random.Random) -> dict[str, int]:
    figures = {"admitted": admitted}
    for code, share in (
        ("readmitted", 0.01),
        ("women", 0.38),
        ("ethnic_minority", 0.6),
        ("religious", 0.02),
        ("youth_union", 0.72),
    ):
        figures[code] = min(admitted, round(admitted * share * rng.uniform(0.8, 1.2)))
    weights = {
        "occupation": [0.1, 0.1, 0.1, 0.45 if unit.has_villages else 0.02, 0.05, 0.05, 0.15],
        "age": [0.7, 0.2, 0.07, 0.03],
        "education": [0.02, 0.17, 0.81],
        "organization": [0.65, 0.12, 0.1, 0.05, 0.04, 0.03, 0.01]
        if unit.has_villages
        else [0, 0.4, 0.3, 0.2, 0.05, 0.05, 0],
    }
    for breakdown, codes in forms.BREAKDOWNS.items():
        figures.update(zip(codes, _split(admitted, weights[breakdown], rng), strict=True))
    return figures


def returns(
    unit_list: list[GeneratedUnit], periods: list[Period], rng: random.Random
) -> dict[Period, list[list[object]]]:
    """The CSV export of every half-year: (unit_code, period, code, value) rows."""
    villages: dict[str, dict[str, int]] = {}
    rows: dict[Period, list[list[object]]] = {}
    for period in periods:
        rows[period] = []
        for unit in (u for u in unit_list if u.expected_in(period)):
            figures = _admissions(max(0, round(unit.size * rng.uniform(0.6, 1.4))), unit, rng)
            if unit.has_villages:
                before = villages.get(unit.code) or {
                    "total": unit.size * 3 + rng.randint(5, 40),
                    "no_member": rng.randint(0, 6),
                    "joint": rng.randint(0, 12),
                }
                after = dict(before)
                after["no_member"] = max(0, before["no_member"] - rng.randint(0, 2))
                after["joint"] = max(0, before["joint"] - rng.randint(0, 3))
                figures |= {
                    "villages_total": before["total"],
                    "villages_no_member_start": before["no_member"],
                    "villages_no_member_end": after["no_member"],
                    "villages_joint_start": before["joint"],
                    "villages_joint_end": after["joint"],
                    "new_village_cells": before["joint"] - after["joint"],
                }
                villages[unit.code] = after
            rows[period] += [[unit.code, str(period), code, figures.get(code, 0)] for code in forms.CODES]
    return rows


def write_province(
    raw: Path, communes: int = 120, first: str = "2024H1", last: str = "2025H2", seed: int = 2025
) -> Path:
    """Write the raw folder of a reorganised province into `raw`: `communes` commune units from 2025H2 plus
    the three provincial units, and the ten districts and two blocs before; returns from `first` to `last`."""
    rng = random.Random(seed)
    periods = span(parse(first), parse(last))
    unit_list = units(communes, rng, periods[0])
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "province.toml").write_text(TOML.format(province=PROVINCE), encoding="utf-8")
    units_rows: list[list[object]] = [
        ["unit_code", "unit_name", "unit_kind", "has_villages", "valid_from", "valid_to", "predecessors"]
    ]
    units_rows += [
        [u.code, u.name, u.kind, int(u.has_villages), u.valid_from, u.valid_to or "", ";".join(u.predecessors)]
        for u in unit_list
    ]
    workbook.write_csv(raw / "units.csv", units_rows)
    targets: list[list[object]] = [["unit_code", "year", "admission_target"]]
    for year in sorted({p.year for p in periods}):
        targets += [
            [u.code, year, 2 * u.size] for u in unit_list if any(u.expected_in(p) for p in periods if p.year == year)
        ]
    workbook.write_csv(raw / "targets.csv", targets)
    for period, period_rows in returns(unit_list, periods, rng).items():
        # As the export is written elsewhere: UTF-8 without a BOM, Unix line ends.
        export = raw / "returns" / str(period) / f"XuatDuLieu_{period}.csv"
        workbook.write_csv(export, [workbook.CSV_EXPORT_HEADER, *period_rows])
    return raw
