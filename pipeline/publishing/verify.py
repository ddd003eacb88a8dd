"""`make verify PERIOD=E`: rebuild the edition from scratch in a temporary folder and say which of its outputs
in REPORTS_DIR come out byte-identical; `make verify PERIOD=E VERSION=N`: the same for a published version,
rebuilt from the inputs its manifest records (SPEC 9). One comparison, one way of saying it, for both.

For a published version, the inputs are taken from the raw folder by SHA-256: each file the manifest lists must still be there,
unchanged (a later return or a corrected one elsewhere in the folder does not matter: only the recorded
files are copied into a scratch folder and built from), with the notebooks the version holds (an analyst's
later edits of the checkout's do not matter). The documents are then rendered as `make publish` rendered
them, with the version's number, date and revision note. The code must be the version's: outside a git
checkout its content digest is checked, and a different one refused; in a checkout, another commit or
changed code is said (`git checkout` the version's commit to rebuild it exactly).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.errors import StageFailed
from pipeline.common.layout import EDITION_OUTPUTS, MANIFEST_FILE, PUBLISHED_FILES, Folders, returns_dir
from pipeline.common.periods import Edition, parse, periods_on_record
from pipeline.common.version import code, code_digest
from pipeline.publishing.publish import render_version, revision_parameter
from pipeline.publishing.versions import NOTEBOOKS_DIR, Version, chosen, comparable, versions


def verify(folders: Folders, edition: Edition, wanted: str, draft: bool, engine: str) -> int:
    """`make verify`: the edition's outputs (no VERSION) or the published version `wanted`; 1 if a file differs."""
    if wanted.strip():
        return verify_version(folders, edition, wanted, engine)
    return verify_outputs(folders, edition, draft, engine)


def verify_outputs(folders: Folders, edition: Edition, draft: bool, engine: str) -> int:
    """The edition built again from the same raw folder, notebooks and options into a temporary folder, and
    compared with its outputs in REPORTS_DIR (which make has brought up to date first)."""
    from pipeline.build import report

    with tempfile.TemporaryDirectory(prefix="bantin-verify-") as scratch:
        rebuilt = Folders(folders.raw, Path(scratch) / "processed", Path(scratch) / "reports", folders.notebooks)
        print(f"Dựng lại kỳ {edition} trong một thư mục tạm…", file=sys.stderr)
        report(rebuilt, edition, draft, engine)
        kept = folders.reports / str(edition)
        return compare(kept, rebuilt.reports / str(edition), EDITION_OUTPUTS, f"thư mục {kept}")


def verify_version(folders: Folders, edition: Edition, wanted: str, engine: str) -> int:
    published = versions(folders.reports, edition)
    version = comparable(chosen(published, wanted, edition, "VERSION"), edition)
    previous = next((v for v in published if v.number == version.number - 1), None)
    if previous is not None:  # its record and indicators make the revision note
        comparable(previous, edition)
    manifest = json.loads((version.folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    _check_inputs(folders.raw, manifest["inputs"], version, edition)
    _check_code(manifest.get("code"), version, edition)
    with tempfile.TemporaryDirectory(prefix="bantin-verify-") as scratch:
        notebooks = _notebooks(folders.notebooks, manifest, version, edition, Path(scratch) / "notebooks")
        rebuilt = _rebuild(
            replace(folders, notebooks=notebooks), edition, manifest, version, previous, Path(scratch), engine
        )
        return compare(version.folder, rebuilt, PUBLISHED_FILES, version.name)


def _check_code(recorded: dict | None, version: Version, edition: Edition) -> None:
    """The code must be the one the version was made with: refused outside a git checkout (no commit to go
    back to), said in a checkout (whose commit names it)."""
    current = code()
    if recorded is None:  # published before the code's digest was recorded
        print(f"  [LƯU Ý] {version.name} không ghi mã nguồn đã dùng: tệp có thể khác vì thế.", file=sys.stderr)
        return
    same = recorded["sha256"] == code_digest() and recorded["commit"] == current.commit
    if same:
        return
    made_with = f"phiên bản {recorded['version']}" + (f", commit {recorded['commit']}" if recorded["commit"] else "")
    if current.commit is None:
        raise StageFailed(
            f"Lỗi: không dựng lại được phiên bản {version.name} của kỳ {edition}: chương trình đang cài khác chương "
            f"trình đã lập phiên bản đó ({made_with}; mã SHA-256 của mã nguồn {recorded['sha256']}, nay là "
            f"{code_digest()}). Cài lại đúng chương trình đã dùng rồi chạy lại make verify."
        )
    how = f" (git checkout {recorded['commit']} để dựng lại đúng như đã phát hành)" if recorded["commit"] else ""
    print(
        f"  [LƯU Ý] {version.name} được lập bằng mã nguồn {made_with}; mã nguồn hiện tại khác{how}: "
        "tệp có thể khác vì thế.",
        file=sys.stderr,
    )


def _notebooks(checkout: Path, manifest: dict, version: Version, edition: Edition, scratch: Path) -> Path:
    """The version's copy of its notebooks, in `scratch` (the folder the rebuild runs them from), each as its
    manifest records it; the checkout's for a version published before versions held them."""
    held = version.folder / NOTEBOOKS_DIR
    if not held.is_dir():
        print(
            f"  [LƯU Ý] {version.name} không lưu kèm sổ tính toán: dùng các sổ hiện có trong {checkout}.",
            file=sys.stderr,
        )
        return checkout
    scratch.mkdir()
    for entry in manifest["notebooks"]:
        source = held / entry["path"]
        if not source.is_file() or iorw.sha256(source) != entry["sha256"]:
            raise StageFailed(
                f"Lỗi: không dựng lại được phiên bản {version.name} của kỳ {edition}: sổ tính toán "
                f"{NOTEBOOKS_DIR}/{entry['path']} của phiên bản đó bị thiếu hoặc đã bị sửa ({version.folder}). "
                "Hãy khôi phục thư mục từ bản lưu."
            )
        shutil.copyfile(source, scratch / entry["path"])
    return scratch


def _check_inputs(raw: Path, inputs: list[dict], version: Version, edition: Edition) -> None:
    gone = [e["path"] for e in inputs if not (raw / e["path"]).is_file()]
    changed = [e["path"] for e in inputs if (raw / e["path"]).is_file() and iorw.sha256(raw / e["path"]) != e["sha256"]]
    if gone or changed:
        listed = [f"  không còn: {path}" for path in gone] + [f"  đã khác: {path}" for path in changed]
        raise StageFailed(
            f"Không dựng lại được phiên bản {version.name} của kỳ {edition}: thư mục dữ liệu {raw} không còn giữ "
            "đúng các tệp đầu vào ghi trong manifest của phiên bản đó:\n" + "\n".join(listed)
        )


def _rebuild(
    folders: Folders,
    edition: Edition,
    manifest: dict,
    version: Version,
    previous: Version | None,
    scratch: Path,
    engine: str,
) -> Path:
    from pipeline.build import report

    raw = scratch / "raw"
    for entry in manifest["inputs"]:
        (raw / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folders.raw / entry["path"], raw / entry["path"])
    for period in manifest["parameters"].get("periods_on_record", []):
        returns_dir(raw, parse(period)).mkdir(parents=True, exist_ok=True)
    rebuilt = Folders(raw, scratch / "processed", scratch / "reports", folders.notebooks)
    print(f"Dựng lại kỳ {edition} từ các tệp đầu vào của {version.name}…", file=sys.stderr)
    report(rebuilt, edition, False, engine)
    parameters = {
        "number": version.record["number"],
        "date": version.record["date"],
        "revision": revision_parameter(previous, version.number, version.record["reason"]),
    }
    on_record = periods_on_record(raw, until=edition.last)
    return render_version(rebuilt, edition, on_record, parameters, scratch / "published", engine)


def compare(kept: Path, rebuilt: Path, names: tuple[str, ...], where: str) -> int:
    """Say, for each of `names` but the manifest (it lists the folders it was made in), whether the file kept
    in `kept` (called `where` when it is gone) and the one `rebuilt` are the same bytes; 1 if any is not."""
    status = 0
    for name in names:
        if name == MANIFEST_FILE:
            continue
        if not (kept / name).is_file():
            print(f"KHÁC: {name} (không còn trong {where})", file=sys.stderr)
            status = 1
        elif iorw.sha256(rebuilt / name) == iorw.sha256(kept / name):
            print(f"Giống hệt: {name} ({iorw.sha256(rebuilt / name)[:16]}…)", file=sys.stderr)
        else:
            print(f"KHÁC: {name}", file=sys.stderr)
            status = 1
    return status
