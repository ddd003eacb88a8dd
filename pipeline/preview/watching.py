"""Which saves are changes: the edition's inputs (RAW_DIR: returns, commentary, province files, form), the
notebooks and the program's code, watched with `watchfiles`.

A save whose content is what it was (JupyterLab's autosave of an unchanged notebook, a return saved again)
is no change: each watched file's SHA-256 is kept and compared. Checkpoints (`.ipynb_checkpoints`), editors'
temporary and lock files (`.swp`, `~`, `.#…`, Office's `~$…`) and compiled modules are never looked at.
Where the system does not signal saves (WSL2's `/mnt/c`, network and virtual-machine shares), the folders
are polled instead: chosen from the file system each folder is on, as listed in /proc/mounts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from pipeline.common import iorw

IGNORED_FOLDERS = frozenset({".ipynb_checkpoints", "__pycache__", ".git", ".ruff_cache", ".pytest_cache", ".venv"})
IGNORED_PREFIXES = (".#", "~$", ".~lock.", ".goutputstream-")
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".temp", ".part", ".crdownload", ".pyc", ".bak")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})  # 4913: vim's probe
# File systems that do not signal changes made from elsewhere: WSL2's Windows drives (9p, drvfs), network
# shares, and folders shared into a virtual machine or container from its host.
POLLED_FILE_SYSTEMS = frozenset(
    {
        "9p",
        "drvfs",
        "v9fs",
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "fuse.sshfs",
        "fuse.vmhgfs-fuse",
        "vboxsf",
        "virtiofs",
    }
)
STEP_MS = 20  # saves closer together than this are one change
DEBOUNCE_MS = 300  # the longest a stream of saves is gathered before it is reported
POLL_DELAY_MS = 200


def is_ignored(path: Path) -> bool:
    """A file no save of which is a change: a temporary, lock or checkpoint file, or a compiled module."""
    name = path.name
    if any(part in IGNORED_FOLDERS for part in path.parts):
        return True
    return name in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES)


def _file_system_of(path: Path, mounts: str) -> str:
    """The type of the file system `path` is on, from the text of /proc/mounts (the longest mount point)."""
    best, kind = "", ""
    target = str(path.resolve())
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def needs_polling(folders: Iterable[Path], mounts: str | None = None) -> bool:
    """Whether any folder is on a file system that does not signal saves (`mounts`: /proc/mounts' text)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False  # not Linux: the system's own notifications (macOS's FSEvents) are used
    return any(_file_system_of(folder, mounts) in POLLED_FILE_SYSTEMS for folder in folders)


@dataclass(frozen=True)
class Changes:
    """The files whose content changed, and whether the program's code is among them."""

    paths: tuple[Path, ...]
    code: bool


class Watcher:
    """The changed files under `folders`, as they are saved; `code` is the folder whose changes restart the
    worker (pipeline/)."""

    def __init__(self, folders: list[Path], code: Path, polling: bool | None = None) -> None:
        self.folders = [f.resolve() for f in folders if f.is_dir()]
        self.code = code.resolve()
        self.polling = needs_polling(self.folders) if polling is None else polling
        self.stopping = threading.Event()
        self.digests: dict[Path, str | None] = {}
        for folder in self.folders:
            for path in folder.rglob("*"):
                if path.is_file() and not is_ignored(path.relative_to(folder)):
                    self.digests[path] = _digest(path)

    def changed(self, paths: Iterable[Path]) -> Changes | None:
        """Of the files the system said were written, those whose content differs from what it was."""
        found = []
        for path in sorted(set(paths)):
            folder = next((f for f in self.folders if path.is_relative_to(f)), None)
            if folder is None or is_ignored(path.relative_to(folder)) or path.is_dir():
                continue
            digest = _digest(path)
            if self.digests.get(path) == digest:
                continue
            self.digests[path] = digest
            found.append(path)
        if not found:
            return None
        return Changes(tuple(found), any(p.is_relative_to(self.code) for p in found))

    def __iter__(self) -> Iterator[Changes]:
        for batch in watchfiles.watch(
            *self.folders,
            watch_filter=lambda _change, path: not is_ignored(Path(path)),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self.stopping,
            force_polling=self.polling,
            poll_delay_ms=POLL_DELAY_MS,
            rust_timeout=200,
            yield_on_timeout=False,
            raise_interrupt=False,
        ):
            changes = self.changed(Path(path) for _, path in batch)
            if changes is not None:
                yield changes

    def stop(self) -> None:
        self.stopping.set()


def _digest(path: Path) -> str | None:
    """The file's SHA-256; None when it is gone (or cannot be read: being written, say)."""
    try:
        return iorw.sha256(path)
    except OSError:
        return None


def describe(changes: Changes, folders: list[Path]) -> str:
    """`commentary/2017H1.md, notebooks/03_bulletin.ipynb`: the changed files, as the terminal names them."""
    names = []
    for path in changes.paths:
        base = next((f for f in folders if path.is_relative_to(f.resolve())), None)
        names.append(path.relative_to(base.resolve().parent).as_posix() if base is not None else str(path))
    return ", ".join(names)
