"""Small notebooks written for the engines' tests, and what a reader of an executed notebook sees of it, cell by
cell (to compare two engines' runs)."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import nbformat


def notebook_with_cells(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('name = "mặc định"')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Thử"), parameters, *map(nbformat.v4.new_code_cell, sources)]
    nbformat.write(nb, path)
    return path


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _stream_text(outputs: list[dict], name: str) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == name)


def comparable(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """What a reader of the executed notebook sees, cell by cell: execution count, Papermill's status,
    streams joined (how a kernel splits a stream into outputs is its own affair), and every other output
    with its data; an error by its name and value (a traceback names files that differ)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        shown = []
        for output in outputs:
            kind = output["output_type"]
            if kind == "error":
                shown.append({"error": output["ename"], "value": output["evalue"]})
            elif kind in ("display_data", "execute_result"):
                data = dict(output["data"])
                if "image/png" in data:  # the picture's size, not its bytes (which zlib may pack differently)
                    data["image/png"] = len(base64.b64decode(data["image/png"])) // 1000
                if "text/plain" in data:  # `<… at 0x7f95…>`: an object's address differs from run to run
                    data["text/plain"] = _ADDRESS.sub(" at 0x…", data["text/plain"])
                shown.append({kind: data, "metadata": dict(output.get("metadata", {}))})
        cells.append(
            {
                "count": cell.get("execution_count"),
                "status": cell.metadata.get("papermill", {}).get("status"),
                "exception": cell.metadata.get("papermill", {}).get("exception"),
                "stdout": _stream_text(outputs, "stdout"),
                "stderr": _stream_text(outputs, "stderr"),
                "outputs": shown,
            }
        )
    return cells
