"""Writing derived files atomically, and fingerprints of files. Standard library only at run time."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C (and SIGTERM) held back for the body: one arriving meanwhile is raised after it."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step. Whenever the run
    stops, the temporary file does not stay: it is made with Ctrl-C held back, inside the `try` that removes
    it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = None
    try:
        with _interrupts_held():
            handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
            os.close(handle)
        yield Path(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        # Held back here too: a second Ctrl-C (or a stop after it) must not cut the removal short.
        with _interrupts_held():
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)


def write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; an identical file is left as it is (and its time too)."""
    path = Path(path)
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def mark_used(path: Path) -> None:
    """A cache entry just read: recently used, so kept by `keep_most_recent`. An entry another process
    removed meanwhile was used all the same."""
    with contextlib.suppress(OSError):
        os.utime(path)


def keep_most_recent(folder: Path, suffix: str, count: int) -> None:
    """The entries `*suffix` of a cache folder, cut to the `count` most recently written or used
    (`mark_used`). Other processes may write, read or cut the same folder meanwhile: the temporary files
    of their writes (`atomic_path`'s, hidden) are not entries."""
    entries = []
    for path in Path(folder).glob(f"*{suffix}"):
        if path.name.startswith("."):
            continue
        try:
            entries.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # cut meanwhile by another process
            continue
    for _, stale in sorted(entries, reverse=True)[count:]:
        stale.unlink(missing_ok=True)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A CSV whose text cannot run as a formula in a spreadsheet (see `csv_safe`); `read_csv` undoes it."""
    from pandas.api.types import is_numeric_dtype

    safe = frame
    for column in frame.columns:
        if is_numeric_dtype(frame[column]):
            continue
        # A plain loop over the values: pandas' string methods cost more for the few hundred rows of a file.
        values = frame[column].tolist()
        if any(isinstance(v, str) and v[:1] in _FORMULA_START for v in values):
            if safe is frame:
                safe = frame.copy()
            safe[column] = [csv_safe(v) if isinstance(v, str) else v for v in values]
    write_text(path, safe.to_csv(index=False, lineterminator="\n"))


def read_csv(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    """A CSV written by `write_csv`, with the text as it was."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False)
    for column, dtype in dtypes.items():
        if dtype == "str" and column in frame:
            quoted = frame[column].str.startswith("'")
            if quoted.any():
                frame.loc[quoted, column] = frame.loc[quoted, column].map(csv_unsafe)
    return frame


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`) gets a leading
    apostrophe, which spreadsheets show as text; a number such as `-15.94` stays a number."""
    if text[:1] in _FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_unsafe(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_START else text


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fixed_zip(data: bytes) -> bytes:
    """A zip (.docx, .xlsx) rewritten with every member's time fixed and its order kept: libraries stamp
    members with the time of writing, which would make each build's bytes differ."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            member = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(member, source.read(item.filename))
    return buffer.getvalue()
