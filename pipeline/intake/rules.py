"""The rules the returns are checked against (SPEC 4), as data: `rules.toml` gives each its stable id,
severity and Vietnamese message. Readers and checks report a problem by rule id; the maintainers' list of
checks (docs/phat-trien/checks.md) is rendered from here (`python -m pipeline.intake.rules --markdown`), and the
analysts' guide quotes the messages by id (docs/hooks/guide.py)."""

from __future__ import annotations

import string
import sys
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.common.text import nfc
from pipeline.intake.problems import ERROR, WARNING, Problem

RULES_FILE = "rules.toml"
# The names of a problem's own columns, which `problem()` takes itself: a template cannot use them.
RESERVED = frozenset(("file", "sheet", "cell", "unit_code", "period", "value", "expected"))
README_BEGIN, README_END = "<!-- rules: begin -->", "<!-- rules: end -->"
# The maintainers' page that holds the table between the markers.
CHECKS_DOC = "docs/phat-trien/checks.md"
REGENERATE = "python -m pipeline.intake.rules --write-doc"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    message: str  # a template: `{name}` is filled in by the code that reports it
    expected: str = ""  # a template, used when the report does not say what was expected
    about: str = ""  # what the rule checks, in English, for the README

    @property
    def fields(self) -> set[str]:
        """The names the templates need."""
        return {
            name for text in (self.message, self.expected) for _, name, _, _ in string.Formatter().parse(text) if name
        }


def _load() -> dict[str, Rule]:
    data = tomllib.loads(resources.files("pipeline.intake").joinpath(RULES_FILE).read_text(encoding="utf-8"))
    rules = {rule_id: Rule(rule_id, **entry) for rule_id, entry in data.items()}
    for rule in rules.values():
        # A typo here would otherwise surface only when the rule fires, perhaps in a province's run.
        if rule.severity not in (ERROR, WARNING):
            raise ValueError(f"{RULES_FILE}: [{rule.id}] severity must be {ERROR!r} or {WARNING!r}")
        if rule.fields & RESERVED:
            raise ValueError(f"{RULES_FILE}: [{rule.id}] uses a reserved name: {sorted(rule.fields & RESERVED)}")
    return rules


RULES: dict[str, Rule] = _load()


def problem(
    rule_id: str,
    *,
    file: str = "",
    sheet: str = "",
    cell: str = "",
    unit_code: str = "",
    period: str = "",
    value: object = "",
    expected: str | None = None,
    **fields: object,
) -> Problem:
    """The problem of rule `rule_id` at a place: its severity and message from the registry, the message's
    `fields` filled in; `expected` (when None) from the rule's template."""
    rule = RULES[rule_id]
    return Problem(
        severity=rule.severity,
        period=period,
        unit_code=unit_code,
        file=file,
        sheet=sheet,
        cell=cell,
        value="" if value is None else nfc(value),
        expected=rule.expected.format(**fields) if expected is None else expected,
        message=rule.message.format(**fields),
        rule=rule_id,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table() -> str:
    """The maintainers' list of checks: every rule with its severity, what it checks and its message."""
    lines = ["| Rule | Severity | What it checks | Message |", "| --- | --- | --- | --- |"]
    for rule in RULES.values():
        cells = (f"`{rule.id}`", rule.severity, rule.about, rule.message)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def readme_block(readme: str) -> str:
    """The text between the page's markers (without them)."""
    start, end = readme.index(README_BEGIN) + len(README_BEGIN), readme.index(README_END)
    return readme[start:end].strip("\n") + "\n"


def with_table(readme: str) -> str:
    """The page with its block between the markers replaced by `markdown_table()`."""
    start, end = readme.index(README_BEGIN) + len(README_BEGIN), readme.index(README_END)
    return f"{readme[:start]}\n{markdown_table()}{readme[end:]}"


def main(argv: list[str]) -> int:
    """`--markdown`: print the table; `--write-doc [PATH]`: put it into the maintainers' page of checks."""
    if argv[:1] == ["--write-doc"]:
        path = Path(argv[1] if len(argv) > 1 else CHECKS_DOC)
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if argv[:1] == ["--markdown"]:
        sys.stdout.write(markdown_table())
        return 0
    sys.stderr.write(f"usage: python -m pipeline.intake.rules --markdown | --write-doc [{CHECKS_DOC}]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
