"""What make is told, and what it watches: the one process make starts on a run (standard library only).

The Makefile states no fact that Python owns. Before it reads its rules, make runs

    python -m pipeline.execution.make_facts facts RAW_DIR PROCESSED_DIR REPORTS_DIR PERIOD CHECK…

which checks PERIOD as the goals need it (CHECK: `raw`, `edition:GOAL`, `half-year:GOAL`, `on-record`),
writes the files make watches (each only when its content changes, so that make reruns exactly what they
feed), writes the makefile of facts (the calendar of half-years and editions, the state files' and the
outputs' names, the code files) and prints its path, which make includes. A mistake of the analyst's is
said in Vietnamese on stdout, with exit status 2: make stops with it. `python -m … clean PROCESSED_DIR
REPORTS_DIR` removes what the pipeline derived (`make clean`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.common.iorw import write_text
from pipeline.common.layout import (
    CODE_VERSION_FILE,
    COMMENTARY_DIGEST_FILE,
    COMMENTARY_DIR,
    EDITION_OUTPUTS,
    FIGURES_FILE,
    INDEX_FILE,
    INPUTS_FILE,
    MAKE_FACTS_FILE,
    MANIFEST_FILE,
    NOTEBOOKS,
    ON_RECORD_FILE,
    OPTIONS_FILE,
    PACKAGE,
    REFERENCE_FILES,
    RETURNS_DIR,
    ROOT,
    returns_dir,
)
from pipeline.common.periods import Edition, Period, editions_on_record, parse, parse_edition, periods_on_record
from pipeline.execution.fingerprint import fingerprint

USER_ERROR = 2
T = TypeVar("T")


class RefusedError(Exception):
    """A goal make cannot start as asked (a malformed PERIOD, a half-year without returns): its message."""


def check(raw_dir: Path, on_record: list[Period], period: str, checks: list[str]) -> None:
    """What the goals ask of the raw folder and of PERIOD; raise `RefusedError` with the analyst's message."""
    for name in checks:
        kind, _, goal = name.partition(":")
        if kind == "raw" and not raw_dir.is_dir():
            needed = ", ".join(REFERENCE_FILES[:-1]) + f", {REFERENCE_FILES[-1]} và {RETURNS_DIR}/"
            raise RefusedError(f"Không thấy thư mục dữ liệu RAW_DIR='{raw_dir}' (cần {needed})")
        if kind == "edition":
            edition = _parsed(
                period,
                parse_edition,
                f"PERIOD phải có dạng YYYYH1 hoặc YYYYH2 (bản tin 6 tháng) hoặc YYYY (bản tin năm), "
                f"ví dụ: make {goal} PERIOD=2017H1",
            )
            missing = [p for p in edition.periods() if p not in on_record]
            if missing:
                folders = ", ".join(str(returns_dir(raw_dir, p)) for p in missing)
                both = " (bản tin năm cần báo cáo của cả hai kỳ 6 tháng)" if edition.annual else ""
                raise RefusedError(f"Chưa có báo cáo của kỳ {period}: không thấy thư mục {folders}{both}")
        if kind in ("half-year", "on-record"):
            said = f"PERIOD phải có dạng YYYYH1 hoặc YYYYH2, ví dụ: make {goal or 'validate'} PERIOD=2017H1"
            half_year = _parsed(period, parse, said)
            if kind == "on-record" and half_year not in on_record:
                folder = returns_dir(raw_dir, half_year)
                raise RefusedError(f"Chưa có báo cáo của kỳ {period}: không thấy thư mục {folder}")


def _parsed(period: str, parser: Callable[[str], T], said: str) -> T:
    """PERIOD read by `parser`, exactly as it names the edition's folders (`parse` forgives spaces around a
    period, and `\\d` reads other scripts' digits too)."""
    if _names(period, parser):
        return parser(period)
    raise RefusedError(f"{said} (đã nhận: '{period}')")


def makefile(on_record: list[Period], editions: list[Edition], checkout: Path) -> str:
    """The facts make includes. Paths in the output folders are written with make's own variables, so
    that the text changes only when the calendar, the layout or the code's files do."""
    notebooks = {stage: _relative(ROOT / "notebooks" / name, checkout) for stage, name in NOTEBOOKS.items()}
    code = sorted(_relative(Path(folder, name), checkout) for folder, name in _code_files())
    lines = [
        "# Written by `python -m pipeline.execution.make_facts` on every run of make, from pipeline/common/",
        "# layout.py and periods.py and the half-years on record in RAW_DIR (rewritten only when this text",
        "# changes). Do not edit: edit those modules.",
        f"EDITION_OUTPUTS := {' '.join(EDITION_OUTPUTS)}",
        f"MANIFEST_FILE := {MANIFEST_FILE}",
        f"NOTEBOOKS := {' '.join(notebooks.values())}",
        f"CLEAN_NOTEBOOK := {notebooks['clean']}",
        f"CODE := {' '.join(code)}",
        f"ON_RECORD_FILE := $(PROCESSED_DIR)/{ON_RECORD_FILE}",
        f"CODE_VERSION_FILE := $(REPORTS_DIR)/{CODE_VERSION_FILE}",
        f"INDEX_FILE := $(REPORTS_DIR)/{INDEX_FILE}",
        f"inputs_file = $(PROCESSED_DIR)/$(1)/{INPUTS_FILE}",
        f"figures_file = $(PROCESSED_DIR)/$(1)/{FIGURES_FILE}",
        f"options_file = $(REPORTS_DIR)/$(1)/{OPTIONS_FILE}",
        f"commentary_digest_file = $(REPORTS_DIR)/$(1)/{COMMENTARY_DIGEST_FILE}",
        f"commentary_of = $(RAW_DIR)/{COMMENTARY_DIR}/$(1).md",
        "# The half-years with a returns folder, in time order; the editions they make (`2016`: both halves).",
        f"ON_RECORD := {' '.join(map(str, on_record))}",
        f"EDITIONS := {' '.join(map(str, editions))}",
        "# Per edition: the half-years on record that its report reads (up to its last), and that last one.",
    ]
    for edition in editions:
        reads = [p for p in on_record if p <= edition.last]
        lines.append(f"READS_{edition} := {' '.join(map(str, reads))}")
        lines.append(f"LAST_HALF_{edition} := {edition.last}")
    return "\n".join(lines) + "\n"


def _code_files() -> list[tuple[str, str]]:
    """Every file of the package (its modules and what they read: rules.toml, forms, templates, fonts),
    as (folder, name); not the interpreter's caches."""
    found = []
    for folder, folders, names in os.walk(PACKAGE):
        folders[:] = [f for f in folders if f != "__pycache__"]
        found += [(folder, name) for name in names if not name.endswith(".pyc")]
    return found


def _relative(path: Path, checkout: Path) -> str:
    return os.path.relpath(path, checkout)


def watch(raw_dir: Path, processed_dir: Path, reports_dir: Path, on_record: list[Period]) -> None:
    """The files make watches: PROCESSED_DIR/P/.inputs.sha256 keeps its time unless the half-year's inputs
    changed, PROCESSED_DIR/.on-record unless the list of half-years did (a whole half-year's folder removed),
    and REPORTS_DIR/.code-version unless the code version the documents record did (a new commit, or code
    under pipeline/ that comes to differ from it or no longer does)."""
    from pipeline.common.version import code

    for period in on_record:
        write_text(processed_dir / str(period) / INPUTS_FILE, fingerprint(raw_dir, str(period)))
    write_text(processed_dir / ON_RECORD_FILE, "".join(f"{period}\n" for period in on_record))
    write_text(reports_dir / CODE_VERSION_FILE, code().key() + "\n")


def facts(raw_dir: Path, processed_dir: Path, reports_dir: Path, period: str, checks: list[str]) -> Path:
    """Check, write what make watches and the makefile of facts; its path."""
    on_record = periods_on_record(raw_dir)
    check(raw_dir, on_record, period, checks)
    watch(raw_dir, processed_dir, reports_dir, on_record)
    path = processed_dir / MAKE_FACTS_FILE
    write_text(path, makefile(on_record, editions_on_record(on_record), Path.cwd()))
    return path


def derived(processed_dir: Path, reports_dir: Path) -> list[Path]:
    """What `make clean` removes: the half-years' and editions' folders in the output folders, the index and
    the files make keeps beside them; never RAW_DIR, never the published versions."""
    found = []
    for folder, parser in ((processed_dir, parse), (reports_dir, parse_edition)):
        if folder.is_dir():
            found += sorted(child for child in folder.iterdir() if child.is_dir() and _names(child.name, parser))
    found += [processed_dir / ON_RECORD_FILE, processed_dir / MAKE_FACTS_FILE, reports_dir / INDEX_FILE]
    return [path for path in found if path.exists()]


def _names(name: str, parser: Callable[[str], object]) -> bool:
    """Whether `name` is a period or an edition as `parser` reads it, written as it writes it."""
    try:
        return str(parser(name)) == name
    except ValueError:
        return False


def clean(processed_dir: Path, reports_dir: Path) -> None:
    for path in derived(processed_dir, reports_dir):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        print(f"Đã xóa {path}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["clean"]:
        clean(Path(argv[1]), Path(argv[2]))
        return 0
    raw_dir, processed_dir, reports_dir = map(Path, argv[1:4])
    try:
        print(facts(raw_dir, processed_dir, reports_dir, argv[4], argv[5:]))
    except RefusedError as refused:
        print(refused)
        return USER_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
