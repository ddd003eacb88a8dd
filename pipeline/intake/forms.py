"""The return form: row codes, the rules between them (SPEC 3), and the form that maps a workbook's sheets,
columns and labels to the codes (SPEC 10: `form_file`)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.intake.form_file import (
    ADMISSIONS,
    FORM_FILE,
    INFO,
    MEMBERS,
    ORGANIZATION,
    TOTAL,
    VOCABULARY,
    Form,
    SheetForm,
    default_form,
    form_path,
    load_form,
)

# The form's own names, reached through `forms` by the code that reads and checks returns.
__all__ = ["FORM_FILE", "TOTAL", "Form", "SheetForm", "form_path", "load_form"]

# The default form (pipeline/intake/default_form.toml); a province's own is `load_form(raw_dir)`. The names below
# are the default form's, for the code that prints the vocabulary (charts, annex) and for the sample.
DEFAULT: Form = default_form()

SHEET_INFO = DEFAULT.info.name
SHEET_ADMISSIONS = DEFAULT.admissions.name
SHEET_ORGANIZATION = DEFAULT.organization.name
SHEET_MEMBERS = DEFAULT.members.name

TOTAL_ROW_LABEL = DEFAULT.admissions.label(TOTAL)

INFO_LABELS: dict[str, str] = {key: DEFAULT.info.label(key) for key in VOCABULARY[INFO]}


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    sheet: str


def _rows(sheet: SheetForm) -> tuple[Row, ...]:
    return tuple(Row(code, sheet.label(code), sheet.name) for code in sheet.codes)


ADMISSION_ROWS: tuple[Row, ...] = _rows(DEFAULT.admissions)
ORGANIZATION_ROWS: tuple[Row, ...] = _rows(DEFAULT.organization)
MEMBER_ROWS: tuple[Row, ...] = _rows(DEFAULT.members)

ROWS_BY_SHEET: dict[str, tuple[Row, ...]] = {
    SHEET_ADMISSIONS: ADMISSION_ROWS,
    SHEET_ORGANIZATION: ORGANIZATION_ROWS,
    SHEET_MEMBERS: MEMBER_ROWS,
}
ALL_ROWS: tuple[Row, ...] = ADMISSION_ROWS + ORGANIZATION_ROWS + MEMBER_ROWS
ROW_BY_CODE: dict[str, Row] = {row.code: row for row in ALL_ROWS}
CODES: tuple[str, ...] = VOCABULARY[ADMISSIONS] + VOCABULARY[ORGANIZATION]

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

# The membership balance (SPEC 11): the sheet's rows; its stocks, and its flows out of the party.
MEMBER_CODES: tuple[str, ...] = VOCABULARY[MEMBERS]
MEMBERS_OUT: tuple[str, ...] = ("transferred_out", "deceased", "expelled", "struck_off", "permitted_to_leave")
MEMBERS_LEFT: tuple[str, ...] = ("expelled", "struck_off", "permitted_to_leave")
# Grassroots party organizations (SPEC 11): optional rows of `Tổ chức`, not villages.
GRASSROOTS_CODES: tuple[str, ...] = ("grassroots_orgs", "grassroots_orgs_admitting")

VILLAGE_CODES: tuple[str, ...] = tuple(row.code for row in ORGANIZATION_ROWS if row.code not in GRASSROOTS_CODES)
# Village counts that cannot exceed `villages_total`.
VILLAGE_SUBSET_CODES: tuple[str, ...] = (
    "villages_no_member_start",
    "villages_no_member_end",
    "villages_joint_start",
    "villages_joint_end",
)
