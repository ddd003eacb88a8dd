"""The package stays readable (issue 15): small modules, short functions, one stage package per notebook."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"
MODULE_LINES, FUNCTION_LINES = 300, 60
STAGE_PACKAGES = {"intake", "indicators", "documents"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_300_lines() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n for p in _modules() if (n := len(p.read_text().splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_no_function_over_60_lines() -> None:
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (size := node.end_lineno - node.lineno + 1) > FUNCTION_LINES:
                long[f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}"] = size
    assert long == {}


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_a_notebook_calls_into_one_stage_package(notebook: str) -> None:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    packages = set(re.findall(r"^\s*(?:from|import) pipeline\.(\w+)", code, re.M)) - {"common"}
    assert len(packages) == 1 and packages <= STAGE_PACKAGES, packages


def test_a_test_module_imports_no_other_test_module() -> None:
    """What tests share (fixtures, readers of the documents, small notebooks, the article's figures) lives at the
    top of tests/ or in testdata/, never in a test module another one imports."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if re.match(r"tests\.(unit|integration|e2e)\b", n)
            ]
    assert found == []
