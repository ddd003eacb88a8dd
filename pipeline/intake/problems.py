"""Problems found in the returns: one record each, with its place, in Vietnamese (SPEC 4)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

ERROR = "error"
WARNING = "warning"
SEVERITY_VI = {ERROR: "LỖI", WARNING: "CẢNH BÁO"}


@dataclass(frozen=True)
class Problem:
    severity: str
    period: str
    unit_code: str
    file: str
    sheet: str
    cell: str
    value: str
    expected: str
    message: str
    rule: str  # the rule's stable id (`rules.toml`), for code and people that act on a kind of problem

    @property
    def place(self) -> str:
        """`returns/2017H1/DBP.xlsx, Kết nạp!C7`, or as much of it as is known."""
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell)
        return ", ".join(part for part in (self.file, where) if part)

    def as_row(self) -> dict[str, str]:
        return asdict(self)


PROBLEM_COLUMNS = tuple(field.name for field in fields(Problem))


def has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity == ERROR for problem in problems)
