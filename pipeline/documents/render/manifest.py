"""`manifest.json`: what a report was made from and with, and what it is (SPEC 6)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.version import code, code_digest, library_versions


def _entries(paths: list[tuple[str, Path]]) -> list[dict[str, str]]:
    return [{"path": label, "sha256": iorw.sha256(path)} for label, path in sorted(paths)]


def write_manifest(
    path: Path,
    *,
    parameters: dict[str, object],
    inputs: list[tuple[str, Path]],
    notebooks: list[tuple[str, Path]],
    outputs: list[tuple[str, Path]],
) -> None:
    """Inputs, notebooks and outputs as (label, path) pairs; labels are relative to RAW_DIR, the notebooks'
    folder and the report folder. The notebooks are the analysts' to edit: inputs of the edition, as the
    commentary (SPEC 9), kept apart because they are not in RAW_DIR."""
    manifest = {
        "parameters": parameters,
        "code": code().record(code_digest()),
        "libraries": library_versions(),
        "inputs": _entries(inputs),
        "notebooks": _entries(notebooks),
        "outputs": _entries(outputs),
    }
    iorw.write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
