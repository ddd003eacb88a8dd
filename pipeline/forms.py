"""The return form: sheets, row codes, their Vietnamese labels and the rules between them (SPEC 3)."""

from __future__ import annotations

from dataclasses import dataclass

SHEET_INFO = "Thông tin"
SHEET_ADMISSIONS = "Kết nạp"
SHEET_ORGANIZATION = "Tổ chức"

TOTAL_ROW_LABEL = "Tổng cộng"

INFO_LABELS: dict[str, str] = {
    "unit_code": "Mã đơn vị",
    "unit_name": "Tên đơn vị",
    "period": "Kỳ báo cáo",
    "prepared_on": "Ngày lập",
    "prepared_by": "Người lập",
}

ADMISSIONS_HEADER = ("Mã", "Chỉ tiêu", "Kỳ này")
ORGANIZATION_HEADER = ("Mã", "Chỉ tiêu", "Giá trị")


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    sheet: str


ADMISSION_ROWS: tuple[Row, ...] = tuple(
    Row(code, label, SHEET_ADMISSIONS)
    for code, label in [
        ("admitted", "Tổng số đảng viên mới kết nạp"),
        ("readmitted", "Trong đó: kết nạp lại"),
        ("women", "Nữ"),
        ("ethnic_minority", "Dân tộc thiểu số"),
        ("religious", "Tôn giáo"),
        ("youth_union", "Đoàn viên TNCS Hồ Chí Minh"),
        ("occ_civil_servant", "Cán bộ, công chức"),
        ("occ_public_employee", "Viên chức"),
        ("occ_worker", "Công nhân, người lao động"),
        ("occ_farmer", "Nông dân"),
        ("occ_armed_forces", "Quân đội, công an"),
        ("occ_student", "Học sinh, sinh viên"),
        ("occ_other", "Nghề nghiệp khác"),
        ("age_18_30", "Từ 18 đến 30 tuổi"),
        ("age_31_40", "Từ 31 đến 40 tuổi"),
        ("age_41_50", "Từ 41 đến 50 tuổi"),
        ("age_51_plus", "Từ 51 tuổi trở lên"),
        ("edu_primary", "Tiểu học"),
        ("edu_lower_secondary", "Trung học cơ sở"),
        ("edu_upper_secondary", "Trung học phổ thông"),
        ("org_commune", "Xã, phường, thị trấn"),
        ("org_agency", "Cơ quan Đảng, Nhà nước, MTTQ, đoàn thể"),
        ("org_public_service", "Đơn vị sự nghiệp"),
        ("org_enterprise", "Doanh nghiệp"),
        ("org_military", "Quân đội"),
        ("org_police", "Công an"),
        ("org_other", "Loại hình khác"),
    ]
)

ORGANIZATION_ROWS: tuple[Row, ...] = tuple(
    Row(code, label, SHEET_ORGANIZATION)
    for code, label in [
        ("villages_total", "Tổng số thôn, bản, tổ dân phố"),
        ("villages_no_member_start", "Thôn, bản chưa có đảng viên, đầu kỳ"),
        ("villages_no_member_end", "Thôn, bản chưa có đảng viên, cuối kỳ"),
        ("villages_joint_start", "Thôn, bản chưa có chi bộ, sinh hoạt ghép, đầu kỳ"),
        ("villages_joint_end", "Thôn, bản chưa có chi bộ, sinh hoạt ghép, cuối kỳ"),
        ("new_village_cells", "Chi bộ thôn, bản thành lập mới, chia tách trong kỳ"),
    ]
)

ROWS_BY_SHEET: dict[str, tuple[Row, ...]] = {
    SHEET_ADMISSIONS: ADMISSION_ROWS,
    SHEET_ORGANIZATION: ORGANIZATION_ROWS,
}
ALL_ROWS: tuple[Row, ...] = ADMISSION_ROWS + ORGANIZATION_ROWS
ROW_BY_CODE: dict[str, Row] = {row.code: row for row in ALL_ROWS}
CODES: tuple[str, ...] = tuple(row.code for row in ALL_ROWS)

REQUIRED_CODE = "admitted"

# Counts that are a part of `admitted` ("of which"): each must not exceed it.
OF_WHICH_CODES: tuple[str, ...] = (
    "readmitted",
    "women",
    "ethnic_minority",
    "religious",
    "youth_union",
)

# Breakdowns whose parts must add up to `admitted`.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "occupation": tuple(c for c in CODES if c.startswith("occ_")),
    "age": tuple(c for c in CODES if c.startswith("age_")),
    "education": tuple(c for c in CODES if c.startswith("edu_")),
    "organization": tuple(c for c in CODES if c.startswith("org_")),
}
BREAKDOWN_LABELS: dict[str, str] = {
    "occupation": "nghề nghiệp",
    "age": "độ tuổi",
    "education": "trình độ học vấn",
    "organization": "loại hình tổ chức cơ sở đảng",
}

# Every count that is a part of `admitted`, with a share computed against it (SPEC 5).
SHARE_CODES: tuple[str, ...] = OF_WHICH_CODES + tuple(c for group in BREAKDOWNS.values() for c in group)

VILLAGE_CODES: tuple[str, ...] = tuple(row.code for row in ORGANIZATION_ROWS)
# Village counts that cannot exceed `villages_total`.
VILLAGE_SUBSET_CODES: tuple[str, ...] = (
    "villages_no_member_start",
    "villages_no_member_end",
    "villages_joint_start",
    "villages_joint_end",
)
