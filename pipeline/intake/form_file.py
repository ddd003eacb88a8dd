"""The return form as data (SPEC 10): the default form file shipped with the package (the form of SPEC 3)
and a province's own `form.toml`, read on top of it.

The row codes are a fixed vocabulary (the indicators compute from them); a form maps sheets, columns and
labels to them. Mistakes in form.toml are UserErrors naming the file and the key, never a traceback.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.errors import UserError
from pipeline.common.layout import FORM_FILE
from pipeline.common.text import fold
from pipeline.common.toml_file import read_toml
from pipeline.intake import form_values as fv
from pipeline.intake.cells import column_letter
from pipeline.intake.form_categories import Category, parse_categories, with_categories

DEFAULT_FORM_FILE = Path(__file__).with_name("default_form.toml")

INFO, ADMISSIONS, ORGANIZATION, MEMBERS = "info", "admissions", "organization", "members"
TABLES = (INFO, ADMISSIONS, ORGANIZATION, MEMBERS)
# Sheets a return may leave out altogether (SPEC 11: the membership balance).
OPTIONAL_SHEETS = (MEMBERS,)
# Rows a return may leave out without a warning (SPEC 11: grassroots organizations).
OPTIONAL_ROWS = ("grassroots_orgs", "grassroots_orgs_admitting")
# The optional `Tổng cộng` row of a figures sheet: recognised, never a figure.
TOTAL = "total"

VOCABULARY: dict[str, tuple[str, ...]] = {
    INFO: ("unit_code", "unit_name", "period", "prepared_on", "prepared_by"),
    ADMISSIONS: (
        "admitted",
        "readmitted",
        "women",
        "ethnic_minority",
        "religious",
        "youth_union",
        "occ_civil_servant",
        "occ_public_employee",
        "occ_worker",
        "occ_farmer",
        "occ_armed_forces",
        "occ_student",
        "occ_other",
        "age_18_30",
        "age_31_40",
        "age_41_50",
        "age_51_plus",
        "edu_primary",
        "edu_lower_secondary",
        "edu_upper_secondary",
        "org_commune",
        "org_agency",
        "org_public_service",
        "org_enterprise",
        "org_military",
        "org_police",
        "org_other",
    ),
    ORGANIZATION: (
        "villages_total",
        "villages_no_member_start",
        "villages_no_member_end",
        "villages_joint_start",
        "villages_joint_end",
        "new_village_cells",
        "grassroots_orgs",
        "grassroots_orgs_admitting",
    ),
    # SPEC 11's membership balance, in the order of the sheet.
    MEMBERS: (
        "members_start",
        "transferred_in",
        "transferred_out",
        "deceased",
        "expelled",
        "struck_off",
        "permitted_to_leave",
        "members_end",
        "probationary_end",
        "made_full",
    ),
}
_KEYS = {
    INFO: ("sheet", "aliases", "label_column", "value_column", "labels"),
    ADMISSIONS: ("sheet", "aliases", "code_column", "label_column", "value_column", "labels", "header"),
}
_KEYS[ORGANIZATION] = _KEYS[MEMBERS] = _KEYS[ADMISSIONS]
CATEGORIES_KEY = "categories"  # `[[admissions.categories]]`: a province's own categories (form_categories.py)
_HEADER_KEYS = ("code", "label", "value")


@dataclass(frozen=True)
class SheetForm:
    """One sheet of the form: its names, its columns (0-based; no code column: None) and its rows."""

    key: str  # info, admissions or organization
    name: str
    aliases: tuple[str, ...]
    code_column: int | None
    label_column: int
    value_column: int
    labels: dict[str, tuple[str, ...]]  # code -> accepted labels, the first one printed on templates
    header: dict[str, str]  # the column titles a template prints: code, label, value
    extra_codes: tuple[str, ...] = ()  # the province's own categories (`[[admissions.categories]]`), in order
    optional_codes: tuple[str, ...] = ()  # of those, the ones a return may leave out
    # Derived, for the readers: folded sheet names, and folded label -> code.
    folded_names: frozenset[str] = field(init=False, compare=False)
    code_of_label: dict[str, str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded_names", frozenset(fold(n) for n in self.names))
        by_label = {fold(label): code for code, labels in self.labels.items() for label in labels}
        object.__setattr__(self, "code_of_label", by_label)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the rows this sheet holds, in the form's order (the total row is not one)."""
        return VOCABULARY[self.key] + self.extra_codes

    def label(self, code: str) -> str:
        return self.labels[code][0]

    def column(self, role: str) -> str:
        """`A` for the code column of the default form."""
        index = {"code": self.code_column, "label": self.label_column, "value": self.value_column}[role]
        return "" if index is None else column_letter(index)


@dataclass(frozen=True)
class Form:
    info: SheetForm
    admissions: SheetForm
    organization: SheetForm
    members: SheetForm
    categories: tuple[Category, ...] = ()

    @property
    def sheets(self) -> tuple[SheetForm, ...]:
        return (self.info, self.admissions, self.organization, self.members)

    @property
    def tables(self) -> tuple[SheetForm, ...]:
        """The sheets of figures."""
        return (self.admissions, self.organization, self.members)

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every row code of the form's sheets of figures (a CSV export's `code`)."""
        return tuple(code for sheet in self.tables for code in sheet.codes)

    def label(self, code: str) -> str:
        """The label a message names a row code by."""
        return next(sheet.label(code) for sheet in self.sheets if code in sheet.labels)


def _labels(path: Path, key: str, given: object, base: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The base labels with the given ones first: a province's wording is what its templates print."""
    where = f"[{key}.labels]"
    table = fv.table(path, where, given)
    known = (*VOCABULARY[key], *(() if key in (INFO, MEMBERS) else (TOTAL,)))
    unknown = [code for code in table if code not in known]
    if unknown:
        raise fv.fail(
            path, where, f"có mã chỉ tiêu không có trong mẫu: {', '.join(unknown)} (các mã: {', '.join(known)})."
        )
    merged = dict(base)
    for code, value in table.items():
        labels: list[str] = []
        for label in (*fv.texts(path, f"{where} {code}", value), *base.get(code, ())):
            if not fold(label):
                raise fv.fail(path, f"{where} {code}", f"có nhãn «{label}» không có chữ hay số nào.")
            if fold(label) not in {fold(seen) for seen in labels}:
                labels.append(label)
        merged[code] = tuple(labels)
    return {code: merged[code] for code in known if code in merged}


def _sheet(path: Path, key: str, given: object, base: SheetForm | None) -> SheetForm:
    table = fv.table(path, f"[{key}]", given)
    fv.refuse_unknown(path, f"[{key}]", table, _KEYS[key] + ((CATEGORIES_KEY,) if key == ADMISSIONS else ()))
    values: dict[str, object] = {}
    if "sheet" in table:
        values["name"] = fv.text(path, f"[{key}] sheet", table["sheet"])
    if "aliases" in table:
        values["aliases"] = fv.texts(path, f"[{key}] aliases", table["aliases"])
    for column in ("code_column", "label_column", "value_column"):
        if column in table:
            values[column] = fv.column(path, f"[{key}] {column}", table[column], optional=column == "code_column")
    header = dict(base.header) if base else {}
    if "header" in table:
        given_header = fv.table(path, f"[{key}.header]", table["header"])
        fv.refuse_unknown(path, f"[{key}.header]", given_header, _HEADER_KEYS)
        header.update({role: fv.text(path, f"[{key}.header] {role}", v) for role, v in given_header.items()})
    base_labels = dict(base.labels) if base else {}
    labels = _labels(path, key, table.get("labels", {}), base_labels)
    if base is None:  # the default form: it gives every key
        fields: dict[str, object] = {
            "name": "",
            "aliases": (),
            "code_column": None,
            "label_column": 0,
            "value_column": 1,
        }
    else:
        fields = {
            name: getattr(base, name) for name in ("name", "aliases", "code_column", "label_column", "value_column")
        }
    return SheetForm(key=key, labels=labels, header=header, **{**fields, **values})  # type: ignore[arg-type]


def _check_sheet(path: Path, sheet: SheetForm) -> None:
    """What no single key shows: columns that coincide, a label two rows share, a row without a label."""
    columns = [c for c in (sheet.code_column, sheet.label_column, sheet.value_column) if c is not None]
    if len(set(columns)) != len(columns):
        raise fv.fail(path, f"[{sheet.key}]", "các cột mã, tên chỉ tiêu và giá trị phải là những cột khác nhau.")
    missing = [code for code in sheet.codes if not sheet.labels.get(code)]
    if missing:
        raise fv.fail(path, f"[{sheet.key}.labels]", f"thiếu nhãn của: {', '.join(missing)}.")
    owners: dict[str, str] = {}
    for code, labels in sheet.labels.items():
        for label in labels:
            other = owners.setdefault(fold(label), code)
            if other != code:
                raise fv.fail(path, f"[{sheet.key}.labels]", f"nhãn «{label}» dùng cho cả {other} và {code}.")


def parse_form(data: dict[str, object], path: Path, base: Form | None) -> Form:
    """A form from the tables of a form file; `base`: the form it is read on top of (None: the default
    form itself, which gives every key)."""
    unknown = [key for key in data if key not in TABLES]
    if unknown:
        listed = ", ".join(f"[{key}]" for key in TABLES)
        raise UserError(f"{path}: có bảng hoặc khóa không dùng được: {', '.join(unknown)} (dùng: {listed}).")
    sheets = {}
    for key in TABLES:
        own = base.sheets[TABLES.index(key)] if base else None
        sheets[key] = _sheet(path, key, data.get(key, {}), own) if key in data or own is None else own
        _check_sheet(path, sheets[key])
    categories = base.categories if base else ()
    given = data.get(ADMISSIONS, {})
    if isinstance(given, dict) and CATEGORIES_KEY in given:
        categories = parse_categories(path, given[CATEGORIES_KEY], sheets[ADMISSIONS].labels, VOCABULARY, TABLES)
    sheets[ADMISSIONS] = with_categories(sheets[ADMISSIONS], categories)
    names: dict[str, str] = {}
    for sheet in sheets.values():
        for name in sheet.names:
            if not fold(name):
                raise UserError(f"{path}: [{sheet.key}] tên trang «{name}» không có chữ hay số nào.")
            other = names.setdefault(fold(name), sheet.key)
            if other != sheet.key:
                raise UserError(f"{path}: tên trang «{name}» dùng cho cả [{other}] và [{sheet.key}].")
    return Form(sheets[INFO], sheets[ADMISSIONS], sheets[ORGANIZATION], sheets[MEMBERS], categories)


@functools.cache
def default_form() -> Form:
    return parse_form(read_toml(DEFAULT_FORM_FILE), DEFAULT_FORM_FILE, None)


def form_path(raw_dir: Path) -> Path:
    return Path(raw_dir) / FORM_FILE


def load_form(raw_dir: Path) -> Form:
    """The province's form: `RAW_DIR/form.toml` on top of the default form, or the default form alone."""
    path = form_path(raw_dir)
    if not path.is_file():
        return default_form()
    return parse_form(read_toml(path), path, default_form())
