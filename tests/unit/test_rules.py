"""The rules as data (`pipeline/intake/rules.toml`): every rule well formed, every rule reported somewhere
and nothing reported by a rule that is not there, and the maintainers' list of checks (docs/phat-trien/checks.md) generated from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pipeline.intake import forms, rules
from pipeline.intake.problems import ERROR, WARNING
from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"
REPORTERS = {"report", "problem"}  # Return.report(rule_id, …) and rules.problem(rule_id, …)


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in REPORTERS
        and node.args
    ]


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_rule_is_well_formed() -> None:
    assert len(rules.RULES) >= 50
    for rule in rules.RULES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.severity in (ERROR, WARNING)
        assert rule.message.endswith((".", "?", ")")) and rule.about, rule.id
        filled = {name: "x" for name in rule.fields}
        assert "{" not in rule.message.format(**filled) + rule.expected.format(**filled), rule.id


def test_every_rule_is_reported_and_every_report_names_a_rule() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    named = [call.args[0].value for path in sources for call in _calls(path) if isinstance(call.args[0], ast.Constant)]
    assert set(named) <= set(rules.RULES), set(named) - set(rules.RULES)
    strings = set().union(*(_strings(path) for path in sources))
    built = {f"sum-mismatch-{group}" for group in forms.BREAKDOWNS}  # checks.py builds these from the group
    assert built <= set(rules.RULES)
    assert set(rules.RULES) - strings - built == set(), "rules nobody reports"


def test_a_problem_takes_its_severity_and_message_from_its_rule() -> None:
    problem = rules.problem("period-mismatch", file="a.xlsx", value="2016H2", half_year="2017H1", label="6 tháng đầu")
    assert (problem.rule, problem.severity, problem.file, problem.value) == (
        "period-mismatch",
        ERROR,
        "a.xlsx",
        "2016H2",
    )
    assert problem.message == "Kỳ báo cáo trong tệp khác kỳ của thư mục returns/2017H1."
    assert problem.expected == "2017H1 (6 tháng đầu)"
    assert rules.problem("value-not-a-number", value=None, expected="x").expected == "x"
    with pytest.raises(KeyError):
        rules.problem("no-such-rule")
    with pytest.raises(KeyError):
        rules.problem("period-mismatch")  # a field of its message not given


def test_the_maintainers_page_lists_the_rules_of_the_registry() -> None:
    readme = (ROOT / rules.CHECKS_DOC).read_text(encoding="utf-8")
    assert rules.readme_block(readme) == rules.markdown_table(), (
        f"{rules.CHECKS_DOC}'s list of checks differs from pipeline/intake/rules.toml: run `{rules.REGENERATE}`"
    )
    assert rules.with_table(rules.with_table(readme)) == rules.with_table(readme)
