"""No traceback for what the analyst did (issue 23): builds the analyst causes to be refused say why in
Vietnamese and nothing else, and Ctrl-C during a cold `make report` stops it cleanly, at any moment.

Ctrl-C is sent as a terminal sends it: SIGINT to the whole process group of `make` (started in a session of
its own), so make, the stage and the stage's children all receive it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from pipeline.common.layout import SHARED_CACHE_VARIABLE
from pipeline.documents.render import pdf
from testdata.workbook import sheet_named
from tests.conftest import ROOT, make, make_command

# What must never reach the analyst: a traceback, a Python exception's name, make's English failure lines.
NOT_FOR_THE_ANALYST = re.compile(
    r"Traceback|Exception|Error|Interrupt\b|KeyboardInterrupt|Deleting file|File \"|\bline \d+|recipe"
)
# The line make itself ends a failed recipe with: its own, in its own words, naming the target and the
# recipe's exit status (the stage's message above it says why). Only a signal would keep make from printing
# it, which would make a refusal look like a Ctrl-C.
MAKE_TRAILER = re.compile(r"^make(\[\d+\])?: \*\*\* \[Makefile:\d+: [^\]]+\] Error 1$", re.MULTILINE)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _refused(result: subprocess.CompletedProcess[str], expected: str) -> None:
    said = MAKE_TRAILER.sub("", result.stdout + result.stderr)
    assert result.returncode != 0, said
    assert expected in said, said
    assert VIETNAMESE.search(said), said
    assert not NOT_FOR_THE_ANALYST.search(said), said


def _edit_cell(path: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    sheet_named(book, sheet)[cell] = value
    book.save(path)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Refused by make itself, before any stage: (arguments, what the message says). 12 builds.
REFUSED_BY_MAKE = [
    (["PERIOD=17H1"], "PERIOD phải có dạng"),
    (["PERIOD=2017H3"], "PERIOD phải có dạng"),
    (["PERIOD=2017-H1"], "PERIOD phải có dạng"),
    (["PERIOD="], "PERIOD phải có dạng"),
    (["PERIOD=2019H1"], "Chưa có báo cáo của kỳ 2019H1"),
    (["PERIOD=2015H2"], "Chưa có báo cáo của kỳ 2015H2"),
    (["PERIOD=2017"], "Chưa có báo cáo của kỳ 2017"),
    (["PERIOD=2017H1", "ENGINE=jupyter"], "ENGINE phải là"),
    (["PERIOD=2017H1", "ENGINE="], "ENGINE phải là"),
    (["PERIOD=2017H1", "RAW_DIR=/nowhere/raw"], "Không thấy thư mục dữ liệu"),
    (["PERIOD=2016H2", "RAW_DIR=/nowhere/dữ liệu"], "Không thấy thư mục dữ liệu"),
    (["PERIOD=2017H1", "PROCESSED_DIR=/tmp/có dấu cách"], "không được chứa dấu cách"),
]


def test_refusals_by_make_print_no_traceback(tmp_path: Path) -> None:
    for arguments, expected in REFUSED_BY_MAKE:
        command = [*make_command("report", out=tmp_path), *arguments]  # later assignments win
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        _refused(result, expected)


def _return_with_a_word_for_a_count(raw: Path) -> None:
    _edit_cell(raw / "returns" / "2017H1" / "DBP_2017H1.xlsx", "ketnap", "C4", "bốn mươi")


def _half_year_removed(raw: Path) -> None:
    shutil.rmtree(raw / "returns" / "2016H1")


def _unknown_indicator(raw: Path) -> None:
    (raw / "commentary" / "2017H1.md").write_text("Tốt.\n{{ province.period.admited }}\n", encoding="utf-8")


def _unknown_unit(raw: Path) -> None:
    (raw / "commentary" / "2017H1.md").write_text("{{ units.XYZ.period.admitted }}\n", encoding="utf-8")


def _a_call(raw: Path) -> None:
    (raw / "commentary" / "2017H1.md").write_text("Số: {{ province.term_to_date.admitted() }}\n", encoding="utf-8")


def _bad_unit_kind(raw: Path) -> None:
    _replace(raw / "units.csv", ",bloc,0,", ",khoi,0,")


def _broken_province(raw: Path) -> None:
    _replace(raw / "province.toml", "=", "")


def _broken_form(raw: Path) -> None:
    (raw / "form.toml").write_text("[[sheet]\nname = \n", encoding="utf-8")


def _broken_targets(raw: Path) -> None:
    (raw / "targets.csv").write_text("không,phải,chỉ tiêu\n1,2\n", encoding="utf-8")


# Refused by a stage: (how the sample is spoilt, the editions built after it in turn, what the message
# says). Editions from the sample's own build: only what the change concerns runs again. 18 builds.
REFUSED_BY_STAGES: list[tuple[Callable[[Path], None], list[str], str]] = [
    # The gate (SPEC 4), after the cleaning: errors in a return, a half-year of the term missing.
    (_return_with_a_word_for_a_count, ["2017H1", "2017H1", "2017H1"], "bốn mươi"),
    (_half_year_removed, ["2017H1", "2016H2", "2017H1"], "Chưa có báo cáo kỳ 2016H1"),
    # The documents stage, once its PDF workers have started: the commentary.
    (_unknown_indicator, ["2017H1", "2017H1"], "không có chỉ tiêu"),
    (_unknown_unit, ["2017H1", "2017H1"], "không có đơn vị mã 'XYZ'"),
    (_a_call, ["2017H1"], "chỉ được ghi chỗ điền số liệu dạng tra cứu"),
    # The reference files, read by the cleaning.
    (_bad_unit_kind, ["2017H1", "2016H2"], "units.csv, dòng"),
    (_broken_province, ["2017H1"], "province.toml"),
    (_broken_form, ["2017H1", "2016H1"], "form.toml"),
    (_broken_targets, ["2016H2"], "targets.csv"),
]


@pytest.mark.parametrize(("spoil", "editions", "expected"), REFUSED_BY_STAGES, ids=lambda v: getattr(v, "__name__", ""))
def test_refusals_by_the_stages_print_no_traceback(
    spoil: Callable[[Path], None],
    editions: list[str],
    expected: str,
    sample_build: Path,
    raw_copy: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    shutil.copytree(sample_build, out, symlinks=True)
    spoil(raw_copy)
    for edition in editions:
        _refused(make("report", f"PERIOD={edition}", raw=raw_copy, out=out, check=False), expected)


# Ctrl-C during a cold build: at 10 evenly spaced moments.
@pytest.fixture(autouse=True)
def as_an_analyst_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each edition's caches in its own folder, as an analyst's builds keep them (not the run's shared ones):
    a stop may fall while a chart is drawn, and a stopped build's leftovers are looked for in `out`."""
    monkeypatch.delenv(SHARED_CACHE_VARIABLE, raising=False)


MOMENTS = 10
EDITION = "2017H1"
# What a stopped run may leave: the files a complete build writes (outputs, stamps, caches, executed
# notebooks), never one named as a temporary file (iorw's `.name.XXXX.tmp.csv`, mktemp's, an editor's).
CACHES = re.compile(r"^reports/[^/]+/(\.font-subsets/[0-9a-f]{64}\.ttf|\.charts/[^/]+)$")
TEMPORARY = re.compile(r"(^|/)(tmp|\.~)|\.tmp\b|\.layout\.[A-Za-z0-9]{6}$|\.partial|~$")


def _files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def _session_processes(session: int) -> list[str]:
    """The processes still in the session (make's own, started with `start_new_session`)."""
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) == session:
                left.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ProcessLookupError):  # ended meanwhile
            continue
    return left


def _start(out: Path) -> subprocess.Popen[str]:
    """A cold `make report`, as from a terminal: its own session and process group, Ctrl-C not ignored
    (pytest-xdist's workers ignore SIGINT, which a child would inherit)."""
    for folder in ("processed", "reports"):
        shutil.rmtree(out / folder, ignore_errors=True)
    return subprocess.Popen(
        make_command("report", f"PERIOD={EDITION}", out=out),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _interrupted(out: Path, moment: float) -> tuple[int, str] | float:
    """Start a cold build, send Ctrl-C to its process group `moment` seconds later; its exit and what it
    printed. When it had ended before: how long it took."""
    started = time.monotonic()
    run = _start(out)
    while run.poll() is None and time.monotonic() - started < moment:
        time.sleep(0.02)
    if run.poll() is not None:
        run.communicate()
        return time.monotonic() - started
    os.killpg(run.pid, signal.SIGINT)
    said, _ = run.communicate(timeout=120)
    deadline = time.monotonic() + 10  # the last children may still be exiting
    while (left := _session_processes(run.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"at {moment:.1f} s, processes left: {left}"
    return run.returncode, said


def _outputs(out: Path) -> tuple[bytes, str]:
    report = out / "reports" / EDITION
    return (report / "indicators.csv").read_bytes(), (report / "bulletin.html").read_text(encoding="utf-8")


def _documents(out: Path) -> dict[str, bytes]:
    report = out / "reports" / EDITION
    return {name: (report / name).read_bytes() for name in ("bulletin.html", "bulletin.pdf", "report.pdf")}


def _difference(expected: str, made: str) -> str:
    return "".join(list(difflib.unified_diff(expected.splitlines(True), made.splitlines(True), n=1))[:80])


def _left_in(system_tmp: Path) -> list[str]:
    """What the builds left in the system's temporary folder (TMPDIR), but the fontconfig file of the product's
    fonts, kept there on purpose (`pdf.fontconfig_folder`)."""
    return sorted(p.name for p in system_tmp.iterdir() if p != pdf.fontconfig_folder(system_tmp))


def test_ctrl_c_at_any_moment_of_a_cold_report_stops_it_cleanly(
    tmp_path: Path, sample_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, system_tmp = tmp_path / "out", tmp_path / "tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))  # the builds' own, to find what they leave there
    started = time.monotonic()
    clean = _start(out)
    progress, _ = clean.communicate(timeout=600)
    cold = time.monotonic() - started
    assert clean.returncode == 0, progress
    written, expected = _files(out), _outputs(out)
    # Every chart drawn here, in this edition's own caches; the run's other builds share theirs: the same bytes.
    assert _documents(out) == _documents(sample_build)
    # The lines of a whole build: a stopped run may have printed some of them before the stop (its last one
    # too, when the stop comes as make prints it).
    before_the_stop = set(progress.splitlines())
    assert not {name for name in written if TEMPORARY.search(name)}, written  # the check can tell them
    assert not _left_in(system_tmp), _left_in(system_tmp)

    said_stopped = []
    for i in range(1, MOMENTS + 1):
        # A build that ends before its moment was quicker than the ones before (the machine is shared, and its
        # load falls as the run ends: CI saw one end in 4.0 s, its moment at 4.6 s). The moments are spaced
        # again on its time, a little under it, since the next build may be quicker still.
        for _ in range(5):
            moment = i * cold / (MOMENTS + 1)
            outcome = _interrupted(out, moment)
            if not isinstance(outcome, float):
                break
            cold = min(cold, outcome) * 0.95
        assert not isinstance(outcome, float), f"every build ended before its moment ({moment:.1f} s)"
        status, said = outcome
        # make dies of SIGINT (as a shell shows it, 130), whoever stopped first.
        assert status in (-signal.SIGINT, 128 + signal.SIGINT), f"at {moment:.1f} s: exit {status}\n{said}"
        lines = said.splitlines()
        stops = [n for n, line in enumerate(lines) if line.startswith("Đã dừng")]
        # Nothing but «Đã dừng…», once, after the lines the build had printed before: no traceback, no
        # make line («*** … Interrupt», «Error 130», «Deleting file»).
        assert len(stops) <= 1, f"at {moment:.1f} s:\n{said}"
        assert all(line in before_the_stop for line in lines[: stops[0] if stops else None]), (
            f"at {moment:.1f} s:\n{said}"
        )
        assert not stops or stops[0] == len(lines) - 1, f"at {moment:.1f} s:\n{said}"
        said_stopped.append(bool(stops))
        left = _files(out)
        assert not {name for name in left if TEMPORARY.search(name)}, f"at {moment:.1f} s, left: {sorted(left)}"
        # Else only what a whole build writes, or an entry of a cache kept by content (a font subset of a PDF
        # cut short, say: named by what it is made from, and written whole or not at all).
        unknown = {name for name in left - written if not CACHES.search(name)}
        assert not unknown, f"at {moment:.1f} s, left: {sorted(unknown)}"
        assert not _left_in(system_tmp), f"at {moment:.1f} s, left in TMPDIR: {_left_in(system_tmp)}"
        # Then the same command finishes the build, as a clean build does: nothing stale passed for fresh.
        make("report", f"PERIOD={EDITION}", out=out)
        indicators, html = _outputs(out)
        assert indicators == expected[0], f"after a stop at {moment:.1f} s"
        assert html == expected[1], f"after a stop at {moment:.1f} s:\n{_difference(expected[1], html)}\n{said}"
    # A stop that falls while make reads the Makefile or between two recipes leaves make to stop alone,
    # silently; once the stage has started, it says it stopped.
    assert all(said_stopped[-7:]), said_stopped
