"""`make test` (and `make check-notebooks`): the notebooks committed, and those staged, hold sources only.

No outputs, no execution counts, no language details of one machine: what the nbstripout filter
(.gitattributes, tools/git_notebooks.sh) keeps out of git. A notebook committed where the filter was not
defined (a clone where no make command ran yet, a commit made with another tool) fails here.
Standard library only. Exit status 1, with a message naming each notebook and cell, when one holds any.

Usage: python tools/check_notebooks.py [CHECKOUT]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KEPT_LANGUAGE_INFO = {"name"}


def _git(checkout: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True).stdout


def problems(name: str, text: str) -> list[str]:
    """What a notebook's committed text holds beyond its sources, in words."""
    notebook = json.loads(text)
    found = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("outputs"):
            found.append(f"{name}, ô số {number}: còn kết quả chạy (outputs)")
        if cell.get("execution_count") is not None:
            found.append(f"{name}, ô số {number}: còn số lần chạy (execution_count)")
    extra = sorted(set(notebook.get("metadata", {}).get("language_info", {})) - KEPT_LANGUAGE_INFO)
    if extra:
        found.append(f"{name}: còn thông tin ngôn ngữ của một máy (language_info: {', '.join(extra)})")
    return found


def committed(checkout: Path) -> dict[str, str]:
    """Each notebook's text as committed (HEAD) and as staged (the index), by a name saying which."""
    texts = {}
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True)
    if head.returncode == 0:
        for line in _git(checkout, "ls-tree", "-r", "HEAD").splitlines():
            meta, path = line.split("\t", 1)
            if path.endswith(".ipynb"):
                texts[f"{path} (commit HEAD)"] = _git(checkout, "cat-file", "blob", meta.split()[2])
    for line in _git(checkout, "ls-files", "-s", "--", "*.ipynb").splitlines():
        meta, path = line.split("\t", 1)
        staged = _git(checkout, "cat-file", "blob", meta.split()[1])
        if staged not in texts.values():
            texts[f"{path} (đã git add)"] = staged
    return texts


def main(checkout: Path) -> int:
    inside = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--git-dir"], capture_output=True)
    if inside.returncode != 0:
        print("Không phải bản git: bỏ qua việc kiểm tra notebook đã commit.")
        return 0
    found = [problem for name, text in committed(checkout).items() for problem in problems(name, text)]
    if not found:
        return 0
    print("Lỗi: notebook trong git phải chỉ có mã nguồn, nhưng:", *(f"  - {p}" for p in found), sep="\n")
    print(
        "Cách sửa: chạy một lệnh make bất kỳ (để git có bộ lọc nbstripout), rồi\n"
        "  git add --renormalize -- '*.ipynb' && git commit -m 'Notebook: chỉ mã nguồn'"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
