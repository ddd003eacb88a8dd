"""The sample's tables, read from the data files beside this module: `tables/` (units, their rates and habits,
the article's totals, the shares and the returns' variants) and `copied/` (files written as they are)."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.common.periods import Period, parse, span
from pipeline.intake.form_file import default_form, parse_form

HERE = Path(__file__).resolve().parent
TABLES = HERE / "tables"
COPIED = HERE / "copied"

SEED = 20170630
EXTRA_SEED = 20170701  # the figures of SPEC 11, illustrative (see the package's docstring)
PERIODS: tuple[Period, ...] = tuple(span(Period(2016, 1), Period(2017, 1)))
YEARS: tuple[int, ...] = (2016, 2017)


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
    highland: bool = False  # more primary-educated and religious (Protestant H'Mông) admissions

    @property
    def has_villages(self) -> bool:
        return self.kind == "district"


@dataclass(frozen=True)
class CsvExport:
    """Returns sent as one CSV export of the membership database instead of workbooks."""

    period: Period
    units: tuple[str, ...]
    file_name: str  # str.format pattern: {period}


def _rows(name: str) -> dict[str, dict[str, str]]:
    """A table of `tables/`, by its first column (the unit's code)."""
    with (TABLES / name).open(encoding="utf-8", newline="") as handle:
        return {row["unit_code"]: row for row in csv.DictReader(handle)}


def _toml(name: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((TABLES / name).read_text(encoding="utf-8"))


def _habit(row: dict[str, str]) -> Habit:
    values: dict[str, object] = {}
    for spec in fields(Habit):
        text = row[spec.name]
        values[spec.name] = text == "1" if spec.type == "bool" else text
    return Habit(**values)  # type: ignore[arg-type]


def _units() -> tuple[Unit, ...]:
    rates, habits = _rows("rates.csv"), _rows("habits.csv")
    found = []
    for code, row in _rows("units.csv").items():
        found.append(
            Unit(
                code,
                row["unit_name"],
                row["unit_kind"],
                row["slug"],
                targets=(int(row["target_2016"]), int(row["target_2017"])),
                admitted=int(row["admitted"]),
                rates=Rates(**{spec.name: float(rates[code][spec.name]) for spec in fields(Rates)}),
                habit=_habit(habits[code]),
                villages=int(row["villages"]),
                no_member=(int(row["no_member_start"]), int(row["no_member_end"])),
                joint=(int(row["joint_start"]), int(row["joint_end"])),
                highland=row["highland"] == "1",
            )
        )
    return tuple(found)


UNITS: tuple[Unit, ...] = _units()
UNIT_BY_CODE: dict[str, Unit] = {u.code: u for u in UNITS}

_ARTICLE = _toml("article.toml")
# Province totals over 2016H1..2017H1 that the article reports (SPEC 7).
PROVINCE_TOTALS: dict[str, int] = _ARTICLE["province_totals"]
# Village figures summed over districts: (code, period, value).
PROVINCE_VILLAGES: tuple[tuple[str, str, int], ...] = tuple(
    (v["code"], v["period"], v["value"]) for v in _ARTICLE["province_villages"]
)
ANNUAL_TARGET_TOTAL: int = _ARTICLE["annual_target_total"]

_SHARES = _toml("shares.toml")
HALF_WEIGHTS: tuple[float, ...] = tuple(_SHARES["half_weights"])
ORG_REST: dict[str, dict[str, float]] = _SHARES["org_rest"]
OCC_REST: dict[str, dict[str, float]] = _SHARES["occ_rest"]
AGE_REST: dict[str, dict[str, float]] = _SHARES["age_rest"]
EDU_REST: dict[str, dict[str, float]] = _SHARES["edu_rest"]
GRADUATE_RATE: dict[str, float] = _SHARES["spec_11"]["graduate_rate"]
MEMBERS_PER_ADMITTED: dict[str, int] = _SHARES["spec_11"]["members_per_admitted"]
GRASSROOTS: dict[str, list[int]] = _SHARES["spec_11"]["grassroots"]

_RETURNS = _toml("returns.toml")
CSV_EXPORT = CsvExport(
    parse(_RETURNS["csv_export"]["period"]),
    tuple(_RETURNS["csv_export"]["units"]),
    _RETURNS["csv_export"]["file_name"],
)
# Per-return departures from the unit's habit (all still valid returns), by (unit code, period).
VARIANTS: dict[tuple[str, str], dict[str, object]] = {
    (v["unit"], v["period"]): {k: value for k, value in v.items() if k not in ("unit", "period")}
    for v in _RETURNS["variants"]
}

# The sample province's own form (SPEC 10, 11): one category of new members beyond SPEC 3.
FORM_TOML = (COPIED / "form.toml").read_text(encoding="utf-8")
SAMPLE_FORM = parse_form(tomllib.loads(FORM_TOML), Path("form.toml"), default_form())
CATEGORY = SAMPLE_FORM.categories[0].code
# Every row code the sample's returns hold, in the order of the form's sheets.
SAMPLE_CODES: tuple[str, ...] = SAMPLE_FORM.codes
