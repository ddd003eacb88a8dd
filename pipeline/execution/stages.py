"""The stages of a report, run in one process, each skipped when its code and inputs are those it last ran on.

Make decides from file times which reports (or cleaned half-years) are out of date, and starts one process
for each. Inside it, this module decides from content which stages must run: a stage's key is the SHA-256
of its code (its notebook, the modules it runs, the lock file of libraries), its inputs and its parameters.
After a stage has run, its key and the SHA-256 of each of its outputs are kept in a stamp file beside
them; a stage whose stamp matches and whose outputs are as it left them is skipped. So a return saved again
unchanged, or a restyled chart, reruns nothing, or only the bulletin; and the libraries are imported once
per report instead of once per stage.

Standard library only at import: a run with nothing to do costs no more than Python's start.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.layout import (
    ANNEX_STAMP,
    ANNEX_XLSX,
    CLEAN_STAMP,
    COMMENTARY_DIR,
    DOCUMENTS,
    DOCUMENTS_STAMP,
    FIGURES_FILE,
    INDICATORS_FILE,
    INDICATORS_STAMP,
    MANIFEST_FILE,
    NOT_EDITION_FILES,
    NOTEBOOKS,
    PROCESSED_FILES,
    Folders,
    reference_files,
    returns_dir,
)
from pipeline.common.periods import Edition, Period
from pipeline.common.version import code, code_digest_of, digest_of_files
from pipeline.execution.fingerprint import fingerprint


def _key(*parts: str) -> str:
    return hashlib.sha256("\n\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Stage:
    """One run of a notebook: its key, the files it writes (by their labels), and where its stamp is kept."""

    name: str
    key: str
    outputs: dict[str, Path]
    stamp: Path

    def is_fresh(self) -> bool:
        try:
            recorded = json.loads(self.stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if recorded.get("key") != self.key or sorted(recorded.get("outputs", {})) != sorted(self.outputs):
            return False
        return all(p.is_file() and iorw.sha256(p) == recorded["outputs"][label] for label, p in self.outputs.items())

    def run(self, work: Callable[[], None]) -> None:
        """Run `work` and record the outputs it left. The old stamp goes first: a run stopped half-way
        (killed, or failed) leaves no stamp, and the stage runs again next time."""
        self.stamp.unlink(missing_ok=True)
        work()
        outputs = {label: iorw.sha256(p) for label, p in sorted(self.outputs.items())}
        iorw.write_text(self.stamp, json.dumps({"key": self.key, "outputs": outputs}, indent=1) + "\n")


@contextmanager
def one_run_at_a_time(lock_path: Path, what: str, *, quiet: bool = False) -> Iterator[None]:
    """Runs for the same period wait for each other instead of interleaving their writes."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not quiet:
                print(f"Đang có một lần chạy khác cho {what}; chờ lần đó xong…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _processed_digest(folders: Folders, period: Period) -> str:
    folder = folders.processed / str(period)
    return digest_of_files([folder / name for name in PROCESSED_FILES], folders.processed)


def clean_stage(folders: Folders, period: Period, engine: str) -> Stage:
    """Cleaning a half-year reads its returns, the reference files and, for the start-of-period checks,
    the figures of the half-year before. `engine` runs its notebook: another engine runs it again."""
    before = period.shift(-1)
    previous = folders.processed / str(before) / FIGURES_FILE
    on_record = returns_dir(folders.raw, before).is_dir()
    previous_digest = iorw.sha256(previous) if on_record and previous.is_file() else ""
    key = _key(
        "clean",
        str(period),
        f"engine={engine}",
        code_digest_of(False),
        iorw.sha256(folders.notebook("clean")),
        fingerprint(folders.raw, str(period)),
        previous_digest,
    )
    folder = folders.processed / str(period)
    outputs = [*(folder / name for name in PROCESSED_FILES), folders.executed(period, "clean")]
    return Stage("clean", key, {folders.label(p): p for p in outputs}, folder / CLEAN_STAMP)


def report_inputs(
    folders: Folders, edition: Edition, on_record: list[Period], draft: bool, engine: str
) -> tuple[str, ...]:
    """What the indicators and the bulletin of `edition` are made from, once its half-years are cleaned:
    each half-year's cleaned files and raw fingerprint (which holds the reference files; the manifest
    lists every return read, with its SHA-256), whether it is a draft, and the engine that runs them."""
    used = [f"{q}:{_processed_digest(folders, q)}:{fingerprint(folders.raw, str(q))}" for q in on_record]
    return (str(edition), *used, f"draft={int(draft)}", f"engine={engine}")


def indicators_stage(folders: Folders, edition: Edition, inputs: tuple[str, ...]) -> Stage:
    """`inputs`: from `report_inputs`."""
    key = _key("indicators", code_digest_of(False), iorw.sha256(folders.notebook("indicators")), *inputs)
    report = folders.reports / str(edition)
    outputs = [report / "indicators.csv", folders.executed(edition, "indicators")]
    return Stage("indicators", key, {folders.label(p): p for p in outputs}, report / INDICATORS_STAMP)


def documents_stage(folders: Folders, edition: Edition, inputs: tuple[str, ...]) -> Stage:
    """`inputs`: from `report_inputs`; the indicators, as the other files of the report folder, are read here."""
    report = folders.reports / str(edition)
    names = (*DOCUMENTS, MANIFEST_FILE)
    outputs = [*(report / name for name in names), *(folders.executed(edition, n) for n in ("bulletin", "report"))]
    # The manifest lists every file of the report folder (the other stages' files are inputs too), and
    # the folders it was made from.
    others = [p for p in report_files(report) if p not in outputs]
    key = _key(
        "documents",
        # The documents record the code version: a commit that changes nothing else still changes them.
        code().key(),
        code_digest_of(True),
        # Every notebook: the manifest lists them all, as inputs of the edition (SPEC 9).
        *(iorw.sha256(folders.notebook(stage)) for stage in NOTEBOOKS),
        # The edition's commentary, an input of the documents alone.
        iorw.sha256(commentary) if (commentary := folders.raw / COMMENTARY_DIR / f"{edition}.md").is_file() else "",
        digest_of_files(others, report),
        *map(str, (folders.raw, folders.processed, folders.reports)),
        *inputs,
    )
    return Stage("documents", key, {folders.label(p): p for p in outputs}, report / DOCUMENTS_STAMP)


def annex_stage(folders: Folders, edition: Edition, on_record: list[Period]) -> Stage:
    """The annex, within the documents stage: written from the indicators, the reference files and the
    cleaned half-years' lists of sources alone, so a new commentary or a change of a notebook leaves it as
    it is."""
    report = folders.reports / str(edition)
    key = _key(
        "annex",
        code_digest_of(True),
        str(edition),
        iorw.sha256(report / INDICATORS_FILE),
        digest_of_files([folders.processed / str(q) / "sources.csv" for q in on_record], folders.processed),
        digest_of_files(reference_files(folders.raw), folders.raw),
    )
    annex = report / ANNEX_XLSX
    return Stage("annex", key, {folders.label(annex): annex}, report / ANNEX_STAMP)


def report_files(report: Path) -> list[Path]:
    """The files of a report folder, without the dot files (stamps, locks, `.options`, files being written)
    and `make diff`'s."""
    return sorted(
        p
        for p in report.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(report).parts)
        and p.relative_to(report).as_posix() not in NOT_EDITION_FILES
    )
