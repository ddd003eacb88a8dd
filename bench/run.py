"""The benchmark: `make bench` (or `python bench/run.py`) measures the cases of issue 5 and writes RESULTS.md.

Every case is a separate process, timed from start to exit (wall time); its peak memory is the largest
resident set of any process of its tree (`wait4`'s `ru_maxrss`). Each case runs `--runs` times (5 by
default), and the results give the median and the range. The cases that are compared with each other
(cold and naive; `-j1` and `-j2`) take turns, so that a slower moment of the machine falls on both.

`--tiny` runs every case once on the smallest inputs (one half-year, a few workbooks, two provinces):
the smoke test uses it so that the benchmark cannot rot. Its figures mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from bench import workloads  # noqa: E402
from pipeline.common.layout import SHARED_CACHE_VARIABLE  # noqa: E402
from pipeline.common.periods import parse, periods_on_record  # noqa: E402
from testdata.preview_client import Preview, processes_reading  # noqa: E402
from testdata.province import write_province  # noqa: E402

VENV_BIN = Path(sys.executable).parent
# A module imported at the top level of a process, in the output of `python -X importtime`.
IMPORTED = re.compile(r"^import time:\s*\d+ \|\s*\d+ \| (\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Sizes:
    runs: int
    intake_workbooks: int
    provinces: int
    units: int
    half_years: int
    communes: int  # of the reorganised province (testdata/province.py), besides its three provincial units


FULL = Sizes(runs=5, intake_workbooks=1000, provinces=63, units=15, half_years=20, communes=120)
TINY = Sizes(runs=1, intake_workbooks=15, provinces=2, units=3, half_years=2, communes=4)
REORGANISED_PERIOD = "2025H2"


@dataclass
class Run:
    seconds: float
    peak_mib: float
    output: str = ""


@dataclass
class Case:
    name: str
    what: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak(self) -> float:
        return max(r.peak_mib for r in self.runs)


def measure(command: list[str], *, env: dict[str, str] | None = None) -> Run:
    """Run `command` to its end; wall time and the peak resident memory of its process tree."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{text}")
    return Run(seconds, usage.ru_maxrss / 1024, text)


class Bench:
    def __init__(self, sizes: Sizes, raw: Path, period: str, work: Path) -> None:
        self.sizes, self.raw, self.period, self.work = sizes, raw, period, work
        self.cases: dict[str, Case] = {}
        self.notes: dict[str, object] = {}

    def case(self, name: str, what: str) -> Case:
        return self.cases.setdefault(name, Case(name, what))

    def make(self, *goals: str, raw: Path | None = None, out: str = "out", jobs: int = 1) -> list[str]:
        folder = self.work / out
        return [
            "make",
            "--no-print-directory",
            f"-j{jobs}",
            *goals,
            f"RAW_DIR={raw or self.raw}",
            f"PROCESSED_DIR={folder / 'processed'}",
            f"REPORTS_DIR={folder / 'reports'}",
        ]

    def fresh(self, out: str = "out") -> None:
        shutil.rmtree(self.work / out, ignore_errors=True)

    def repeat(self, name: str, what: str, command: Callable[[], list[str]], before: Callable[[int], None]) -> None:
        case = self.case(name, what)
        for number in range(self.sizes.runs):
            before(number)
            case.runs.append(measure(command()))

    # 1. What importing the pipeline costs, and nothing else: the modules a cold report imported.
    def floor(self) -> None:
        self.fresh("probe")
        probe = measure(
            self.make("report", f"PERIOD={self.period}", out="probe"), env=os.environ | {"PYTHONPROFILEIMPORTTIME": "1"}
        )
        modules = list(dict.fromkeys(IMPORTED.findall(probe.output)))
        modules = [m for m in modules if not m.endswith("__main__")]  # `python -m pipeline`'s entry: it would run
        self.notes["floor_modules"] = len(modules)
        # Some were only tried (IPython looks for `black`, which is not installed): tried here too.
        code = f"import importlib\nfor name in {modules!r}:\n    try:\n        importlib.import_module(name)\n"
        code += "    except ImportError:\n        pass\n"
        self.repeat(
            "floor",
            f"a Python process importing the {len(modules)} modules a cold `make report` imported (by `-X importtime`)",
            lambda: [sys.executable, "-c", code],
            lambda _: None,
        )

    # 2 and 3, taking turns: the report by make, then the same after a change of its commentary (each pair
    # measured minutes apart at most, so that the machine's slower and faster spells fall on both alike); the
    # same notebooks chained by the plain CLIs; and the report of a province as it is since 2025
    # (testdata/province.py), with its many units.
    def cold_and_naive(self) -> None:
        cold = self.case("cold", f"`make report PERIOD={self.period}`, processed data and reports removed")
        commentary = self.case(
            "commentary",
            "the same report just made, after its commentary changed (a sentence added): the documents alone",
        )
        naive = self.case(
            "naive",
            "the same notebooks by the plain CLIs: `papermill` (01_clean for each half-year on record, 02, 03), "
            "`jupyter nbconvert --to html`, `weasyprint`",
        )
        units = self.sizes.communes + 3
        reorganised = self.case(
            f"cold {units} units",
            f"`make report PERIOD={REORGANISED_PERIOD}` of the reorganised province of testdata/province.py: {units} "
            "units (communes and provincial units), its retired districts and blocs, 2024H1–2025H2, from nothing",
        )
        province = write_province(self.work / "raw-reorganised", communes=self.sizes.communes)
        self.notes["reorganised_units"] = units
        raw = self._raw_copy()
        notes = raw / "commentary" / f"{self.period}.md"
        words = notes.read_text(encoding="utf-8") if notes.is_file() else None
        for _ in range(self.sizes.runs):
            self.fresh()
            self._write_commentary(notes, words)
            cold.runs.append(measure(self.make("report", f"PERIOD={self.period}", raw=raw)))
            self._write_commentary(notes, (words or "") + "\nMột câu thêm.\n")
            commentary.runs.append(measure(self.make("report", f"PERIOD={self.period}", raw=raw)))
            self.fresh("naive")
            naive.runs.append(measure(["bash", "-euo", "pipefail", "-c", self._naive_script()], env=self._venv_env()))
            self.fresh("reorganised")
            reorganised.runs.append(
                measure(self.make("report", f"PERIOD={REORGANISED_PERIOD}", raw=province, out="reorganised"))
            )
        self._write_commentary(notes, words)

    @staticmethod
    def _write_commentary(notes: Path, words: str | None) -> None:
        """The edition's commentary as given (None: no commentary file)."""
        if words is None:
            notes.unlink(missing_ok=True)
        else:
            notes.parent.mkdir(exist_ok=True)
            notes.write_text(words, encoding="utf-8")

    def _raw_copy(self) -> Path:
        """The sample's raw folder, copied: the cases that change an input change the copy."""
        raw = self.work / "raw"
        if not raw.is_dir():
            shutil.copytree(self.raw, raw)
        return raw

    def _venv_env(self) -> dict[str, str]:
        return os.environ | {"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    def _naive_script(self) -> str:
        out = self.work / "naive"
        halves = [str(p) for p in periods_on_record(self.raw, until=parse(self.period))]
        common = f"-p raw_dir '{self.raw}' -p processed_dir '{out}/processed'"
        lines = [f"mkdir -p '{out}'"]
        for half in halves:
            lines.append(
                f"papermill --no-progress-bar notebooks/01_clean.ipynb '{out}/01_clean_{half}.ipynb' -p period {half} {common}"
            )
        report = f"-p period {self.period} {common} -p reports_dir '{out}/reports'"
        lines.append(f"papermill --no-progress-bar notebooks/02_indicators.ipynb '{out}/02_indicators.ipynb' {report}")
        lines.append(
            f"papermill --no-progress-bar notebooks/03_bulletin.ipynb '{out}/03_bulletin.ipynb' {report} -p draft False"
        )
        lines.append(f"jupyter nbconvert --to html --no-input '{out}/03_bulletin.ipynb' --output-dir '{out}'")
        lines.append(f"weasyprint '{out}/03_bulletin.html' '{out}/bulletin.pdf'")
        return " 2>&1\n".join(lines) + " 2>&1\n"

    # 4 and 5: a second run with nothing to do; one return changed, or only saved again.
    def reruns(self) -> None:
        raw = self._raw_copy()
        target = sorted((raw / "returns" / self.period).glob("*.xlsx"))[0]
        original = target.read_bytes()
        book = openpyxl.load_workbook(target)
        book[book.sheetnames[0]]["B5"] = "Người lập khác"  # Thông tin: who prepared it; no figure changes
        book.save(target)
        changed = target.read_bytes()
        target.write_bytes(original)
        self.notes["changed_return"] = target.relative_to(raw).as_posix()
        command = lambda: self.make("report", f"PERIOD={self.period}", raw=raw)  # noqa: E731
        measure(command())  # up to date first (from the report cold_and_naive left, its commentary restored)
        self.repeat("no-op", f"`make report PERIOD={self.period}` again", command, lambda _: None)
        self.repeat(
            "touched",
            "the same, after one return was saved again unchanged (new time, same content)",
            command,
            lambda _: os.utime(target),
        )
        self.repeat(
            "changed",
            "the same, after one return changed (its preparer's name)",
            command,
            lambda number: target.write_bytes(changed if number % 2 == 0 else original),
        )
        target.write_bytes(original)

    # 6. Every bulletin, with one job and with two, taking turns.
    def parallel(self) -> None:
        one = self.case("reports -j1", "`make -j1 reports` (every edition on record), from nothing")
        two = self.case("reports -j2", "`make -j2 reports`, the same")
        for _ in range(self.sizes.runs):
            self.fresh()
            one.runs.append(measure(self.make("reports", jobs=1)))
            self.fresh()
            two.runs.append(measure(self.make("reports", jobs=2)))

    # 7 and 8: the Python entry points on many returns, each workload in a process of its own.
    def intake(self) -> None:
        folder = workloads.make_intake(
            self.raw,
            self.work / "out" / "processed",
            parse(self.period),
            self.work / "intake",
            self.sizes.intake_workbooks,
        )
        command = [sys.executable, str(ROOT / "bench" / "workloads.py"), "intake", str(folder)]
        self.repeat(
            "intake",
            f"{self.sizes.intake_workbooks} workbooks made from the template, read and checked",
            lambda: command,
            lambda _: None,
        )

    def national(self) -> None:
        s = self.sizes
        root = workloads.make_national(
            self.raw,
            self.work / "out" / "processed",
            parse(self.period),
            self.work / "national",
            s.provinces,
            s.units,
            s.half_years,
        )
        command = [
            sys.executable,
            str(ROOT / "bench" / "workloads.py"),
            "national",
            str(root),
            "--out",
            str(self.work / "national-out"),
        ]
        self.repeat(
            "national",
            f"{s.provinces} provinces × {s.units} units × {s.half_years} half-years of CSV exports: every half-year "
            "cleaned, then the indicators of the last one (Python entry points, no rendering)",
            lambda: command,
            lambda _: None,
        )

    # 9 and 10: `make preview`, warm: from the save of a file to the page's reload event, as an event-stream
    # client (a browser's EventSource) receives it. The commentary changed (a new sentence each time), then one
    # figure of one return (a new value each time), each once the build before has ended.
    def preview(self) -> None:
        commentary = self.case(
            "preview commentary",
            f"`make preview PERIOD={self.period}` running: the commentary saved with a new sentence → the page's "
            "reload event",
        )
        changed = self.case(
            "preview return",
            "the same, one return saved with a figure changed (the women admitted, a new value each time, so its "
            "charts are drawn again): cleaning, indicators, documents → the reload event",
        )
        raw = self.work / "raw-preview"
        shutil.rmtree(raw, ignore_errors=True)
        shutil.copytree(self.raw, raw)
        notes = raw / "commentary" / f"{self.period}.md"
        notes.parent.mkdir(exist_ok=True)
        words = notes.read_text(encoding="utf-8") if notes.is_file() else ""
        target = sorted((raw / "returns" / self.period).glob("*.xlsx"))[0]
        original = target.read_bytes()
        edited = []  # each run a figure not seen before: the charts that show it are drawn again, not cached
        for number in range(self.sizes.runs):
            book = openpyxl.load_workbook(target)
            admitted = book[book.sheetnames[1]]  # Kết nạp: C4 is the women among those admitted
            admitted["C4"] = int(admitted["C4"].value) + number + 1
            book.save(target)
            edited.append(target.read_bytes())
            target.write_bytes(original)
        self.fresh("preview")
        preview = Preview(raw, self.work / "preview", period=self.period)
        try:
            events = preview.events()
            events.until("state", ok=True, idle=True)
            for number in range(self.sizes.runs):
                commentary.runs.append(
                    self._until_reload(preview, events, raw, notes, f"{words}\nCâu thêm số {number}.\n".encode())
                )
            for content in edited:
                changed.runs.append(self._until_reload(preview, events, raw, target, content))
            events.close()
        finally:
            preview.stop()
        self.notes["preview_return"] = target.relative_to(raw).as_posix()

    @staticmethod
    def _until_reload(preview: Preview, events: object, raw: Path, path: Path, content: bytes) -> Run:
        """Seconds from the end of the save of `path` to the reload event; then the build is let finish."""
        time.sleep(0.5)  # the watcher's view settled after the last build
        path.write_bytes(content)
        saved = time.perf_counter()
        state = events.until("reload")  # type: ignore[attr-defined]
        seconds = time.perf_counter() - saved
        assert state["status"] == "ok", preview.log.read_text(encoding="utf-8")
        if state["building"]:
            events.until("state", idle=True)  # type: ignore[attr-defined]
        return Run(seconds, max((_peak_mib(pid) for pid in processes_reading(raw)), default=0.0))

    def run(self) -> None:
        self.floor()
        self.cold_and_naive()
        self.reruns()
        self.parallel()
        # The sample's cleaned figures fill the synthetic returns: the last `make reports` above left them.
        self.intake()
        self.national()
        self.preview()


def _peak_mib(pid: int) -> float:
    """The largest resident set a live process has had (VmHWM), in MiB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} cores, {int(memory) / 1024**2:.1f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short=12", "HEAD") + (" (with uncommitted changes)" if dirty else "")


def _json(case: Case) -> list[dict[str, object]]:
    return [json.loads(r.output.strip().splitlines()[-1]) for r in case.runs]


def preview_checks(bench: Bench) -> list[tuple[str, str, bool]]:
    c = bench.cases
    commentary, changed = c["preview commentary"].median, c["preview return"].median
    return [
        ("preview commentary ≤ 1.0 s (save → reload event)", f"{commentary:.3f} s", commentary <= 1.0),
        ("preview return ≤ 2.0 s (save → reload event)", f"{changed:.3f} s", changed <= 2.0),
    ]


def _case_row(case: Case) -> str:
    times = [r.seconds for r in case.runs]
    return f"| {case.name} | {case.what} | {case.median:.3f} | {min(times):.3f}–{max(times):.3f} | {case.peak:.0f} |"


def merge_preview(text: str, bench: Bench) -> str:
    """RESULTS.md with the preview cases (`--only preview`) measured again: their rows and targets replaced,
    or added after the others, and a line saying when."""
    lines = text.splitlines()
    rows = {name: _case_row(bench.cases[name]) for name in ("preview commentary", "preview return")}
    targets = {t: f"| {t} | {m} | {'yes' if met else '**no**'} |" for t, m, met in preview_checks(bench)}
    for table, new in (("| case |", rows), ("| target |", targets)):
        start = next(i for i, line in enumerate(lines) if line.startswith(table))
        end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
        kept = [line for line in lines[start:end] if not any(line.startswith(f"| {key} |") for key in new)]
        lines[start:end] = kept + list(new.values())
    note = (
        f"The preview cases were measured on their own (`python bench/run.py --only preview`) on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}: {bench.sizes.runs} runs each; the return "
        f"changed is `{bench.notes['preview_return']}`."
    )
    lines = [line for line in lines if not line.startswith("The preview cases were measured")]
    at = next(i for i, line in enumerate(lines) if line.startswith("The return changed in the"))
    lines[at + 1 : at + 1] = ["", note]
    return "\n".join(lines) + "\n"


def report(bench: Bench, tiny: bool) -> str:
    c = bench.cases
    floor, cold, naive = c["floor"].median, c["cold"].median, c["naive"].median
    units = bench.notes["reorganised_units"]
    reorganised = c[f"cold {units} units"].median
    j1, j2 = c["reports -j1"].median, c["reports -j2"].median
    intake = statistics.median(r["per_second"] for r in _json(c["intake"]))
    national = _json(c["national"])
    per_province = statistics.median(r["per_province_median"] for r in national)
    national_memory = max(r["memory_bound_mib"] for r in national)
    jobs = national[0]["jobs"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python bench/run.py`); see `bench/run.py` for how each case is measured.",
        "",
        f"- Machine: {_machine()}",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {_commit()}",
        f"- Runs per case: {bench.sizes.runs}; report period {bench.period}; sample data in `{bench.raw.relative_to(ROOT) if bench.raw.is_relative_to(ROOT) else bench.raw}`",
    ]
    if tiny:
        lines += ["", "**Tiny sizes (smoke test): these figures mean nothing.**"]
    lines += [
        "",
        "| case | what | median (s) | min–max (s) | peak memory (MiB) |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [_case_row(case) for case in c.values()]
    checks = [
        (
            "cold, five documents, ≤ 3.5 × floor",
            f"{cold:.2f} s = {cold / floor:.2f} × floor ({floor:.2f} s)",
            cold <= 3.5 * floor,
        ),
        ("cold ≤ 0.7 × naive", f"{cold:.2f} s = {cold / naive:.2f} × naive ({naive:.2f} s)", cold <= 0.7 * naive),
        (
            f"{units} units ≤ 1.5 × cold",
            f"{reorganised:.2f} s = {reorganised / cold:.2f} × cold ({cold:.2f} s)",
            reorganised <= 1.5 * cold,
        ),
        ("no-op ≤ 0.3 s", f"{c['no-op'].median:.3f} s", c["no-op"].median <= 0.3),
        ("touched ≤ 0.5 s", f"{c['touched'].median:.3f} s", c["touched"].median <= 0.5),
        ("changed ≤ cold", f"{c['changed'].median:.2f} s (cold {cold:.2f} s)", c["changed"].median <= cold),
        (
            "commentary ≤ 0.5 × cold",
            f"{c['commentary'].median:.2f} s = {c['commentary'].median / cold:.2f} × cold",
            c["commentary"].median <= 0.5 * cold,
        ),
        ("-j2 ≤ 0.65 × -j1", f"{j2:.2f} s = {j2 / j1:.2f} × {j1:.2f} s", j2 <= 0.65 * j1),
        (
            "intake ≥ 100 workbooks/s",
            f"{intake:.0f} workbooks/s (median of the runs' read-and-check time)",
            intake >= 100,
        ),
        *preview_checks(bench),
        (
            "national ≤ 15 s, ≤ 2 GiB",
            f"{c['national'].median:.2f} s; {national_memory:.0f} MiB (sum of the peaks of its {jobs + 1} processes)",
            c["national"].median <= 15 and national_memory <= 2048,
        ),
    ]
    lines += ["", "| target | measured (medians) | met |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in checks]
    province_count = bench.sizes.provinces
    lines += [
        "",
        f"The return changed in the `changed` case is `{bench.notes['changed_return']}`. Intake: the median of the runs' "
        "own timing of reading and checking (imports excluded); the wall time above includes the process's start. "
        "Peak memory in the first table is that of the largest process of a case's tree; the national case runs "
        "its provinces in worker processes at once, so its target is checked against the sum of their peaks.",
        "",
        "## Beyond one machine",
        "",
        f"Measured here, one province's {bench.sizes.units} units × {bench.sizes.half_years} half-years cost {per_province:.2f} s of one core "
        f"through cleaning and indicators (median per province), and {province_count} provinces take "
        f"{c['national'].median:.1f} s with {jobs} worker processes. A province's bulletin from nothing (`cold`) takes "
        f"{cold:.1f} s, so rendering all {province_count} bulletins would take about {province_count * cold / jobs / 60:.1f} "
        f"minutes on this machine's {jobs} cores. Provinces share nothing but the "
        "code, so the work splits by province: beyond one machine it needs a shared, read-only store of the raw returns "
        "(each province's folder as it is now), a queue of (province, period) jobs run by `make report` on each worker, "
        "and a place to collect each province's `indicators.csv` and `manifest.json` for the national roll-up, which "
        "itself reads only those small files. Because the stages skip work by content (fingerprints and stamps, not "
        "file times), a worker can start from a copy of earlier outputs and redo only what changed (and the bulletins, "
        "whose manifest records the folders they were made from). The limit is then "
        f"rendering, not data: the national case above needed {national_memory:.0f} MiB in all its processes.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="every case once, on the smallest inputs")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument(
        "--only", choices=["preview"], help="measure these cases alone and update their rows in --output"
    )
    args = parser.parse_args(argv)
    sizes = TINY if args.tiny else FULL
    if not args.tiny:  # measured as an analyst's builds run: each edition's caches its own, none shared
        os.environ.pop(SHARED_CACHE_VARIABLE, None)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        raw, period = ROOT / "data" / "raw", "2017H1"
        if args.tiny:  # the first half-year alone: one clean, one bulletin
            raw, period = work / "raw-tiny", "2016H1"
            shutil.rmtree(raw, ignore_errors=True)
            shutil.copytree(ROOT / "data" / "raw", raw, ignore=shutil.ignore_patterns("2016H2", "2017H1"))
        bench = Bench(sizes, raw, period, work)
        if args.only == "preview":
            bench.preview()
            text = merge_preview(args.output.read_text(encoding="utf-8"), bench)
        else:
            bench.run()
            text = report(bench, args.tiny)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
