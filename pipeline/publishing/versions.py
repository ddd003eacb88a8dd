"""The published versions of an edition (SPEC 9), as recorded: `published/<E>/v<N>/` with its
`publication.json`. Reading only; `publishing` writes them.

A version records what it was made from (`content`: every input with its SHA-256, the SHA-256 of its
indicators, the code version), so that "has the edition changed since?" is a comparison of records, and
the SHA-256 of each of its files, so that a file altered by hand is found.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.layout import INDICATORS_FILE, MANIFEST_FILE, PUBLICATION_FILE, published_dir

_VERSION_DIR = re.compile(r"^v([1-9][0-9]*)$")


@dataclass(frozen=True)
class Version:
    number: int
    folder: Path
    record: dict

    @property
    def name(self) -> str:
        return f"v{self.number}"

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.record["date"])

    @property
    def content(self) -> dict:
        return self.record["content"]

    def altered_files(self) -> list[str]:
        """The files whose SHA-256 is no longer the one recorded at publication (changed, removed, or added)."""
        recorded: dict[str, str] = self.record.get("files", {})
        present = {p.name for p in self.folder.iterdir() if p.is_file()} - {PUBLICATION_FILE}
        altered = [name for name in sorted(recorded) if name not in present]
        altered += [name for name in sorted(present) if name not in recorded]
        altered += [
            name for name in sorted(present & set(recorded)) if iorw.sha256(self.folder / name) != recorded[name]
        ]
        return sorted(altered)


def versions(reports_dir: Path, edition: object) -> list[Version]:
    """The edition's published versions, oldest first. Folders being written (`.v3-…`) are not versions."""
    folder = published_dir(reports_dir, edition)
    found = []
    for child in folder.iterdir() if folder.is_dir() else []:
        matched = _VERSION_DIR.match(child.name)
        if matched and child.is_dir() and (child / PUBLICATION_FILE).is_file():
            record = json.loads((child / PUBLICATION_FILE).read_text(encoding="utf-8"))
            found.append(Version(int(matched.group(1)), child, record))
    return sorted(found, key=lambda v: v.number)


def content_of(report_dir: Path) -> dict:
    """What a build was made from: its inputs (from its manifest), its indicators and the code version. Two
    builds with the same content are the same edition."""
    manifest = json.loads((report_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {
        "inputs": {entry["path"]: entry["sha256"] for entry in manifest["inputs"]},
        "indicators_sha256": iorw.sha256(report_dir / INDICATORS_FILE),
        "code_version": manifest["code_version"],
    }


def altered_message(version: Version, edition: object) -> str:
    files = ", ".join(version.altered_files())
    return (
        f"Phiên bản {version.name} đã phát hành của kỳ {edition} đã bị sửa bằng tay ({version.folder}): "
        f"{files} không còn đúng mã SHA-256 ghi trong {PUBLICATION_FILE}. Không ghi đè; hãy khôi phục các tệp "
        "từ bản lưu (bản đã gửi đi) trước khi phát hành tiếp."
    )
