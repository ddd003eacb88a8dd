"""Deterministic generator of the Điện Biên sample data, 2016H1 to 2017H1 (SPEC 7).

Writes `province.toml`, `units.csv`, `targets.csv` and `returns/<PERIOD>/` into an output directory.
The figures reproduce the article's term-to-date totals exactly; the returns vary the way real ones
do (`.xlsx` and `.ods`, one CSV export, text numbers, blanks and dashes, a `Tổng cộng` row, sheet
names in other case or with decomposed diacritics) while staying valid.

Running it twice gives byte-identical files: all randomness comes from one seeded `random.Random`,
every document timestamp is fixed and every zip container is rewritten with fixed entry dates.

The membership balance (sheet `Đảng viên`), the grassroots organizations and the one category of the
sample's `form.toml` (SPEC 11) are illustrative: the article gives none of them. They are drawn from a
second seeded generator, so that the article's figures and every other draw stay as they were.

Usage: ``python -m tools.sample OUT_DIR``
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import random
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.periods import Period, span
from pipeline.intake import checks, forms, workbook_writer
from pipeline.intake.form_file import default_form, parse_form
from pipeline.intake.problems import WARNING
from pipeline.intake.reference import load_reference
from pipeline.intake.returns import read_return_file
from pipeline.intake.workbook_writer import Cell, Line, SheetLayout

SEED = 20170630
EXTRA_SEED = 20170701  # the figures of SPEC 11, illustrative (see the module's docstring)
PERIODS: tuple[Period, ...] = tuple(span(Period(2016, 1), Period(2017, 1)))
YEARS: tuple[int, ...] = (2016, 2017)

# The sample province's own form (SPEC 10, 11): one category of new members beyond SPEC 3.
FORM_TOML = """\
# Mẫu báo cáo riêng của tỉnh: thêm một nhóm đảng viên mới kết nạp ngoài các dòng của mẫu chung.
[[admissions.categories]]
code = "college_graduate"
labels = ["Trình độ cao đẳng, đại học trở lên"]
name = "có trình độ cao đẳng, đại học trở lên"
optional = true  # a return on the default form (without the row) is accepted
"""
SAMPLE_FORM = parse_form(__import__("tomllib").loads(FORM_TOML), Path("form.toml"), default_form())
CATEGORY = SAMPLE_FORM.categories[0].code
# Every row code the sample's returns hold, in the order of the form's sheets.
SAMPLE_CODES: tuple[str, ...] = SAMPLE_FORM.codes
# Share of new members with a college or university degree, by kind of unit (illustrative).
GRADUATE_RATE = {"district": 0.14, "bloc": 0.85, "armed_forces": 0.45}
# Members at the start of 2016H1 per member admitted over the term so far (illustrative).
MEMBERS_PER_ADMITTED = {"district": 9, "bloc": 14, "armed_forces": 12}
# Grassroots party organizations of a unit (illustrative), by kind.
GRASSROOTS = {"district": (22, 34), "bloc": (60, 80), "armed_forces": (18, 30)}

PROVINCE_TOML = """\
province = "Điện Biên"
[[terms]]            # congress terms; term-to-date figures count from the term's first half-year
label = "2015–2020"
start = "2016H1"
end = "2020H2"
[[terms]]
label = "2020–2025"
start = "2021H1"
end = "2025H2"
[report]             # the formal report's header, signature and recipients
superior_body = "TỈNH ỦY ĐIỆN BIÊN"
issuing_body = "BAN TỔ CHỨC"
document_code = "BC/BTCTU"
place = "Điện Biên"
signer_role = "TRƯỞNG BAN"
signer_name = "Nguyễn Văn A"
recipients = ["Ban Tổ chức Trung ương (b/c)", "Thường trực Tỉnh ủy (b/c)", "Các đảng bộ trực thuộc", "Lưu Văn phòng"]
"""

# The analysts' commentary of the 2017H1 edition (SPEC 8): every figure it states is a placeholder.
COMMENTARY = {
    "2017H1": """\
## Đánh giá chung

Sáu tháng đầu năm 2017, cấp ủy các cấp tiếp tục quan tâm lãnh đạo công tác tạo nguồn, bồi dưỡng và kết nạp
đảng viên. Toàn tỉnh kết nạp {{ province.period.admitted }} đảng viên, đạt {{ province.period.target_pct }}
chỉ tiêu 6 tháng; tính từ đầu nhiệm kỳ đã kết nạp {{ province.term_to_date.admitted }} đảng viên, đạt
{{ province.term_to_date.target_pct }} chỉ tiêu. Các đảng bộ huyện, thị xã, thành phố đạt
{{ kinds.district.term_to_date.target_pct }} chỉ tiêu nhiệm kỳ; {{ units.NPO.name }} dẫn đầu với
{{ units.NPO.term_to_date.target_pct }}. Đảng viên mới là đoàn viên thanh niên chiếm
{{ province.period.youth_union_pct }}, là người dân tộc thiểu số chiếm {{ province.period.ethnic_minority_pct }}.

## Hạn chế, nguyên nhân

Kết nạp ở các đảng bộ khối và lực lượng vũ trang còn thấp: khối cơ quan, doanh nghiệp đạt
{{ kinds.bloc.term_to_date.target_pct }}, lực lượng vũ trang đạt {{ kinds.armed_forces.term_to_date.target_pct }}
chỉ tiêu nhiệm kỳ. {{ units.MNH.name }} mới đạt {{ units.MNH.term_to_date.target_pct }}. Nguyên nhân chủ yếu là
nguồn quần chúng ưu tú ở vùng sâu, vùng xa còn ít; một số chi bộ chưa chủ động giới thiệu quần chúng.

## Nhiệm vụ 6 tháng cuối năm 2017

- Tập trung tạo nguồn ở {{ province.term_to_date.villages_no_member_end }} thôn, bản chưa có đảng viên và
  {{ province.term_to_date.villages_joint_end }} thôn, bản còn sinh hoạt ghép.
- Các đảng bộ chưa đạt chỉ tiêu xây dựng kế hoạch cụ thể, phấn đấu hoàn thành chỉ tiêu năm 2017.
""",
}

# Province totals over 2016H1..2017H1 that the article reports (SPEC 7).
PROVINCE_TOTALS: dict[str, int] = {
    "admitted": 3722,
    "youth_union": 2742,
    "women": 1381,
    "occ_farmer": 1584,
    "ethnic_minority": 2377,
    "edu_upper_secondary": 3026,
    "org_commune": 2403,
    "new_village_cells": 57,
}
# Village figures summed over districts: (code, period, value).
PROVINCE_VILLAGES: tuple[tuple[str, str, int], ...] = (
    ("villages_total", "2017H1", 1813),
    ("villages_no_member_start", "2016H1", 95),
    ("villages_no_member_end", "2017H1", 51),
    ("villages_joint_start", "2016H1", 328),
    ("villages_joint_end", "2017H1", 271),
)
ANNUAL_TARGET_TOTAL = 1900

# Share of a unit's term admissions falling in each half-year (before per-unit noise).
HALF_WEIGHTS = (0.345, 0.36, 0.295)


@dataclass(frozen=True)
class Rates:
    """Expected share of `admitted` for the counts anchored to a province total."""

    ethnic_minority: float
    women: float
    youth_union: float
    occ_farmer: float
    org_commune: float
    edu_upper_secondary: float
    religious: float


@dataclass(frozen=True)
class Habit:
    """How a unit fills in its return."""

    ext: str
    file_name: str  # str.format pattern: {code} {period} {slug} {year} {half} {six}
    prepared_by: str
    period_words: bool = False
    date_as_text: bool = False
    zero: str = "0"  # how a zero count is written: "0", "" (blank) or "-"
    text_numbers: bool = False
    sheet_case: str = ""  # "", "upper" or "lower"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    slug: str  # ASCII name used in file names
    targets: tuple[int, int]  # annual admission target 2016, 2017
    admitted: int  # admissions over 2016H1..2017H1
    rates: Rates
    habit: Habit
    villages: int = 0  # villages_total
    no_member: tuple[int, int] = (0, 0)  # at 2016H1 start, at 2017H1 end
    joint: tuple[int, int] = (0, 0)  # at 2016H1 start, at 2017H1 end

    @property
    def has_villages(self) -> bool:
        return self.kind == "district"


UNITS: tuple[Unit, ...] = (
    Unit(
        "DBP",
        "Đảng bộ thành phố Điện Biên Phủ",
        "district",
        "DienBienPhu",
        targets=(140, 145),
        admitted=290,
        villages=125,
        joint=(2, 0),
        rates=Rates(0.2, 0.52, 0.65, 0.08, 0.5, 0.97, 0.005),
        habit=Habit("xlsx", "{code}_{period}", "Nguyễn Thị Hồng Nhung"),
    ),
    Unit(
        "MLA",
        "Đảng bộ thị xã Mường Lay",
        "district",
        "MuongLay",
        targets=(30, 30),
        admitted=41,
        villages=42,
        joint=(3, 2),
        rates=Rates(0.5, 0.44, 0.72, 0.22, 0.55, 0.9, 0.0),
        habit=Habit("ods", "{slug}_{period}", "Lò Văn Thắng", period_words=True, date_as_text=True, sheet_case="lower"),
    ),
    Unit(
        "DBI",
        "Đảng bộ huyện Điện Biên",
        "district",
        "DienBien",
        targets=(230, 225),
        admitted=520,
        villages=330,
        no_member=(2, 1),
        joint=(30, 24),
        rates=Rates(0.45, 0.42, 0.75, 0.52, 0.76, 0.86, 0.005),
        habit=Habit("xlsx", "BaoCao_{slug}_{six}", "Trần Văn Hùng", period_words=True),
    ),
    Unit(
        "DBD",
        "Đảng bộ huyện Điện Biên Đông",
        "district",
        "DienBienDong",
        targets=(170, 170),
        admitted=400,
        villages=215,
        no_member=(16, 9),
        joint=(50, 43),
        rates=Rates(0.88, 0.35, 0.75, 0.58, 0.8, 0.74, 0.04),
        habit=Habit("ods", "{code}_{period}", "Giàng Thị Mai", date_as_text=True, zero=""),
    ),
    Unit(
        "MAN",
        "Đảng bộ huyện Mường Ảng",
        "district",
        "MuongAng",
        targets=(120, 125),
        admitted=265,
        villages=140,
        no_member=(1, 0),
        joint=(22, 18),
        rates=Rates(0.72, 0.38, 0.76, 0.55, 0.78, 0.8, 0.01),
        habit=Habit("xlsx", "{code}_{period}", "Lường Văn Thoại"),
    ),
    Unit(
        "TGI",
        "Đảng bộ huyện Tuần Giáo",
        "district",
        "TuanGiao",
        targets=(210, 210),
        admitted=470,
        villages=270,
        no_member=(4, 2),
        joint=(38, 32),
        rates=Rates(0.74, 0.4, 0.74, 0.5, 0.77, 0.8, 0.02),
        habit=Habit("xlsx", "BaoCao_{slug}_{six}", "Quàng Thị Thu", period_words=True, zero="-", sheet_case="upper"),
    ),
    Unit(
        "TCH",
        "Đảng bộ huyện Tủa Chùa",
        "district",
        "TuaChua",
        targets=(150, 150),
        admitted=330,
        villages=145,
        no_member=(13, 7),
        joint=(40, 34),
        rates=Rates(0.9, 0.34, 0.76, 0.6, 0.82, 0.72, 0.05),
        habit=Habit("ods", "{slug}_KetNap_{period}", "Sùng A Páo"),
    ),
    Unit(
        "MCH",
        "Đảng bộ huyện Mường Chà",
        "district",
        "MuongCha",
        targets=(140, 140),
        admitted=300,
        villages=180,
        no_member=(10, 5),
        joint=(38, 32),
        rates=Rates(0.85, 0.36, 0.75, 0.56, 0.8, 0.74, 0.03),
        habit=Habit("xlsx", "{code}_{period}", "Lò Thị Hương", date_as_text=True, text_numbers=True),
    ),
    Unit(
        "MNH",
        "Đảng bộ huyện Mường Nhé",
        "district",
        "MuongNhe",
        targets=(130, 130),
        admitted=182,
        villages=170,
        no_member=(25, 14),
        joint=(52, 42),
        rates=Rates(0.82, 0.32, 0.76, 0.55, 0.82, 0.7, 0.06),
        habit=Habit("ods", "KetNap_{code}_{year}_H{half}", "Vừ A Chống", period_words=True, zero="-"),
    ),
    Unit(
        "NPO",
        "Đảng bộ huyện Nậm Pồ",
        "district",
        "NamPo",
        targets=(150, 145),
        admitted=355,
        villages=196,
        no_member=(24, 13),
        joint=(53, 44),
        rates=Rates(0.88, 0.33, 0.78, 0.6, 0.83, 0.7, 0.06),
        habit=Habit("xlsx", "{code}-{period}", "Hoàng Văn Dũng"),
    ),
    Unit(
        "KCQ",
        "Đảng bộ Khối các cơ quan tỉnh",
        "bloc",
        "KhoiCoQuan",
        targets=(140, 140),
        admitted=185,
        rates=Rates(0.22, 0.57, 0.45, 0.0, 0.0, 1.0, 0.0),
        habit=Habit("xlsx", "{code}_{period}", "Phạm Thị Thanh Huyền", zero=""),
    ),
    Unit(
        "KDN",
        "Đảng bộ Khối doanh nghiệp tỉnh",
        "bloc",
        "KhoiDoanhNghiep",
        targets=(50, 50),
        admitted=70,
        rates=Rates(0.15, 0.44, 0.55, 0.0, 0.0, 0.95, 0.0),
        habit=Habit("ods", "KhoiDN_{period}", "Đỗ Minh Tuấn", period_words=True),
    ),
    Unit(
        "QST",
        "Đảng bộ Quân sự tỉnh",
        "armed_forces",
        "QuanSu",
        targets=(100, 100),
        admitted=132,
        rates=Rates(0.45, 0.04, 0.9, 0.0, 0.0, 0.97, 0.0),
        habit=Habit("xlsx", "{code}_{period}", "Nguyễn Văn Quân"),
    ),
    Unit(
        "CAT",
        "Đảng bộ Công an tỉnh",
        "armed_forces",
        "CongAn",
        targets=(90, 90),
        admitted=118,
        rates=Rates(0.35, 0.15, 0.78, 0.0, 0.0, 1.0, 0.0),
        habit=Habit("xlsx", "{code}_{period}", "Lê Thị Thu Trang"),
    ),
    Unit(
        "BPT",
        "Đảng bộ Bộ đội Biên phòng tỉnh",
        "armed_forces",
        "BienPhong",
        targets=(50, 50),
        admitted=64,
        rates=Rates(0.55, 0.03, 0.88, 0.0, 0.0, 0.98, 0.0),
        habit=Habit("xlsx", "BDBP_{period}", "Bùi Đức Mạnh"),
    ),
)
UNIT_BY_CODE: dict[str, Unit] = {u.code: u for u in UNITS}

# Highland districts: more primary-educated and religious (Protestant H'Mông) admissions.
HIGHLAND = frozenset({"DBD", "TCH", "MCH", "MNH", "NPO"})

# Returns sent as one CSV export of the membership database instead of workbooks.
CSV_EXPORT = (Period(2017, 1), ("CAT", "BPT"), "XuatDuLieu_CSDL_DangVien_{period}.csv")

# Per-return departures from the unit's habit (all still valid returns).
VARIANTS: dict[tuple[str, str], dict[str, object]] = {
    ("MCH", "2016H1"): {"ext": "ods"},
    ("MNH", "2017H1"): {"ext": "xlsx"},
    ("QST", "2016H2"): {"text_numbers": True, "date_as_text": True},
    ("NPO", "2016H1"): {"total_row": True},
    ("DBI", "2016H2"): {"total_row": True},
    ("KCQ", "2017H1"): {"total_row": True},
    ("MNH", "2016H2"): {"nfd_sheets": True, "prepared_on": dt.date(2017, 2, 12)},  # the late return
    ("KCQ", "2016H1"): {"nfd_sheets": True},
    ("DBD", "2017H1"): {"nfd_label": "period"},
    ("MAN", "2016H2"): {"blank_code": "ethnic_minority"},
    ("TCH", "2016H2"): {"shuffle_rows": True},
    ("DBP", "2017H1"): {"period_words": True},
}

# Weights for splitting what is left of a breakdown once its anchored part is set, by unit kind.
ORG_REST = {
    "district": {
        "org_agency": 0.42,
        "org_public_service": 0.40,
        "org_enterprise": 0.04,
        "org_military": 0.06,
        "org_police": 0.05,
        "org_other": 0.03,
    },
    "KCQ": {"org_agency": 0.78, "org_public_service": 0.22},
    "KDN": {"org_enterprise": 0.86, "org_public_service": 0.09, "org_other": 0.05},
    "QST": {"org_military": 1.0},
    "CAT": {"org_police": 1.0},
    "BPT": {"org_military": 1.0},
}
OCC_REST = {
    "district": {
        "occ_civil_servant": 0.27,
        "occ_public_employee": 0.33,
        "occ_worker": 0.06,
        "occ_student": 0.06,
        "occ_other": 0.28,
    },
    "KCQ": {"occ_civil_servant": 0.62, "occ_public_employee": 0.34, "occ_other": 0.04},
    "KDN": {"occ_worker": 0.74, "occ_public_employee": 0.08, "occ_other": 0.18},
    "QST": {"occ_armed_forces": 0.95, "occ_worker": 0.05},
    "CAT": {"occ_armed_forces": 0.97, "occ_civil_servant": 0.03},
    "BPT": {"occ_armed_forces": 1.0},
}
AGE_REST = {
    "district": {"age_18_30": 0.30, "age_31_40": 0.45, "age_41_50": 0.20, "age_51_plus": 0.05},
    "bloc": {"age_18_30": 0.25, "age_31_40": 0.50, "age_41_50": 0.20, "age_51_plus": 0.05},
    "armed_forces": {"age_18_30": 0.55, "age_31_40": 0.40, "age_41_50": 0.05},
}
EDU_REST = {
    "highland": {"edu_primary": 0.32, "edu_lower_secondary": 0.68},
    "district": {"edu_primary": 0.12, "edu_lower_secondary": 0.88},
    "bloc": {"edu_lower_secondary": 1.0},
    "armed_forces": {"edu_lower_secondary": 1.0},
}

Figures = dict[tuple[str, str], dict[str, int]]


# ---------------------------------------------------------------------------------------------------
# Allocation


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` into whole parts proportional to `weights`, none above its cap.

    Largest-remainder method: shares above a cap are fixed at the cap and the rest is spread again
    over the others; the floors of the shares are then topped up one by one in order of the largest
    fractional part (ties by position). Parts with zero weight get nothing unless nothing else can
    take the total.
    """
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if total < 0 or total > sum(caps):
        raise ValueError(f"cannot allocate {total} within caps totalling {sum(caps)}")
    shares = [0.0] * n
    free = [i for i in range(n) if weights[i] > 0 and caps[i] > 0]
    remaining = float(total)
    while free:
        wsum = sum(weights[i] for i in free)
        over = [i for i in free if remaining * weights[i] / wsum > caps[i]]
        if not over:
            for i in free:
                shares[i] = remaining * weights[i] / wsum
            break
        for i in over:
            shares[i] = float(caps[i])
            remaining -= caps[i]
            free.remove(i)
    parts = [min(caps[i], math.floor(shares[i] + 1e-9)) for i in range(n)]
    left = total - sum(parts)
    order = sorted(range(n), key=lambda i: (weights[i] <= 0, -(shares[i] - parts[i]), i))
    while left > 0:
        for i in order:
            if left == 0:
                break
            if parts[i] < caps[i]:
                parts[i] += 1
                left -= 1
    return parts


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    codes = list(weights)
    return dict(zip(codes, allocate(total, [weights[c] for c in codes]), strict=True))


# ---------------------------------------------------------------------------------------------------
# Figures


def generate_figures(rng: random.Random) -> Figures:
    """Every unit's figures for every period, as {(unit_code, period): {code: count}}."""
    keys = [(u.code, p) for u in UNITS for p in PERIODS]
    fig: Figures = {key: dict.fromkeys(SAMPLE_CODES, 0) for key in keys}

    for unit in UNITS:
        weights = [w * rng.uniform(0.9, 1.1) for w in HALF_WEIGHTS]
        for period, n in zip(PERIODS, allocate(unit.admitted, weights), strict=True):
            fig[unit.code, period]["admitted"] = n

    def anchor(code: str, caps: list[int]) -> None:
        weights = [
            fig[key]["admitted"] * getattr(UNIT_BY_CODE[key[0]].rates, code) * rng.uniform(0.93, 1.07) for key in keys
        ]
        for key, n in zip(keys, allocate(PROVINCE_TOTALS[code], weights, caps), strict=True):
            fig[key][code] = n

    admitted = [fig[key]["admitted"] for key in keys]
    has_villages = [UNIT_BY_CODE[code].has_villages for code, _ in keys]
    anchor("org_commune", [a if v else 0 for a, v in zip(admitted, has_villages, strict=True)])
    anchor("occ_farmer", [fig[key]["org_commune"] for key in keys])
    for code in ("youth_union", "women", "ethnic_minority", "edu_upper_secondary"):
        anchor(code, admitted)

    for (code, _period), f in fig.items():
        unit = UNIT_BY_CODE[code]
        n = f["admitted"]
        kind = unit.kind if unit.kind == "district" else code
        if unit.kind == "district" and rng.random() < 0.15:
            f["readmitted"] = 1
        f["religious"] = min(n, round(n * unit.rates.religious * rng.uniform(0.6, 1.4)))
        f.update(_split(n - f["org_commune"], ORG_REST[kind]))
        occ_fixed = f["occ_farmer"]
        if unit.kind == "district":
            f["occ_armed_forces"] = f["org_military"] + f["org_police"]
            occ_fixed += f["occ_armed_forces"]
        f.update(_split(n - occ_fixed, OCC_REST[kind]))
        age = _split(n - f["youth_union"], AGE_REST[unit.kind])
        age["age_18_30"] += f["youth_union"]
        f.update(age)
        edu_kind = "highland" if code in HIGHLAND else unit.kind
        f.update(_split(n - f["edu_upper_secondary"], EDU_REST[edu_kind]))

    for unit in UNITS:
        if not unit.has_villages:
            continue
        no_member, joint = unit.no_member[0], unit.joint[0]
        no_member_drop = allocate(unit.no_member[0] - unit.no_member[1], [rng.uniform(0.6, 1.4) for _ in PERIODS])
        joint_drop = allocate(unit.joint[0] - unit.joint[1], [rng.uniform(0.6, 1.4) for _ in PERIODS])
        for i, period in enumerate(PERIODS):
            f = fig[unit.code, period]
            f["villages_total"] = unit.villages
            f["villages_no_member_start"] = no_member
            no_member -= no_member_drop[i]
            f["villages_no_member_end"] = no_member
            f["villages_joint_start"] = joint
            joint -= joint_drop[i]
            f["villages_joint_end"] = joint
            f["new_village_cells"] = joint_drop[i]
    add_spec_11_figures(fig, random.Random(EXTRA_SEED))
    return fig


def add_spec_11_figures(fig: Figures, rng: random.Random) -> None:
    """The sample's category, membership balance and grassroots organizations for every return (SPEC 11):
    consistent with the admissions, each half-year's start the end of the half-year before."""
    for unit in UNITS:
        members = MEMBERS_PER_ADMITTED[unit.kind] * unit.admitted + rng.randint(0, 400)
        low, high = GRASSROOTS[unit.kind]
        orgs = rng.randint(low, high)
        probationary = round(unit.admitted * 0.6)
        for period in PERIODS:
            f = fig[unit.code, period]
            admitted = f["admitted"]
            f[CATEGORY] = min(admitted, round(admitted * GRADUATE_RATE[unit.kind] * rng.uniform(0.8, 1.2)))
            flows = {
                "transferred_in": rng.randint(2, 12 if unit.kind == "district" else 30),
                "transferred_out": rng.randint(2, 12 if unit.kind == "district" else 30),
                "deceased": round(members * rng.uniform(0.002, 0.005)),
                "expelled": rng.randint(0, 2),
                "struck_off": rng.randint(0, 3),
                "permitted_to_leave": rng.randint(0, 1),
            }
            made_full = min(probationary, round(admitted * rng.uniform(0.85, 1.1)))
            end = (
                members + admitted + flows["transferred_in"] - sum(v for k, v in flows.items() if k != "transferred_in")
            )
            probationary = probationary + admitted - made_full
            f.update(flows)
            f.update(
                members_start=members,
                members_end=end,
                probationary_end=probationary,
                made_full=made_full,
            )
            members = end
            orgs += rng.choice((0, 0, 1))
            f["grassroots_orgs"] = orgs
            f["grassroots_orgs_admitting"] = min(orgs, admitted, max(1, round(orgs * rng.uniform(0.55, 0.85))))


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise AssertionError(f"sample data: {message}")


def check_figures(fig: Figures) -> None:
    """Check what the sample demands beyond the form's rules (which `check_returns` checks on the files
    written) and the article's province totals (SPEC 7)."""
    for (code, period), f in fig.items():
        where = f"{code} {period}"
        _require(f["admitted"] >= 1, f"{where}: nobody admitted")
        for end in ("start", "end"):
            no_member, joint = f[f"villages_no_member_{end}"], f[f"villages_joint_{end}"]
            _require(no_member <= joint, f"{where}: more villages without members than joint")
        _require(
            f["new_village_cells"] == f["villages_joint_start"] - f["villages_joint_end"],
            f"{where}: new cells do not match joint villages",
        )
    for c, total in PROVINCE_TOTALS.items():
        got = sum(f[c] for f in fig.values())
        _require(got == total, f"province {c} = {got}, expected {total}")
    for c, period, total in PROVINCE_VILLAGES:
        got = sum(f[c] for (_, p), f in fig.items() if str(p) == period)
        _require(got == total, f"province {c} at {period} = {got}, expected {total}")
    for year in YEARS:
        got = sum(u.targets[YEARS.index(year)] for u in UNITS)
        _require(got == ANNUAL_TARGET_TOTAL, f"province target {year} = {got}")
    pct = 100 * PROVINCE_TOTALS["admitted"] / (ANNUAL_TARGET_TOTAL * 1.5)
    _require(130 < pct < 135, f"term-to-date target_pct {pct:.2f} not in (130, 135)")


# The problems the product must find in the sample, by half-year: (unit, severity). Only the late return.
EXPECTED_PROBLEMS: dict[str, set[tuple[str, str]]] = {"2016H2": {("MNH", WARNING)}}


def check_returns(out_dir: Path, fig: Figures) -> None:
    """Read every return written back through the product's readers and checks (SPEC 3, 4): each must read
    as exactly the figures generated, with no problem but those the sample means to have."""
    reference = load_reference(out_dir)
    ends: dict[tuple[str, str], tuple[int, str, str, str]] = {}
    for period in PERIODS:
        returns = []
        for path in sorted((out_dir / "returns" / str(period)).iterdir()):
            returns += read_return_file(path, path.name, reference.form)
        problems = checks.check_period(returns, period, reference)
        for ret in returns:
            checks.check_return(ret, period, reference)
            checks.check_continuity(ret, period, ends, reference)
            read = {code: figure.value for code, figure in ret.figures.items()}
            _require(read == fig[ret.unit_code, period], f"{ret.file} does not read back as generated")
            problems += ret.problems
        found = {(problem.unit_code, problem.severity) for problem in problems}
        _require(found == EXPECTED_PROBLEMS.get(str(period), set()), f"{period}: problems {problems}")
        ends = {
            (ret.unit_code, code): (figure.value, ret.file, figure.place.sheet, figure.place.cell)
            for ret in returns
            for code, figure in ret.figures.items()
            if code.endswith("_end")
        }


# ---------------------------------------------------------------------------------------------------
# Returns, laid out by the product's workbook writer


@dataclass
class Return:
    unit: Unit
    period: Period
    figures: dict[str, int]
    ext: str
    file_name: str
    prepared_on: dt.date
    habit: Habit
    period_words: bool
    date_as_text: bool
    text_numbers: bool
    total_row: bool = False
    nfd_sheets: bool = False
    nfd_label: str = ""  # the info field whose label is typed with decomposed diacritics
    blank_code: str = ""
    shuffle_rows: bool = False
    sheets: list[SheetLayout] = field(default_factory=list)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _file_stem(pattern: str, unit: Unit, period: Period) -> str:
    year, half = period.year, period.half
    six = f"6T{year}" if half == 1 else f"6Tcuoi{year}"
    stem = pattern.format(code=unit.code, period=str(period), slug=unit.slug, year=year, half=half, six=six)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", stem):
        raise ValueError(f"file name not ASCII-safe: {stem!r}")
    return stem


def _count_cell(n: int, ret: Return) -> Cell:
    if n == 0:
        return {"0": 0, "": None, "-": "-"}[ret.habit.zero]
    if ret.text_numbers:
        return f"{n:,}".replace(",", ".")
    return n


def _sheet_name(name: str, ret: Return) -> str:
    if ret.habit.sheet_case == "upper":
        name = name.upper()
    elif ret.habit.sheet_case == "lower":
        name = name.lower()
    return _nfd(name) if ret.nfd_sheets else name


def build_sheets(ret: Return, rng: random.Random) -> None:
    """Lay out the return on the default form (SPEC 3), then vary it the way its unit fills it in."""
    info: dict[str, Cell] = {
        "unit_code": ret.unit.code,
        "unit_name": ret.unit.name,
        "period": ret.period.label_vi() if ret.period_words else str(ret.period),
        "prepared_on": ret.prepared_on.strftime("%d/%m/%Y") if ret.date_as_text else ret.prepared_on,
        "prepared_by": ret.habit.prepared_by,
    }
    values = {code: _count_cell(n, ret) for code, n in ret.figures.items()}
    ret.sheets = workbook_writer.layout(SAMPLE_FORM, info, values)
    for sheet in ret.sheets:
        sheet.name = _sheet_name(sheet.name, ret)
        for line in sheet.lines:
            if line.code == ret.nfd_label and sheet.is_info:
                line.label = _nfd(line.label)
            if line.code == ret.blank_code and not sheet.is_info:
                line.code = None
    admissions = ret.sheets[1].lines
    if ret.shuffle_rows:
        rng.shuffle(admissions)
    if ret.total_row:
        admissions.append(Line(None, forms.TOTAL_ROW_LABEL, _count_cell(ret.figures["admitted"], ret)))


def plan_returns(fig: Figures, rng: random.Random) -> list[Return]:
    """Decide every workbook return: file name and form, date, and its departures from the habit."""
    csv_period, csv_units, _ = CSV_EXPORT
    returns: list[Return] = []
    for period in PERIODS:
        for unit in UNITS:
            offset = rng.randint(5, 15)
            if period == csv_period and unit.code in csv_units:
                continue
            habit = unit.habit
            variant = dict(VARIANTS.get((unit.code, str(period)), {}))
            ext = str(variant.pop("ext", habit.ext))
            ret = Return(
                unit=unit,
                period=period,
                figures=fig[unit.code, period],
                ext=ext,
                file_name=f"{_file_stem(habit.file_name, unit, period)}.{ext}",
                prepared_on=period.end_date() + dt.timedelta(days=offset),
                habit=habit,
                period_words=habit.period_words,
                date_as_text=habit.date_as_text,
                text_numbers=habit.text_numbers,
            )
            for key, value in variant.items():
                if not hasattr(ret, key):
                    raise ValueError(f"unknown variant {key!r} for {unit.code} {period}")
                setattr(ret, key, value)
            build_sheets(ret, rng)
            returns.append(ret)
    return returns


# ---------------------------------------------------------------------------------------------------
# Writers

# The sample's column widths, narrower than the templates' (offices resize the columns of their copy).
LOOK = workbook_writer.Look(info_widths={"label": 16, "value": 40}, table_widths={"code": 26, "label": 52, "value": 10})


def _timestamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 8, 30, 0)


def write_xlsx(ret: Return, path: Path) -> None:
    author = ret.habit.prepared_by
    stamp = _timestamp(ret.prepared_on)
    book = workbook_writer.build(ret.sheets, LOOK, author=author, stamp=stamp, last_modified_by=author)
    workbook_writer.save(book, path)


@functools.cache
def _prime_odfpy() -> None:
    """Save one empty document first: odfpy's first save in a process registers more XML namespaces,
    which every later file then declares; without this the first .ods written would differ."""
    from odf.opendocument import OpenDocumentSpreadsheet

    OpenDocumentSpreadsheet().save(io.BytesIO())


def _ods_cell(value: Cell) -> object:
    from odf.table import TableCell
    from odf.text import P

    if value is None:
        return TableCell()
    if isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.strftime("%d/%m/%Y")))
    elif isinstance(value, int):
        cell = TableCell(valuetype="float", value=str(value))
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
    return cell


def write_ods(ret: Return, path: Path) -> None:
    """The return as .ods, which openpyxl cannot write: the writer's layout (`grid`) in odfpy's cells."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties
    from odf.table import Table, TableColumn, TableRow

    _prime_odfpy()
    doc = OpenDocumentSpreadsheet()
    stamp = _timestamp(ret.prepared_on).isoformat()
    doc.meta.addElement(meta.InitialCreator(text=ret.habit.prepared_by))
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Creator(text=ret.habit.prepared_by))
    doc.meta.addElement(dc.Date(text=stamp))
    widths = {}
    for name, width in (("coA", "3.2cm"), ("coB", "9.5cm"), ("coC", "2cm")):
        style = Style(name=name, family="table-column")
        style.addElement(TableColumnProperties(columnwidth=width))
        doc.automaticstyles.addElement(style)
        widths[name] = style

    for sheet in ret.sheets:
        table = Table(name=sheet.name)
        for style in widths.values():
            table.addElement(TableColumn(stylename=style))
        for row in sheet.grid():
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        doc.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    doc.save(buffer)
    workbook_writer.write_fixed_zip(buffer.getvalue(), path)


def write_csv_export(fig: Figures, path: Path) -> None:
    period, units, _ = CSV_EXPORT
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["unit_code", "period", "code", "value"])
        for code in units:
            for row_code in SAMPLE_CODES:
                writer.writerow([code, period, row_code, fig[code, period][row_code]])


def _write_text(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def write_sample(out_dir: Path) -> list[Path]:
    """Write the Điện Biên sample (SPEC 7) into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    rng = random.Random(SEED)
    fig = generate_figures(rng)
    check_figures(fig)
    returns = plan_returns(fig, rng)

    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    toml = out_dir / "province.toml"
    toml.write_text(PROVINCE_TOML, encoding="utf-8", newline="\n")
    written.append(toml)
    form = out_dir / forms.FORM_FILE
    form.write_text(FORM_TOML, encoding="utf-8", newline="\n")
    written.append(form)

    for edition, text in COMMENTARY.items():
        notes = out_dir / "commentary" / f"{edition}.md"
        notes.parent.mkdir(parents=True, exist_ok=True)
        notes.write_text(text, encoding="utf-8", newline="\n")
        written.append(notes)

    units = out_dir / "units.csv"
    _write_text(
        units,
        [["unit_code", "unit_name", "unit_kind", "has_villages", "valid_from", "valid_to"]]
        + [[u.code, u.name, u.kind, int(u.has_villages), PERIODS[0], ""] for u in UNITS],
    )
    written.append(units)

    targets = out_dir / "targets.csv"
    _write_text(
        targets,
        [["unit_code", "year", "admission_target"]]
        + [[u.code, year, u.targets[i]] for i, year in enumerate(YEARS) for u in UNITS],
    )
    written.append(targets)

    for period in PERIODS:
        folder = out_dir / "returns" / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        names: set[str] = set()
        for ret in (r for r in returns if r.period == period):
            if ret.file_name in names:
                raise ValueError(f"duplicate file name {ret.file_name} in {period}")
            names.add(ret.file_name)
            path = folder / ret.file_name
            (write_xlsx if ret.ext == "xlsx" else write_ods)(ret, path)
            written.append(path)
        if period == CSV_EXPORT[0]:
            path = folder / CSV_EXPORT[2].format(period=period)
            write_csv_export(fig, path)
            written.append(path)
    check_returns(out_dir, fig)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m tools.sample OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(args[0])
    written = write_sample(out_dir)
    for path in written:
        print(path)
    stale = sorted(p for p in (out_dir / "returns").rglob("*") if p.is_file() and p not in set(written))
    for path in stale:
        print(f"warning: {path} was not written by this generator (stale return?)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
