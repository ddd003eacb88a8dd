"""`make publish`: an edition's documents recorded as a published version that never changes (SPEC 9).

A version is rendered from the current build, with the report's number and date and, after the first, a
revision note; then written under a temporary name in `published/<E>/` and renamed last, so that a publish
stopped at any moment leaves either no new version or a complete one. One publish at a time per edition
(a lock): a second one started meanwhile finds nothing changed and writes nothing.

A version must be one that `make verify` can rebuild: program code under `pipeline/` that differs from its
commit is refused; the notebooks, the analysts' to edit, are copied into the version (`notebooks/`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

from pipeline.common import fmt, iorw
from pipeline.common.errors import StageFailed
from pipeline.common.layout import (
    CHART_CACHE_DIR,
    FONT_CACHE_DIR,
    INDICATORS_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    PUBLICATION_FILE,
    PUBLISHED_FILES,
    TEMPLATE_CACHE_DIR,
    Folders,
    published_dir,
)
from pipeline.common.periods import Edition, Period
from pipeline.common.version import Code, code
from pipeline.execution import stages
from pipeline.publishing.versions import NOTEBOOKS_DIR, Version, altered_message, content_of, versions

_NUMBER = re.compile(r"^[0-9]{1,6}$")
PARTIAL_PREFIX = ".partial-"  # a version being written: `.partial-v2-<pid>`, never a version


@dataclasses.dataclass(frozen=True)
class Publication:
    """What an analyst gives `make publish`: the report's number, its date, the reason for a revision."""

    number: str
    date: dt.date
    reason: str

    @classmethod
    def parse(cls, number: str, date: str, reason: str) -> Publication:
        number = number.strip()
        if number and not _NUMBER.match(number):
            raise StageFailed(
                f"Lỗi: NUMBER phải là số hiệu văn bản bằng chữ số, ví dụ NUMBER=12 (đã nhận: '{number}')."
            )
        try:
            when = dt.date.fromisoformat(date.strip()) if date.strip() else dt.date.today()
        except ValueError:
            raise StageFailed(
                f"Lỗi: DATE phải có dạng năm-tháng-ngày, ví dụ DATE=2017-07-15 (đã nhận: '{date}')."
            ) from None
        return cls(number, when, " ".join(reason.split()))


def publish(folders: Folders, edition: Edition, on_record: list[Period], publication: Publication, engine: str) -> int:
    report_dir = folders.reports / str(edition)
    target = published_dir(folders.reports, edition)
    _refuse_changed_code(code(), edition)
    _refuse_unpublishable(report_dir, edition)  # before the locks make any folder; again under them
    # The working build's lock first: a `make report DRAFT=1` started meanwhile waits until the build that
    # was checked here (not a draft, no errors) has been rendered into the version.
    with (
        stages.one_run_at_a_time(report_dir / LOCK_FILE, f"kỳ {edition}"),
        stages.one_run_at_a_time(target / LOCK_FILE, f"phát hành kỳ {edition}"),
    ):
        _refuse_unpublishable(report_dir, edition)
        _remove_partials(target)
        existing = versions(folders.reports, edition)
        for version in existing:
            if altered := version.altered_files():
                raise StageFailed("Lỗi: " + altered_message(version, edition, altered))
        content = content_of(report_dir)
        if existing and existing[-1].content == content:
            last = existing[-1]
            print(
                f"Kỳ {edition} không thay đổi kể từ phiên bản {last.name} (phát hành ngày {fmt.date_short(last.date)}): "
                "không ghi phiên bản mới.",
                file=sys.stderr,
            )
            return 0
        previous = existing[-1] if existing else None
        if previous is not None and not publication.reason:
            print("  [CẢNH BÁO] Không có REASON: ghi chú sửa đổi sẽ không nêu lý do.", file=sys.stderr)
        version = _write_version(folders, edition, on_record, publication, previous, content, engine)
    print(f"Đã phát hành kỳ {edition}, phiên bản {version.name}: {version.folder}", file=sys.stderr)
    return 0


def _refuse_unpublishable(report_dir: Path, edition: Edition) -> None:
    manifest_path = report_dir / MANIFEST_FILE
    if not manifest_path.is_file():
        raise StageFailed(f"Lỗi: chưa có bản tin của kỳ {edition} ({report_dir}); chạy make report PERIOD={edition}.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest["parameters"].get("draft"):
        raise StageFailed(
            f"Lỗi: không phát hành bản nháp. Bản tin kỳ {edition} hiện có được lập với DRAFT=1 (số liệu còn lỗi "
            f"hoặc còn thiếu). Sửa các báo cáo rồi chạy make publish PERIOD={edition} (không có DRAFT)."
        )


SHOWN_FILES = 10  # changed files named in the refusal; the rest counted


def _refuse_changed_code(current: Code, edition: Edition) -> None:
    """Code that differs from its commit cannot be found again by `make verify`: refused, naming the files."""
    if not current.changed:
        return
    named = ", ".join(current.changed[:SHOWN_FILES])
    if len(current.changed) > SHOWN_FILES:
        named += f" và {len(current.changed) - SHOWN_FILES} tệp khác"
    raise StageFailed(
        f"Lỗi: không phát hành kỳ {edition}: chương trình (mã nguồn trong thư mục pipeline/) đã bị sửa so với "
        f"bản đã lưu trong git (commit {current.commit[:12] if current.commit else '?'}), nên phiên bản phát hành "
        f"sẽ không dựng lại được bằng make verify. Các tệp đã sửa: {named}. Hãy lưu thay đổi (git commit) hoặc "
        f"hoàn tác nó (git restore tên-tệp; xoá tệp mới thêm), rồi chạy lại make publish PERIOD={edition}. "
        "Sửa sổ tính toán (notebooks/) thì không cần việc này."
    )


def _copy_notebooks(folders: Folders, built: Path, version_dir: Path) -> dict[str, str]:
    """The notebooks the version was rendered with, as its manifest lists them, into `version_dir/notebooks/`:
    (name → SHA-256). A notebook saved while the version was being rendered is not the one it ran: refused."""
    manifest = json.loads((built / MANIFEST_FILE).read_text(encoding="utf-8"))
    copies = version_dir / NOTEBOOKS_DIR
    copies.mkdir()
    for entry in manifest["notebooks"]:
        shutil.copyfile(folders.notebooks / entry["path"], copies / entry["path"])
        if iorw.sha256(copies / entry["path"]) != entry["sha256"]:
            raise StageFailed(
                f"Lỗi: sổ tính toán {entry['path']} vừa được lưu lại trong khi đang phát hành; "
                "chạy lại make publish sau khi lưu xong."
            )
    return {f"{NOTEBOOKS_DIR}/{entry['path']}": entry["sha256"] for entry in manifest["notebooks"]}


def revision_parameter(previous: Version | None, number: int, reason: str) -> dict:
    """The notebooks' `revision` parameter for version `number`: empty for the first."""
    if previous is None:
        return {}
    return {
        "version": number,
        "replaces": previous.number,
        "replaces_date": previous.date.isoformat(),
        "reason": reason,
        "previous_indicators": str(previous.folder / INDICATORS_FILE),
    }


def render_version(
    folders: Folders, edition: Edition, on_record: list[Period], parameters: dict, build: Path, engine: str
) -> Path:
    """Render the edition's documents into `build/<E>/`, from the current build's indicators, with the
    publication's `number`, `date` and `revision` among `parameters`. The charts and font subsets the
    current build keeps are reused (the same inputs give the same pictures), and its compiled templates."""
    from pipeline.build import edition_parameters
    from pipeline.documents.stage import write_documents

    working, report_dir = folders.reports / str(edition), build / str(edition)
    report_dir.mkdir(parents=True)
    shutil.copy2(working / INDICATORS_FILE, report_dir / INDICATORS_FILE)
    for cache in (CHART_CACHE_DIR, FONT_CACHE_DIR, TEMPLATE_CACHE_DIR):
        if (working / cache).is_dir():
            shutil.copytree(working / cache, report_dir / cache)
    rendered = dataclasses.replace(folders, reports=build)
    write_documents(rendered, edition_parameters(rendered, edition) | {"draft": False} | parameters, on_record, engine)
    return report_dir


def _write_version(
    folders: Folders,
    edition: Edition,
    on_record: list[Period],
    publication: Publication,
    previous: Version | None,
    content: dict,
    engine: str,
) -> Version:
    number = previous.number + 1 if previous else 1
    target = published_dir(folders.reports, edition)
    partial = target / f"{PARTIAL_PREFIX}v{number}-{os.getpid()}"
    parameters = {
        "number": publication.number,
        "date": publication.date.isoformat(),
        "revision": revision_parameter(previous, number, publication.reason),
    }
    print(f"Lập phiên bản v{number} của kỳ {edition}…", file=sys.stderr)
    try:
        built = render_version(folders, edition, on_record, parameters, partial / ".build", engine)
        notebooks = _copy_notebooks(folders, built, partial)
        for name in PUBLISHED_FILES:
            os.replace(built / name, partial / name)
        shutil.rmtree(partial / ".build")
        record = {
            "edition": str(edition),
            "version": number,
            "date": publication.date.isoformat(),
            "number": publication.number,
            "reason": publication.reason,
            "replaces": {"version": previous.number, "date": previous.date.isoformat()} if previous else None,
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "content": content,
            "files": {name: iorw.sha256(partial / name) for name in PUBLISHED_FILES} | notebooks,
        }
        iorw.write_text(partial / PUBLICATION_FILE, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        for path in sorted(partial.rglob("*")):
            if path.is_file():  # the folders stay writable: a partial version is removed whole
                path.chmod(0o444)
            _sync(path)
        final = target / f"v{number}"
        if os.path.lexists(final):  # not a version (versions() saw none): never written over, never merged into
            raise StageFailed(f"Lỗi: {final} đã có (không phải thư mục hay phiên bản đã ghi); không ghi đè.")
        os.rename(partial, final)  # the version appears whole, or not at all
        _sync(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Version(number, final, record)


def _sync(path: Path) -> None:
    """To the disk before the rename that publishes it: a power cut must not leave a version of empty files."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_partials(target: Path) -> None:
    """Folders left by a publish that was killed: never a version, removed by the next publish."""
    for partial in target.glob(f"{PARTIAL_PREFIX}*"):
        shutil.rmtree(partial, ignore_errors=True)  # its files are read-only, its folders are not
