"""Publishing and revising (SPEC 9): published versions that never change, revision notes, `make diff`,
`make verify VERSION=N`, and the faults: killed, concurrent, drafts, folders altered by hand."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import stat
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pypdf
import pytest
from docx import Document

import pipeline
from pipeline.common import fmt
from pipeline.common.errors import StageFailed
from pipeline.common.layout import NOTEBOOKS, PUBLISHED_FILES, Folders
from pipeline.common.periods import parse_edition, periods_on_record
from pipeline.indicators.table import PROVINCE, Indicators
from pipeline.publishing.changes import diff
from pipeline.publishing.index import write_index
from pipeline.publishing.publish import Publication, publish
from pipeline.publishing.verify import compare, verify_version
from pipeline.publishing.versions import versions
from testdata.workbook import sheet_named
from tests.conftest import ROOT, SAMPLE_RAW, digests, make, make_command
from tests.readers import assert_in_words, docx_text, html_reader_text, pdf_text, reader_texts

EDITION = "2017H1"
CHANGED_RETURN = "returns/2017H1/BaoCao_DienBien_6T2017.xlsx"  # unit DBI, a district


def _published(out: Path) -> Path:
    return out / "reports" / "published" / EDITION


def _versions(out: Path) -> list[str]:
    folder = _published(out)
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def _one_fewer_woman(raw: Path) -> tuple[int, int]:
    """A consistent correction: one woman fewer among DBI's members admitted in the half-year (the total and
    every other row unchanged). Returns (old, new)."""
    path = raw / CHANGED_RETURN
    book = openpyxl.load_workbook(path)
    sheet = sheet_named(book, "Kết nạp")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "women")
    old = int(row[2].value)
    row[2].value = old - 1
    book.save(path)
    return old, old - 1


def test_publish_revise_diff_and_verify(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    make("publish", f"PERIOD={EDITION}", "NUMBER=12", "DATE=2017-07-15", raw=raw_copy, out=out)
    v1 = _published(out) / "v1"
    assert sorted(p.name for p in v1.iterdir()) == sorted([*PUBLISHED_FILES, "publication.json", "notebooks"])
    assert sorted(p.name for p in (v1 / "notebooks").iterdir()) == sorted(NOTEBOOKS.values())
    for path in (p for p in v1.rglob("*") if p.is_file()):
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path.name
    record = json.loads((v1 / "publication.json").read_text(encoding="utf-8"))
    assert (record["version"], record["number"], record["date"], record["replaces"]) == (1, "12", "2017-07-15", None)
    # The published report carries the number and the date; the working build keeps its blanks.
    for text in (pdf_text(v1 / "report.pdf"), docx_text(v1 / "report.docx")):
        assert "Số 12-BC/BTCTU" in text and "Điện Biên, ngày 15 tháng 7 năm 2017" in text
    working = out / "reports" / EDITION
    assert "Số …-BC/BTCTU" in docx_text(working / "report.docx")
    assert "ngày … tháng … năm 2017" in pdf_text(working / "report.pdf")
    v1_files = digests(v1)

    # Another number, date or reason alone: nothing written.
    again = make("publish", f"PERIOD={EDITION}", "NUMBER=13", "DATE=2017-07-20", "REASON=x", raw=raw_copy, out=out)
    assert "không ghi phiên bản mới" in again.stderr
    assert _versions(out) == ["v1"]

    # A corrected return: `make diff` names exactly its figure's indicators and the file.
    old_count, new_count = _one_fewer_woman(raw_copy)
    shown = make("diff", f"PERIOD={EDITION}", raw=raw_copy, out=out)
    with (working / "diff.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    changed = [r for r in rows if r["kind"] == "indicator"]
    assert {r["indicator"] for r in changed} == {"women", "women_pct"}
    assert {r["scope"] for r in changed} == {PROVINCE, "kind:district", "DBI"}
    assert [(r["kind"], r["file"]) for r in rows if r["kind"] != "indicator"] == [("input_changed", CHANGED_RETURN)]
    period_women = next(r for r in changed if (r["scope"], r["window"], r["indicator"]) == ("DBI", "period", "women"))
    assert (period_women["published"], period_women["now"]) == (str(old_count), str(new_count))
    assert CHANGED_RETURN in shown.stderr and "women_pct" in shown.stderr
    # diff.html, for the leadership, names the return by its unit and half-year, in words.
    diff_page = html_reader_text(working / "diff.html")
    assert "đổi: Báo cáo 6 tháng đầu năm 2017 của Đảng bộ huyện Điện Biên" in diff_page
    assert (
        "Từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)" in diff_page and "Đảng bộ huyện Điện Biên" in diff_page
    )
    assert "diff.csv" not in json.dumps(json.loads((working / "manifest.json").read_text(encoding="utf-8")))
    index = write_index(out / "reports", "Điện Biên").read_text(encoding="utf-8")
    assert "bản hiện tại khác v1" in index and f"published/{EDITION}/v1/bulletin.html" in index
    assert_in_words({"diff.html": diff_page, "index.html": html_reader_text(out / "reports" / "index.html")})

    # v2 opens with a revision note: the version it replaces, the reason, each headline figure old → new.
    reason = "Huyện Điện Biên sửa số đảng viên nữ"
    make("publish", f"PERIOD={EDITION}", "NUMBER=15", "DATE=2017-08-20", f"REASON={reason}", raw=raw_copy, out=out)
    assert _versions(out) == ["v1", "v2"]
    v2 = _published(out) / "v2"
    before, now = Indicators.read(v1 / "indicators.csv"), Indicators.read(v2 / "indicators.csv")
    expected = [
        f"{fmt.number(before.get(PROVINCE, 'period', 'women'))} → {fmt.number(now.get(PROVINCE, 'period', 'women'))}",
        f"{fmt.percent(before.get(PROVINCE, 'term_to_date', 'women_pct'))} → "
        f"{fmt.percent(now.get(PROVINCE, 'term_to_date', 'women_pct'))}",
    ]
    for text in (pdf_text(v2 / "bulletin.pdf"), pdf_text(v2 / "report.pdf"), docx_text(v2 / "report.docx")):
        assert "Thay thế phiên bản 1 phát hành ngày 15/07/2017" in text
        assert reason in text
        assert all(change in text for change in expected), text[:1500]
    assert "Bản sửa đổi" not in pdf_text(v1 / "bulletin.pdf")
    assert_in_words(reader_texts(v2))  # the revision note too
    index = (out / "reports" / "index.html").read_text(encoding="utf-8")  # rewritten by make publish
    assert index.index(f"{EDITION}/v2/") < index.index(f"{EDITION}/v1/") and "bản hiện tại khác" not in index
    assert digests(v1) == v1_files

    # Nothing changed since v2: nothing written. `make clean` leaves the published versions as they were.
    make("publish", f"PERIOD={EDITION}", raw=raw_copy, out=out)
    assert _versions(out) == ["v1", "v2"]
    everything = digests(out / "reports" / "published")
    make("clean", raw=raw_copy, out=out)
    assert not working.exists()
    assert digests(out / "reports" / "published") == everything

    # v2 rebuilt from the inputs its manifest records: byte-identical. v1's inputs are gone (corrected).
    verified = make("verify", f"PERIOD={EDITION}", "VERSION=2", raw=raw_copy, out=out)
    assert verified.stdout.count("Giống hệt") + verified.stderr.count("Giống hệt") == len(PUBLISHED_FILES) - 1
    refused = make("verify", f"PERIOD={EDITION}", "VERSION=1", raw=raw_copy, out=out, check=False)
    assert refused.returncode != 0 and f"đã khác: {CHANGED_RETURN}" in refused.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_build: Path) -> tuple[Path, Path]:
    """The sample's raw folder copied, and 2017H1 built from it (its half-years as already cleaned):
    (raw, out), copied by each test."""
    base = tmp_path_factory.mktemp("publishing")
    raw = base / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    shutil.copytree(sample_build / "processed", base / "out" / "processed")
    make("report", f"PERIOD={EDITION}", raw=raw, out=base / "out")
    return raw, base / "out"


def _copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    raw, out = built
    shutil.copytree(out, tmp_path / "out")
    return raw, tmp_path / "out"


def test_a_draft_is_not_published(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = _copy(built, tmp_path)
    refused = make("publish", f"PERIOD={EDITION}", "DRAFT=1", raw=raw, out=out, check=False)
    assert refused.returncode != 0
    assert "không phát hành bản nháp" in refused.stderr and "Traceback" not in refused.stderr
    assert _versions(out) == []


def test_diff_before_any_publication_says_so(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = _copy(built, tmp_path)
    said = make("diff", f"PERIOD={EDITION}", raw=raw, out=out, check=False)
    assert "chưa có phiên bản nào được phát hành" in said.stderr and "Traceback" not in said.stderr


@pytest.mark.parametrize("delay", [0.3, 1.0, 1.8, 2.6])
def test_a_killed_publish_leaves_no_partial_version(built: tuple[Path, Path], tmp_path: Path, delay: float) -> None:
    raw, out = _copy(built, tmp_path)
    make("report", f"PERIOD={EDITION}", raw=raw, out=out)  # up to date in its new place: publishing starts at once
    run = subprocess.Popen(
        make_command("publish", f"PERIOD={EDITION}", raw=raw, out=out),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    versions = _versions(out)
    assert versions in ([], ["v1"])
    if versions:  # complete: every file as its record says
        record = json.loads((_published(out) / "v1" / "publication.json").read_text(encoding="utf-8"))
        assert {
            name: digest for name, digest in digests(_published(out) / "v1").items() if name in record["files"]
        } == (record["files"])
    make("publish", f"PERIOD={EDITION}", raw=raw, out=out)
    assert _versions(out) == ["v1"]
    assert not [p for p in _published(out).iterdir() if p.name.startswith(".partial")]


def test_two_publishes_at_once_give_one_version(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = _copy(built, tmp_path)
    command = make_command("publish", f"PERIOD={EDITION}", raw=raw, out=out)
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"
    ]
    results = [(run.wait(timeout=600), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0], results
    assert _versions(out) == ["v1"]
    assert sum("không ghi phiên bản mới" in said for _, said in results) == 1


def test_a_published_version_altered_by_hand_is_reported(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = _copy(built, tmp_path)
    make("publish", f"PERIOD={EDITION}", raw=raw, out=out)
    altered = _published(out) / "v1" / "bulletin.html"
    altered.chmod(0o644)
    altered.write_text(altered.read_text(encoding="utf-8").replace("3.722", "3.723"), encoding="utf-8")
    before = digests(_published(out))
    refused = make("publish", f"PERIOD={EDITION}", "REASON=x", raw=raw, out=out, check=False)
    assert refused.returncode != 0 and "bulletin.html" in refused.stderr and "sửa bằng tay" in refused.stderr
    said = make("diff", f"PERIOD={EDITION}", raw=raw, out=out)
    assert "bulletin.html" in said.stderr and "sửa bằng tay" in said.stderr
    assert digests(_published(out)) == before


@pytest.fixture(scope="module")
def published_v1(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The build with v1 published: (raw, out), copied by each test."""
    raw, out = _copy(built, tmp_path_factory.mktemp("published"))
    make("publish", f"PERIOD={EDITION}", raw=raw, out=out)
    return raw, out


def _damaged_v1(published_v1: tuple[Path, Path], tmp_path: Path, damage: str) -> tuple[Folders, Path]:
    """A copy of the build with v1 published, then damaged by hand as `damage` says."""
    raw, out = _copy(published_v1, tmp_path)
    v1 = _published(out) / "v1"
    for path in v1.iterdir():
        path.chmod(0o644)
    if damage == "indicators removed":
        (v1 / "indicators.csv").unlink()
    elif damage == "manifest unreadable":
        (v1 / "manifest.json").write_bytes(b"\xff\xfe{")
    elif damage == "record unreadable":
        (v1 / "publication.json").write_text("{ not json", encoding="utf-8")
    elif damage == "record removed":
        (v1 / "publication.json").unlink()
    elif damage == "bulletin removed":
        (v1 / "bulletin.pdf").unlink()
    elif damage == "a copy taken for v2":  # its record is v1's: not the record of a v2
        shutil.copytree(v1, v1.parent / "v2")
    else:
        raise AssertionError(damage)
    return Folders(raw, out / "processed", out / "reports", ROOT / "notebooks"), out


@pytest.mark.parametrize(
    "damage",
    ["indicators removed", "manifest unreadable", "record unreadable", "record removed", "a copy taken for v2"],
)
def test_a_damaged_published_folder_is_refused_by_name(
    published_v1: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    """In-process: diff, publish and verify stop with the altered message before reading anything damaged;
    the index still renders, flagging the version; nothing in published/ changes."""
    folders, out = _damaged_v1(published_v1, tmp_path, damage)
    before = digests(_published(out))
    edition = parse_edition(EDITION)
    on_record = periods_on_record(folders.raw, until=edition.last)
    attempts = {
        "diff": lambda: diff(folders.reports, edition),
        "publish": lambda: publish(folders, edition, on_record, Publication.parse("", "", "x"), "in-process"),
        "verify": lambda: verify_version(folders, edition, "v2" if "v2" in damage else "1", "in-process"),
    }
    for command, attempt in attempts.items():
        with pytest.raises(StageFailed, match="sửa bằng tay") as refused:
            attempt()
        assert "v2" in str(refused.value) if "v2" in damage else "v1" in str(refused.value), command
    if "v2" in damage:  # the latest is damaged: diff names the one before
        with pytest.raises(StageFailed, match="Có thể so với phiên bản trước: FROM=v1"):
            diff(folders.reports, edition)
        changes = diff(folders.reports, edition, "v1")  # and compares with it
        assert changes == 0 and (folders.reports / EDITION / "diff.csv").is_file()
    if "record" in damage or "v2" in damage:
        index = write_index(folders.reports, "Điện Biên").read_text(encoding="utf-8")
        assert "⚠ bị sửa" in index
    assert digests(_published(out)) == before


def test_verify_says_which_published_file_is_gone(
    published_v1: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folders, _ = _damaged_v1(published_v1, tmp_path, "bulletin removed")
    v1 = versions(folders.reports, parse_edition(EDITION))[0]
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(published_v1[1] / "reports" / "published" / EDITION / "v1", rebuilt)
    assert compare(v1.folder, rebuilt, PUBLISHED_FILES, v1.name) == 1
    said = capsys.readouterr().err
    assert "KHÁC: bulletin.pdf (không còn trong v1)" in said and "Giống hệt: report.pdf" in said


def _visible_text(html: str) -> str:
    """What a reader sees of a page: its text, without its markup, styles or metadata."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.hidden += tag in ("style", "script")

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("style", "script")

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _git(checkout: Path) -> list[str]:
    return ["git", "-C", str(checkout), "-c", "user.name=Thử", "-c", "user.email=thu@example.org"]


def _head(checkout: Path) -> tuple[str, str]:
    """HEAD's commit and committer date (`2026-12-03`)."""
    commit, date = subprocess.run(
        [*_git(checkout), "log", "-1", "--format=%H %cs"], check=True, capture_output=True, text=True
    ).stdout.split()
    return commit, date


def test_the_code_version_in_words_and_only_committed_code_published(
    checkout: Path, sample_build: Path, tmp_path: Path
) -> None:
    """Changed code under pipeline/: the documents say the version in words (no hash, no `dirty`), the manifest
    names the file, publishing refuses. Committed: published, the commit in the files' metadata. A notebook
    edited (and not committed) publishes; the version holds it and `make verify` rebuilds it with it."""
    out = tmp_path / "out"
    shutil.copytree(sample_build / "processed", out / "processed")  # its half-years as already cleaned
    env = ("env", f"PYTHONPATH={checkout}")  # the copy's code, not the one the shared venv points to

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return make(*args, f"PERIOD={EDITION}", raw=SAMPLE_RAW, out=out, cwd=checkout, prefix=env, check=check)

    css = checkout / "pipeline" / "documents" / "templates" / "bulletin.css"
    css.write_text(css.read_text(encoding="utf-8") + "/* a change the bulletin shows */\n", encoding="utf-8")
    run("report")
    report = out / "reports" / EDITION
    code = json.loads((report / "manifest.json").read_text(encoding="utf-8"))["code"]
    commit, date = _head(checkout)
    assert (code["commit"], code["date"]) == (commit, date)
    assert code["changed_from_commit"] == ["pipeline/documents/templates/bulletin.css"]
    year, month, day = map(int, date.split("-"))
    texts = {
        "bulletin.html": _visible_text((report / "bulletin.html").read_text(encoding="utf-8")),
        "bulletin.pdf": pdf_text(report / "bulletin.pdf"),
        "report.pdf": pdf_text(report / "report.pdf"),
        "report.docx": docx_text(report / "report.docx"),
    }
    for name, text in texts.items():
        assert "dirty" not in text and commit[:7] not in text and code["sha256"][:7] not in text, name
    assert_in_words(reader_texts(report))  # no half-year code, no `dirty`, no return path either
    for name in ("bulletin.html", "bulletin.pdf"):
        assert f"phiên bản {pipeline.__version__}, ngày {day}-{month}-{year}" in texts[name], name
    refused = run("publish", check=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "chương trình" in refused.stderr and "pipeline/documents/templates/bulletin.css" in refused.stderr
    assert _versions(out) == []

    subprocess.run([*_git(checkout), "commit", "-q", "-am", "đổi kiểu"], check=True, capture_output=True)
    run("publish")
    v1 = _published(out) / "v1"
    commit, _ = _head(checkout)
    code = json.loads((v1 / "manifest.json").read_text(encoding="utf-8"))["code"]
    assert (code["commit"], code["changed_from_commit"]) == (commit, [])
    for name in ("bulletin.pdf", "report.pdf"):
        assert commit in pypdf.PdfReader(v1 / name).metadata["/Creator"], name
    assert commit in Document(v1 / "report.docx").core_properties.comments

    notebook = checkout / "notebooks" / "03_bulletin.ipynb"
    sentence = "Câu giải thích do chuyên viên viết thêm."
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace(
            "## Giải thích từ ngữ\\n", f"## Giải thích từ ngữ\\n\\n{sentence}\\n"
        ),
        encoding="utf-8",
    )
    edited = notebook.read_bytes()
    run("publish", "REASON=Sửa phần giải thích")
    v2 = _published(out) / "v2"
    assert sentence in _visible_text((v2 / "bulletin.html").read_text(encoding="utf-8"))
    assert (v2 / "notebooks" / "03_bulletin.ipynb").read_bytes() == edited
    subprocess.run([*_git(checkout), "checkout", "--", "notebooks"], check=True, capture_output=True)
    verified = run("verify", "VERSION=2")
    assert verified.stderr.count("Giống hệt") == len(PUBLISHED_FILES) - 1, verified.stderr
