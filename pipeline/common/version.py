"""Which code produced an output: the product's version and, in a git checkout, the commit, its date and the
files under `pipeline/` that differ from it.

A document prints the version and the commit's date in words (`phiên bản 0.1.0, ngày 3-12-2026`): the same
on any day a build is run again. The commit, whether the code differed from it, and the code's content
digest go in the manifest and the files' metadata. The notebooks are not program code here: they are the
analysts' to edit, and an edition records them as inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pipeline
from pipeline.common import iorw
from pipeline.common.layout import PACKAGE, ROOT

LIBRARIES = (
    "babel",
    "jinja2",
    "matplotlib",
    "nbconvert",
    "nbformat",
    "pandas",
    "papermill",
    "python-calamine",
    "weasyprint",
)
PRODUCT = "dangvien-bulletin"
# Files of the package that no stage runs: the console entry point, the command line and the build
# (`build.py`: which stages to start, the gate, the parameters) start stages and word their messages
# (rewording one remakes nothing); `pins` checks an environment for make; `execution/interrupts` says
# «Đã dừng» and leaves.
NOT_STAGE_CODE = frozenset({"__main__.py", "build.py", "cli.py", "interrupts.py", "pins.py"})
# The data stages' code: the shared helpers, how stages run, the intake and the indicators (with the default
# return form, code as data). The documents' code adds the documents and publishing packages, with their
# templates and fonts: a change there reruns the documents only, not the cleaning or the indicators.
DATA_PACKAGES = ("common", "execution", "intake", "indicators")
DOCUMENT_PACKAGES = ("documents", "publishing")
# Within the data stages' packages, code only the documents run: the processes that lay out the PDFs.
DOCUMENTS_ONLY = ("execution/parallel",)


@dataclass(frozen=True)
class Code:
    """`commit` and `date` are None outside a git checkout (a copy from an archive)."""

    version: str
    commit: str | None
    date: dt.date | None
    changed: tuple[str, ...]  # files under pipeline/ that differ from the commit, relative to the checkout

    def words(self) -> str:
        """What a document prints: `phiên bản 0.1.0, ngày 3-12-2026` (the commit's date), or the version alone."""
        if self.date is None:
            return f"phiên bản {self.version}"
        return f"phiên bản {self.version}, ngày {self.date.day}-{self.date.month}-{self.date.year}"

    @property
    def changed_stage_code(self) -> tuple[str, ...]:
        """The changed files that a build runs (what the manifest records): not the command line's."""
        return tuple(path for path in self.changed if Path(path).name not in NOT_STAGE_CODE)

    def key(self) -> str:
        """Everything of this that the documents and the manifest record, but the content digest (which the
        stages hash themselves): a new commit, or code that comes to differ from it, makes them again."""
        date = self.date.isoformat() if self.date else "-"
        return f"{self.version} {self.commit or '-'} {date} changed={int(bool(self.changed_stage_code))}"

    def record(self, digest: str) -> dict[str, object]:
        """The manifest's `code`: `digest` is the code's content SHA-256 (`presentation_digest`)."""
        return {
            "version": self.version,
            "commit": self.commit,
            "date": self.date.isoformat() if self.date else None,
            "changed_from_commit": list(self.changed_stage_code) if self.commit else None,
            "sha256": digest,
        }

    def generator(self, digest: str) -> str:
        """The files' metadata (the PDFs' Creator, the Word file's comments): the exact code, in full."""
        if self.commit is None:
            return f"{PRODUCT} {self.version} (mã nguồn SHA-256 {digest})"
        state = "mã nguồn khác commit" if self.changed_stage_code else "đúng commit"
        return f"{PRODUCT} {self.version} (commit {self.commit}, {state}; mã nguồn SHA-256 {digest})"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


@cache
def code() -> Code:
    try:
        # Only a checkout of this product: not a git repository that happens to hold an installed copy.
        if Path(_git("rev-parse", "--show-toplevel").strip()).resolve() != ROOT:
            return Code(pipeline.__version__, None, None, ())
        commit, date = _git("log", "-1", "--format=%H %cs", "HEAD").split()
        status = _git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "pipeline")
    except (OSError, subprocess.CalledProcessError, ValueError):
        return Code(pipeline.__version__, None, None, ())
    return Code(pipeline.__version__, commit, dt.date.fromisoformat(date), _changed(status))


def _changed(status: str) -> tuple[str, ...]:
    """The paths of `git status --porcelain -z`: each entry `XY path`, a rename's or copy's followed by the
    path it came from (which is not a file of the checkout any more, or is listed on its own)."""
    entries = iter(status.split("\0"))
    paths = []
    for entry in entries:
        if not entry:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":
            next(entries, None)
    return tuple(sorted(paths))


@cache
def code_digest_of(presentation: bool) -> str:
    """SHA-256 over the package's code (with or without the documents') and the locked library versions:
    what the stages' keys hash (`execution.stages`)."""
    packages = DATA_PACKAGES + (DOCUMENT_PACKAGES if presentation else ())
    paths = [PACKAGE / "__init__.py"]
    for package in packages:
        paths += sorted(
            p
            for p in (PACKAGE / package).rglob("*")
            if p.is_file()
            and p.name not in NOT_STAGE_CODE
            and "__pycache__" not in p.parts
            and (presentation or not p.relative_to(PACKAGE).as_posix().startswith(DOCUMENTS_ONLY))
        )
    lock = ROOT / "requirements.lock"
    return digest_of_files([*paths, lock] if lock.is_file() else paths, PACKAGE.parent)


def presentation_digest() -> str:
    """The code the documents are made with (the whole package, its templates and fonts, the locked
    libraries)."""
    return code_digest_of(True)


def digest_of_files(paths: list[Path], base: Path) -> str:
    lines = [f"{iorw.sha256(p) if p.is_file() else 'missing'}  {p.relative_to(base).as_posix()}" for p in paths]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def code_digest() -> str:
    """The content SHA-256 of the code a build runs: the stages' own (their keys hash the same files)."""
    return presentation_digest()


def library_versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        versions[name] = metadata.version(name)
    return versions
