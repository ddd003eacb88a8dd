"""Reference files in the raw folder: `province.toml`, `units.csv`, `targets.csv` (SPEC 3)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.common.errors import UserError
from pipeline.common.layout import reference_files
from pipeline.common.periods import Period, parse
from pipeline.common.text import unit_code
from pipeline.common.toml_file import read_toml
from pipeline.intake.form_file import Form, default_form, load_form

# The kinds of unit directly under the province, in the order documents group them, when province.toml
# declares none (`[[unit_kinds]]`, SPEC 3). Communes report directly to the province since July 2025.
DEFAULT_UNIT_KINDS = {
    "district": "Đảng bộ huyện, thị xã, thành phố",
    "commune": "Đảng bộ xã, phường, đặc khu",
    "bloc": "Đảng bộ khối cơ quan, doanh nghiệp",
    "armed_forces": "Đảng bộ lực lượng vũ trang",
}


@dataclass(frozen=True)
class Term:
    label: str
    start: Period
    end: Period


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    has_villages: bool
    valid_from: Period
    valid_to: Period | None
    predecessors: tuple[str, ...] = ()  # the units it was formed from, when units merged

    def expected_in(self, period: Period) -> bool:
        return self.valid_from <= period and (self.valid_to is None or period <= self.valid_to)


@dataclass(frozen=True)
class ReportHeader:
    """The formal report's header, signature and recipients (`[report]` in province.toml, SPEC 8)."""

    superior_body: str
    issuing_body: str
    document_code: str
    place: str
    signer_role: str
    signer_name: str
    recipients: tuple[str, ...]

    @classmethod
    def of_province(cls, province: str) -> ReportHeader:
        """What a province without a `[report]` table gets: everything follows from its name."""
        return cls(
            superior_body=f"TỈNH ỦY {province.upper()}",
            issuing_body="BAN TỔ CHỨC",
            document_code="BC/BTCTU",
            place=province,
            signer_role="TRƯỞNG BAN",
            signer_name="",
            recipients=("Ban Tổ chức Trung ương (b/c)", "Thường trực Tỉnh ủy (b/c)", "Lưu Văn phòng"),
        )


@dataclass(frozen=True)
class Reference:
    province: str
    terms: tuple[Term, ...]
    units: dict[str, Unit]
    targets: dict[tuple[str, int], int]  # (unit_code, year) -> annual admission target
    files: tuple[Path, ...]
    kinds: dict[str, str]  # unit_kind code -> its Vietnamese label, in the order documents group them
    report: ReportHeader
    form: Form = field(default_factory=default_form)  # the return form: form.toml on the default (SPEC 10)

    def term_of(self, period: Period) -> Term:
        for term in self.terms:
            if term.start <= period <= term.end:
                return term
        raise UserError(f"Kỳ {period} không thuộc nhiệm kỳ nào khai báo trong province.toml.")

    def expected_units(self, period: Period) -> list[Unit]:
        return [unit for unit in self.units.values() if unit.expected_in(period)]

    def counterparts(self, unit_code: str, periods: list[Period]) -> list[str] | None:
        """The units whose figures of `periods` stand for `unit_code` in a comparison: the unit itself and
        the units it was formed from (`predecessors`). None when, in some of those half-years, none of
        them was expected: a unit new since then has nothing to be compared with."""
        unit = self.units[unit_code]
        codes = [unit_code, *unit.predecessors]
        if not all(any(self.units[c].expected_in(p) for c in codes) for p in periods):
            return None
        return codes

    def half_year_target(self, unit_code: str, period: Period) -> Fraction | None:
        """Half of the annual target of the period's year (SPEC 5), or None when none is set."""
        annual = self.targets.get((unit_code, period.year))
        return None if annual is None else Fraction(annual, 2)


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise UserError(f"Thiếu tệp {path}.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # restval: a short row reads as empty cells, which the checks below then name.
            reader = csv.DictReader(handle, restval="")
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise UserError(f"{path}: thiếu cột {', '.join(missing)} ở dòng tiêu đề.")
            rows = [(number, row) for number, row in enumerate(reader, start=2)]
    except UnicodeDecodeError:
        raise UserError(f"{path}: tệp không ở mã UTF-8 (khi lưu từ Excel, chọn «CSV UTF-8»).") from None
    except csv.Error as error:
        raise UserError(f"{path}: không đọc được tệp CSV ({error}).") from None
    return [(number, {key: (value or "").strip() for key, value in row.items() if key}) for number, row in rows]


def _period(path: Path, line: int, column: str, text: str) -> Period:
    try:
        return parse(text)
    except ValueError as error:
        raise UserError(f"{path}, dòng {line}, cột {column}: {error}.") from None


def load_units(path: Path, kinds: dict[str, str]) -> dict[str, Unit]:
    columns = ("unit_code", "unit_name", "unit_kind", "has_villages", "valid_from", "valid_to")
    units: dict[str, Unit] = {}
    lines: dict[str, int] = {}
    for line, row in _read_csv(path, columns):
        code = unit_code(row["unit_code"])
        if not code:
            raise UserError(f"{path}, dòng {line}: thiếu mã đơn vị.")
        if code in units:
            raise UserError(f"{path}, dòng {line}: mã đơn vị {code} bị trùng.")
        if row["unit_kind"] not in kinds:
            raise UserError(
                f"{path}, dòng {line}, cột unit_kind: {row['unit_kind']!r} không hợp lệ "
                f"(cần một trong {', '.join(kinds)}; các loại đơn vị khai trong province.toml, [[unit_kinds]])."
            )
        if row["has_villages"] not in ("0", "1"):
            raise UserError(f"{path}, dòng {line}, cột has_villages: cần 0 hoặc 1.")
        valid_to = row["valid_to"]
        units[code] = Unit(
            code=code,
            name=row["unit_name"],
            kind=row["unit_kind"],
            has_villages=row["has_villages"] == "1",
            valid_from=_period(path, line, "valid_from", row["valid_from"]),
            valid_to=_period(path, line, "valid_to", valid_to) if valid_to else None,
            predecessors=tuple(unit_code(c) for c in row.get("predecessors", "").split(";") if c.strip()),
        )
        lines[code] = line
    for code, unit in units.items():
        unknown = [c for c in unit.predecessors if c not in units or c == code]
        if unknown:
            raise UserError(
                f"{path}, dòng {lines[code]}, cột predecessors: {', '.join(unknown)} không phải mã một đơn vị "
                "khác trong units.csv (ghi mã các đơn vị đã hợp nhất thành đơn vị này, cách nhau bởi dấu ;)."
            )
    return units


def load_targets(path: Path, units: dict[str, Unit]) -> dict[tuple[str, int], int]:
    targets: dict[tuple[str, int], int] = {}
    for line, row in _read_csv(path, ("unit_code", "year", "admission_target")):
        code = unit_code(row["unit_code"])
        if code not in units:
            raise UserError(f"{path}, dòng {line}: mã đơn vị {code!r} không có trong units.csv.")
        try:
            year, target = int(row["year"]), int(row["admission_target"])
        except ValueError:
            raise UserError(f"{path}, dòng {line}: năm và chỉ tiêu phải là số nguyên.") from None
        if target < 0:
            raise UserError(f"{path}, dòng {line}: chỉ tiêu không được âm.")
        if (code, year) in targets:
            raise UserError(f"{path}, dòng {line}: chỉ tiêu của {code} năm {year} bị khai hai lần.")
        targets[(code, year)] = target
    return targets


def _unit_kinds(path: Path, declared: object) -> dict[str, str]:
    if declared is None:
        return dict(DEFAULT_UNIT_KINDS)
    kinds: dict[str, str] = {}
    for number, kind in enumerate(declared if isinstance(declared, list) else [None], start=1):
        code, label = (kind.get("code"), kind.get("label")) if isinstance(kind, dict) else (None, None)
        if not isinstance(code, str) or not code.strip() or not isinstance(label, str) or not label.strip():
            raise UserError(f"{path}: loại đơn vị thứ {number} ([[unit_kinds]]) cần khóa code và label (chữ).")
        if code.strip() in kinds:
            raise UserError(f"{path}: loại đơn vị {code.strip()!r} ([[unit_kinds]]) bị khai hai lần.")
        kinds[code.strip()] = label.strip()
    if not kinds:
        raise UserError(f"{path}: [[unit_kinds]] cần ít nhất một loại đơn vị.")
    return kinds


def _report_header(path: Path, province: str, table: object) -> ReportHeader:
    header = ReportHeader.of_province(province)
    if table is None:
        return header
    if not isinstance(table, dict):
        raise UserError(f"{path}: [report] phải là một bảng khóa = giá trị.")
    known = set(ReportHeader.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise UserError(
            f"{path}: [report] có khóa không dùng được: {', '.join(unknown)} (dùng: {', '.join(sorted(known))})."
        )
    values = {}
    for key, value in table.items():
        if key == "recipients":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UserError(f"{path}: [report] recipients phải là một danh sách chữ.")
            values[key] = tuple(v.strip() for v in value if v.strip())
        elif not isinstance(value, str):
            raise UserError(f"{path}: [report] {key} phải là chữ (trong dấu ngoặc kép).")
        else:
            values[key] = value.strip()
    return replace(header, **values)


def load_province(path: Path) -> tuple[str, tuple[Term, ...], dict[str, str], ReportHeader]:
    if not path.is_file():
        raise UserError(f"Thiếu tệp {path}.")
    data = read_toml(path)
    if not isinstance(data.get("province"), str) or not data["province"].strip():
        raise UserError(f"{path}: thiếu khóa province (tên tỉnh).")
    terms = []
    for number, term in enumerate(data.get("terms", []), start=1):
        try:
            terms.append(Term(str(term["label"]), parse(str(term["start"])), parse(str(term["end"]))))
        except KeyError as error:
            raise UserError(f"{path}: nhiệm kỳ thứ {number} thiếu khóa {error}.") from None
        except (TypeError, ValueError) as error:
            raise UserError(f"{path}: nhiệm kỳ thứ {number} không hợp lệ ({error}).") from None
    if not terms:
        raise UserError(f"{path}: cần ít nhất một nhiệm kỳ [[terms]].")
    kinds = _unit_kinds(path, data.get("unit_kinds"))
    province = data["province"].strip()
    header = _report_header(path, province, data.get("report"))
    return province, tuple(sorted(terms, key=lambda t: t.start)), kinds, header


def load_reference(raw_dir: Path) -> Reference:
    raw_dir = Path(raw_dir)
    files = tuple(reference_files(raw_dir))
    province, terms, kinds, header = load_province(files[0])
    units = load_units(files[1], kinds)
    targets = load_targets(files[2], units)
    return Reference(province, terms, units, targets, files, kinds, header, load_form(raw_dir))
