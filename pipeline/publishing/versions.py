"""The published versions of an edition (SPEC 9), as recorded: `published/<E>/v<N>/` with its
`publication.json`. Reading only; `publishing` writes them.

A version records what it was made from (`content`: every input with its SHA-256, the notebooks' SHA-256, the
SHA-256 of its indicators, the code), so that "has the edition changed since?" is a comparison of records,
and the SHA-256 of each of its files (its copy of the notebooks in `notebooks/` among them), so that a file
altered by hand is found.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.errors import StageFailed
from pipeline.common.layout import INDICATORS_FILE, MANIFEST_FILE, PUBLICATION_FILE, published_dir

_VERSION_DIR = re.compile(r"^v([1-9][0-9]*)$")
NOTEBOOKS_DIR = "notebooks"  # a version's copy of the notebooks it was made with, which `make verify` runs
# What of the manifest's `code` makes the documents: the code's version, commit and date, and its content.
CODE_CONTENT = ("version", "commit", "date", "sha256")


@dataclass(frozen=True)
class Version:
    number: int
    folder: Path
    record: dict | None  # None: its publication.json is missing or unreadable (the folder was altered by hand)

    @property
    def name(self) -> str:
        return f"v{self.number}"

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self._record["date"])

    @property
    def content(self) -> dict:
        return self._record["content"]

    @property
    def _record(self) -> dict:
        if self.record is None:  # callers check altered_files() first: reading a damaged record is a bug
            raise RuntimeError(f"{self.folder}: reading the record of a damaged version")
        return self.record

    def altered_files(self) -> list[str]:
        """The files whose SHA-256 is no longer the one recorded at publication (changed, removed, or added);
        `publication.json` alone when the record itself is missing or unreadable."""
        if self.record is None:
            return [PUBLICATION_FILE]
        recorded: dict[str, str] = self.record["files"]
        present = {p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file()}
        present -= {PUBLICATION_FILE}
        altered = [name for name in sorted(recorded) if name not in present]
        altered += [name for name in sorted(present) if name not in recorded]
        altered += [
            name for name in sorted(present & set(recorded)) if iorw.sha256(self.folder / name) != recorded[name]
        ]
        return sorted(altered)


def versions(reports_dir: Path, edition: object) -> list[Version]:
    """The edition's published versions, oldest first: every `v<N>` folder, its record read when it can be.
    Folders being written (`.partial-v3-…`) are not versions."""
    folder = published_dir(reports_dir, edition)
    found = []
    for child in folder.iterdir() if folder.is_dir() else []:
        matched = _VERSION_DIR.match(child.name)
        if matched and child.is_dir():
            number = int(matched.group(1))
            found.append(Version(number, child, _record(child / PUBLICATION_FILE, number, str(edition))))
    return sorted(found, key=lambda v: v.number)


def _record(path: Path, number: int, edition: str) -> dict | None:
    """A version's publication.json, or None when it is missing, unreadable or not the record of this
    version (no checksum can guard the file that holds the checksums; its shape and its claims can be)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        dt.date.fromisoformat(record["date"])
        well_formed = (
            record["version"] == number
            and record["edition"] == edition
            and isinstance(record["number"], str)
            and isinstance(record["reason"], str)
            and isinstance(record["content"], dict)
            and isinstance(record["files"], dict)
            and all(isinstance(v, str) for v in record["files"].values())
        )
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None
    return record if well_formed else None


def content_of(report_dir: Path) -> dict:
    """What a build was made from: its inputs and notebooks (from its manifest), its indicators and the code.
    Two builds with the same content are the same edition."""
    manifest = json.loads((report_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {
        "inputs": {entry["path"]: entry["sha256"] for entry in manifest["inputs"]},
        # A build by an older release has neither: it differs from any version, as it should.
        "notebooks": {entry["path"]: entry["sha256"] for entry in manifest.get("notebooks", [])},
        "indicators_sha256": iorw.sha256(report_dir / INDICATORS_FILE),
        "code": {name: manifest.get("code", {}).get(name) for name in CODE_CONTENT},
    }


def altered_message(version: Version, edition: object, altered: list[str]) -> str:
    """What was altered in `version` (`altered`: its `altered_files()`, hashed once by the caller)."""
    if version.record is None:
        what = f"tệp {PUBLICATION_FILE} bị thiếu, hỏng hoặc không phải của phiên bản này"
    else:
        what = f"{', '.join(altered)} không còn đúng mã SHA-256 ghi trong {PUBLICATION_FILE}"
    return (
        f"Phiên bản {version.name} đã phát hành của kỳ {edition} đã bị sửa bằng tay ({version.folder}): "
        f"{what}. Không ghi đè; hãy khôi phục các tệp từ bản lưu (bản đã gửi đi) trước khi phát hành tiếp."
    )


def comparable(version: Version, edition: object, hint: str = "") -> Version:
    """`version`, when its record, indicators and manifest are as published (what a comparison reads); a
    warning for another altered file; a refusal otherwise, followed by `hint`."""
    altered = version.altered_files()
    if {PUBLICATION_FILE, INDICATORS_FILE, MANIFEST_FILE} & set(altered):
        said = f"Lỗi: {altered_message(version, edition, altered)} Không so sánh được với phiên bản này."
        raise StageFailed(f"{said} {hint}".rstrip())
    if altered:
        print("  [CẢNH BÁO] " + altered_message(version, edition, altered), file=sys.stderr)
    return version


def chosen(published: list[Version], wanted: str, edition: object, variable: str) -> Version:
    """The version an analyst named (`2` or `v2`) in `variable`, the latest when none."""
    if not wanted.strip():
        return published[-1]
    for version in published:
        if wanted.strip() in (version.name, str(version.number)):
            return version
    names = ", ".join(v.name for v in published) or "chưa có"
    raise StageFailed(f"Lỗi: {variable}={wanted}: kỳ {edition} không có phiên bản này (đã phát hành: {names}).")
