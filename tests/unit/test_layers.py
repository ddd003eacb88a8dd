"""The package's layers import downward only (docs/phat-trien/architecture.md).

Every module of pipeline/ is parsed, and every import it makes is read: at the top, inside functions
(which keep a no-op `make` fast) and under `if TYPE_CHECKING:` alike, relative imports resolved. No module
may import, however indirectly, one that imports it back; and each import goes to the same layer or a lower
one of LAYERS.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"

# Lowest first. A module belongs to the first entry its dotted name equals or starts with (`pipeline.x`
# covers `pipeline.x.y`). `pipeline` alone is the package's `__init__` (its version, imported by
# `common.version`).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline",),
    ("pipeline.common",),
    # How stages run; `running` only re-exports the engine's entry point under its old name.
    ("pipeline.execution", "pipeline.running"),
    ("pipeline.intake",),
    ("pipeline.indicators",),
    # documents/ by concern: the content model, composing an edition, the renderers; then the stage and
    # the notebooks' facades (`pipeline.documents.blocks`, …) above them.
    ("pipeline.documents.content",),
    ("pipeline.documents.compose",),
    ("pipeline.documents.render",),
    ("pipeline.documents",),
    ("pipeline.build",),
    ("pipeline.publishing",),
    ("pipeline.preview",),
    ("pipeline.cli",),
    ("pipeline.__main__",),
)


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.importer} imports {self.imported}"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _module_of(name: str) -> str | None:
    """The module of `pipeline` that `import name` loads last: `pipeline.a.b.Name` → `pipeline.a.b`."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # `from pipeline.x import y` imports the module `pipeline.x.y` when there is one, else `pipeline.x`.
            names = [f"{source}.{alias.name}" for alias in node.names]
            names = [name if name in MODULES else source for name in names]
        else:
            continue
        for name in names:
            imported = _module_of(name) if name.split(".")[0] == "pipeline" else None
            if imported is not None and imported != module:
                found.append(Import(module, imported, path, node.lineno))
    return found


IMPORTS = [found for module, path in MODULES.items() for found in _imports(module, path)]


def layer_of(module: str) -> int:
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} is in no layer of tests/unit/test_layers.py: add it to LAYERS"
    return max(matches)[1]  # the longest prefix: `pipeline.common.x` is in `pipeline.common`, not `pipeline`


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_the_parser_sees_imports_inside_functions_and_relative_ones() -> None:
    """The reading of imports itself: a check that read nothing would pass."""
    stage = next(i for i in IMPORTS if i.importer == "pipeline.documents.stage" and i.imported.endswith("runner"))
    assert stage.imported == "pipeline.execution.runner"
    assert len(IMPORTS) > 300
    assert {i.importer for i in IMPORTS} >= {"pipeline.cli", "pipeline.build", "pipeline.common.version"}


def test_every_import_goes_to_the_same_layer_or_a_lower_one() -> None:
    upward = [str(i) for i in IMPORTS if layer_of(i.imported) > layer_of(i.importer)]
    assert not upward, "imports against the layers (tests/unit/test_layers.py LAYERS):\n" + "\n".join(upward)


def _cycle(imports: list[Import]) -> list[Import] | None:
    """One cycle of imports among the modules, or None."""
    edges: dict[str, list[Import]] = {}
    for found in imports:
        edges.setdefault(found.importer, []).append(found)
    state: dict[str, str] = {}  # "open" while on the path being walked, "done" after
    path: list[Import] = []

    def visit(module: str) -> list[Import] | None:
        state[module] = "open"
        for found in edges.get(module, []):
            if state.get(found.imported) == "open":
                walked = [*path, found]
                start = next(n for n, step in enumerate(walked) if step.importer == found.imported)
                return walked[start:]
            if found.imported not in state:
                path.append(found)
                if cycle := visit(found.imported):
                    return cycle
                path.pop()
        state[module] = "done"
        return None

    for module in sorted(edges):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    cycle = _cycle(IMPORTS)
    assert cycle is None, "a cycle of imports:\n" + "\n".join(map(str, cycle or []))


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        ([("a", "b"), ("b", "c")], None),
        ([("a", "b"), ("b", "c"), ("c", "a")], ["a", "b", "c"]),
        ([("x", "a"), ("a", "b"), ("b", "a")], ["a", "b"]),
    ],
)
def test_the_cycle_search_finds_a_cycle_and_only_one(
    imports: list[tuple[str, str]], expected: list[str] | None
) -> None:
    cycle = _cycle([Import(a, b, ROOT / "x.py", 1) for a, b in imports])
    assert (None if cycle is None else [step.importer for step in cycle]) == expected


def test_the_layers_are_in_the_order_of_the_architecture() -> None:
    """The order this file enforces is the one docs/phat-trien/architecture.md describes."""
    order = [
        "pipeline.common.version",
        "pipeline.execution.stages",
        "pipeline.intake.clean",
        "pipeline.indicators.compute",
        "pipeline.documents.content.model",
        "pipeline.documents.compose.edition",
        "pipeline.documents.render.pdf",
        "pipeline.documents.stage",
        "pipeline.build",
        "pipeline.publishing.index",
        "pipeline.preview.app",
        "pipeline.cli",
    ]
    assert [layer_of(module) for module in order] == sorted({layer_of(module) for module in order})
