"""`manifest.json`: what a report was made from and with, and what it is (SPEC 6)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.version import code_version, library_versions


def _entries(paths: list[tuple[str, Path]]) -> list[dict[str, str]]:
    return [{"path": label, "sha256": iorw.sha256(path)} for label, path in sorted(paths)]


def write_manifest(
    path: Path,
    *,
    parameters: dict[str, object],
    inputs: list[tuple[str, Path]],
    outputs: list[tuple[str, Path]],
) -> None:
    """Inputs and outputs as (label, path) pairs; labels are relative to RAW_DIR and the report folder."""
    manifest = {
        "parameters": parameters,
        "code_version": code_version(),
        "libraries": library_versions(),
        "inputs": _entries(inputs),
        "outputs": _entries(outputs),
    }
    iorw.write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
