"""The Makefile states no fact that Python owns: the calendar of half-years and editions, the state files'
names and the outputs come from `pipeline.execution.make_facts`; `make verify` without VERSION is Python's
comparison, said as with VERSION; `make clean` removes what Python says the pipeline derived."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.common import layout
from pipeline.common.periods import editions_on_record, periods_on_record
from pipeline.execution.make_facts import RefusedError, check
from tests.conftest import ROOT, SAMPLE_RAW, make, make_command

# Every name of a file or folder the pipeline keeps that make once wrote itself.
NAMES = (
    layout.INPUTS_FILE,
    layout.ON_RECORD_FILE,
    layout.CODE_VERSION_FILE,
    layout.OPTIONS_FILE,
    layout.COMMENTARY_DIGEST_FILE,
    layout.MAKE_FACTS_FILE,
    layout.FIGURES_FILE,
    layout.MANIFEST_FILE,
    layout.INDEX_FILE,
    layout.RETURNS_DIR + "/",
    layout.COMMENTARY_DIR + "/",
    *layout.NOTEBOOKS.values(),
)
# A half-year or a year written as a pattern: `[0-9][0-9][0-9][0-9]H[12]`, `^[0-9]{4}(H[12])?$`, `%H1`.
CALENDAR_PATTERNS = re.compile(r"H\[12\]|\[0-9\]\{4\}|(?:\[0-9\]){4}|%H[12]|:H[12]=")


def _makefile_code() -> str:
    """The Makefile without its comments (which may name files to explain them) and help lines."""
    return "\n".join(line.split("#", 1)[0] for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines())


def test_the_makefile_holds_no_state_file_name_nor_calendar() -> None:
    code = _makefile_code()
    assert not [name for name in NAMES if name in code]
    assert not [m.group(0) for m in CALENDAR_PATTERNS.finditer(code)]
    assert "cmp " not in code  # `make verify` compares in Python


def _made_variables(raw: Path, out: Path) -> dict[str, str]:
    """The variables of make's database once the Makefile is read (`make -pn`), as they are expanded."""
    done = subprocess.run(
        make_command("-pn", "reports", raw=raw, out=out), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return dict(re.findall(r"^([A-Z_0-9]+) :?= ?(.*)$", done.stdout, re.MULTILINE))


@pytest.mark.parametrize(
    ("folders", "editions"),
    [
        (("2016H1", "2017H1", "2018H2"), ["2016H1", "2017H1", "2018H2"]),
        (("2016H1", "2016H2", "2018H2"), ["2016H1", "2016H2", "2018H2", "2016"]),
    ],
)
def test_the_calendar_make_uses_is_periods_py_s(tmp_path: Path, folders: tuple[str, ...], editions: list[str]) -> None:
    raw = tmp_path / "dữ liệu thô"  # RAW_DIR may hold spaces
    for name in (*folders, "2017H3", "ghi chú"):
        (raw / "returns" / name).mkdir(parents=True)
    (raw / "returns" / "2019H1").write_text("a file, not a folder", encoding="utf-8")
    made = _made_variables(raw, tmp_path / "out")

    on_record = periods_on_record(raw)
    assert made["ON_RECORD"].split() == [str(p) for p in on_record] == list(folders)
    python_editions = editions_on_record(on_record)
    assert made["EDITIONS"].split() == [str(e) for e in python_editions] == editions
    for edition in python_editions:
        reads = [str(p) for p in on_record if p <= edition.last]
        assert made[f"READS_{edition}"].split() == reads
        assert made[f"LAST_HALF_{edition}"] == str(edition.last)
    # The state files are where layout.py says, in the folders make was given.
    out = tmp_path / "out"
    assert (out / "processed" / layout.ON_RECORD_FILE).read_text(encoding="utf-8").split() == list(folders)
    assert all((out / "processed" / name / layout.INPUTS_FILE).is_file() for name in folders)
    assert (out / "reports" / layout.CODE_VERSION_FILE).is_file()


def test_a_removed_half_year_leaves_the_calendar_without_make_starting_over(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for name in ("2016H1", "2016H2"):
        (raw / "returns" / name).mkdir(parents=True)
    out = tmp_path / "out"
    assert _made_variables(raw, out)["EDITIONS"].split() == ["2016H1", "2016H2", "2016"]
    facts = out / "processed" / layout.MAKE_FACTS_FILE
    written = facts.stat().st_mtime_ns
    assert _made_variables(raw, out)["EDITIONS"].split() == ["2016H1", "2016H2", "2016"]
    assert facts.stat().st_mtime_ns == written  # the same facts: not written again
    shutil.rmtree(raw / "returns" / "2016H2")
    assert _made_variables(raw, out)["EDITIONS"].split() == ["2016H1"]
    assert (out / "processed" / layout.ON_RECORD_FILE).read_text(encoding="utf-8").split() == ["2016H1"]


def test_verify_without_version_compares_in_python(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("processed", "reports"):
        shutil.copytree(sample_build / name, out / name, symlinks=True)
    altered = out / "reports" / "2016H1" / layout.ANNEX_XLSX
    altered.write_bytes(altered.read_bytes() + b"\0")
    done = make("verify", "PERIOD=2016H1", out=out, check=False)
    assert done.returncode == 2, done.stdout + done.stderr  # make's status for a recipe that failed
    said = done.stderr
    compared = [name for name in layout.EDITION_OUTPUTS if name != layout.MANIFEST_FILE]
    for name in compared:
        expected = f"KHÁC: {name}" if name == layout.ANNEX_XLSX else f"Giống hệt: {name} ("
        assert expected in said, said
    assert said.count("Giống hệt: ") == len(compared) - 1
    assert "Traceback" not in said


def test_clean_removes_what_python_says_was_derived(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(sample_build / "reports", out / "reports", symlinks=True)
    shutil.copytree(sample_build / "processed", out / "processed", symlinks=True)
    (out / "reports" / layout.PUBLISHED_DIR / "2016H1").mkdir(parents=True)
    (out / "reports" / "ghi chú").mkdir()
    make("clean", out=out)
    assert sorted(p.name for p in (out / "processed").iterdir() if not p.name.startswith(".")) == []
    left = sorted(p.name for p in (out / "reports").iterdir() if not p.name.startswith("."))
    assert left == sorted([layout.PUBLISHED_DIR, "ghi chú"])
    assert not (out / "processed" / layout.ON_RECORD_FILE).exists()


def test_clean_then_report_in_one_run_writes_what_make_watches_again(tmp_path: Path) -> None:
    """The files make watches are written while it reads the Makefile; `make clean report` removes them after
    that, and the report's rule has them written again (the stage itself stands in for `true`)."""
    raw = tmp_path / "raw"
    (raw / "returns" / "2016H1").mkdir(parents=True)
    out = tmp_path / "out"
    make("report", "PERIOD=2016H1", "STAGE=true", raw=raw, out=out)
    done = make("clean", "report", "PERIOD=2016H1", "STAGE=true", raw=raw, out=out)
    assert "Kỳ 2016H1:" in done.stdout
    assert (out / "processed" / layout.ON_RECORD_FILE).read_text(encoding="utf-8") == "2016H1\n"
    assert (out / "processed" / "2016H1" / layout.INPUTS_FILE).is_file()


@pytest.mark.parametrize(
    ("period", "checks", "said"),
    [
        ("2017H1", ["raw"], "Không thấy thư mục dữ liệu RAW_DIR='{raw}/nowhere' (cần province.toml, units.csv, "),
        (" 2016H1", ["edition:report"], "PERIOD phải có dạng YYYYH1 hoặc YYYYH2 (bản tin 6 tháng) hoặc YYYY"),
        ("٢٠١٦H1", ["edition:report"], "ví dụ: make report PERIOD=2017H1 (đã nhận: '٢٠١٦H1')"),
        ("2017", ["edition:publish"], "Chưa có báo cáo của kỳ 2017: không thấy thư mục {raw}/returns/2017H2 (bản"),
        ("2018", ["edition:lab"], "thư mục {raw}/returns/2018H1, {raw}/returns/2018H2 (bản tin năm cần báo cáo"),
        ("2016", ["half-year:templates"], "PERIOD phải có dạng YYYYH1 hoặc YYYYH2, ví dụ: make templates PERIOD"),
        ("2017H2", ["half-year:validate", "on-record"], "Chưa có báo cáo của kỳ 2017H2: không thấy thư mục"),
    ],
)
def test_each_refusal_names_what_is_wrong(tmp_path: Path, period: str, checks: list[str], said: str) -> None:
    raw = tmp_path / "raw"
    for name in ("2016H1", "2016H2", "2017H1"):
        (raw / "returns" / name).mkdir(parents=True)
    folder = raw / "nowhere" if checks == ["raw"] else raw
    with pytest.raises(RefusedError) as refused:
        check(folder, periods_on_record(folder), period, checks)
    assert said.format(raw=raw) in str(refused.value)


@pytest.mark.parametrize("period", ["2016H1", "2016H2", "2017H1", "2016"])
def test_an_edition_on_record_is_not_refused(period: str) -> None:
    check(SAMPLE_RAW, periods_on_record(SAMPLE_RAW), period, ["raw", "edition:report"])
