"""The in-process workloads of the benchmark, and the synthetic data they read.

`python bench/workloads.py intake DIR` and `python bench/workloads.py national DIR [--jobs N]` each run
one workload in a process of its own (so that its peak memory is its own) and print one JSON line:
what was processed and how long the work took, imports excluded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.periods import Period, parse, periods_on_record, span
from pipeline.indicators.compute import compute
from pipeline.intake import blank_returns, forms
from pipeline.intake.clean import clean_period, load_figures, write_result
from pipeline.intake.reference import load_reference


def _sample_values(processed: Path, period: Period) -> dict[str, dict[str, int]]:
    """Each unit's figures of `period` in the sample (cleaned already): values that pass every check."""
    figures = load_figures(processed, [period])
    values: dict[str, dict[str, int]] = {}
    for row in figures.itertuples():
        values.setdefault(row.unit_code, {})[row.code] = int(row.value)
    return values


def make_intake(sample_raw: Path, processed: Path, period: Period, out: Path, count: int) -> Path:
    """A raw folder whose `period` holds `count` workbooks: the blank template of each unit (as `make
    templates` writes it) filled with the sample's figures of that half-year, then copied under new names."""
    shutil.rmtree(out, ignore_errors=True)
    for name in ("province.toml", "units.csv", "targets.csv"):
        iorw.write_bytes(out / name, (sample_raw / name).read_bytes())
    reference = load_reference(out)
    values = _sample_values(processed, period)
    folder = out / "returns" / str(period)
    folder.mkdir(parents=True)
    filled = []
    for unit in reference.expected_units(period):
        book = blank_returns.build(unit, period)
        info = book[forms.SHEET_INFO]
        info["B4"], info["B5"] = period.end_date() + dt.timedelta(days=5), "Người lập mẫu"
        for sheet_name in (forms.SHEET_ADMISSIONS, forms.SHEET_ORGANIZATION):
            sheet = book[sheet_name]
            for row in sheet.iter_rows(min_row=2):
                if row[0].value in forms.CODES:
                    row[2].value = values[unit.code].get(row[0].value, 0)
        path = folder / f"_{unit.code}.xlsx"
        book.save(path)
        filled.append(path)
    for number in range(count):
        source = filled[number % len(filled)]
        shutil.copyfile(source, folder / f"{source.stem[1:]}_{number:04d}.xlsx")
    for path in filled:
        path.unlink()
    return out


def run_intake(raw: Path) -> dict[str, object]:
    """Read and check every workbook of the intake folder, as the cleaning stage does."""
    reference = load_reference(raw)
    (period,) = periods_on_record(raw)
    started = time.perf_counter()
    result = clean_period(raw, period, reference)
    seconds = time.perf_counter() - started
    workbooks = len(result.sources)
    problems = len(result.problems)
    return {"workbooks": workbooks, "problems": problems, "seconds": seconds, "per_second": workbooks / seconds}


NATIONAL_FIRST = "2016H1"


def make_national(
    sample_raw: Path, processed: Path, period: Period, out: Path, provinces: int, units: int, halves: int
) -> Path:
    """`provinces` raw folders, each with `units` units and, for `halves` half-years from 2016H1, one CSV
        export of every unit's figures (the membership database's format). The figures are the sample's,
        with village counts carried over from one half-year to the next, so every check passes (and the
    benchmark shows `problems: 0`)."""
    shutil.rmtree(out, ignore_errors=True)
    values = _sample_values(processed, period)
    sample_units = (sample_raw / "units.csv").read_text(encoding="utf-8").splitlines()
    header, rows = sample_units[0], sample_units[1:]
    periods = span(parse(NATIONAL_FIRST), parse(NATIONAL_FIRST).shift(halves - 1))
    years = sorted({p.year for p in periods})
    terms = 'province = "{name}"\n[[terms]]\nlabel = "2015–2020"\nstart = "2016H1"\nend = "2020H2"\n'
    terms += '[[terms]]\nlabel = "2020–2025"\nstart = "2021H1"\nend = "2025H2"\n'
    for number in range(provinces):
        root = out / f"province-{number:02d}"
        codes = []
        unit_lines = [header]
        for index in range(units):
            base = rows[index % len(rows)].split(",")
            code = f"U{index:02d}"
            codes.append((code, base[0]))
            unit_lines.append(",".join([code, f"{base[1]} {index}", *base[2:4], NATIONAL_FIRST, ""]))
        iorw.write_text(root / "province.toml", terms.format(name=f"Tỉnh {number:02d}"))
        iorw.write_text(root / "units.csv", "\n".join(unit_lines) + "\n")
        targets = ["unit_code,year,admission_target"]
        targets += [f"{code},{year},{2 * values[base]['admitted']}" for code, base in codes for year in years]
        iorw.write_text(root / "targets.csv", "\n".join(targets) + "\n")
        for period in periods:
            lines = ["unit_code,period,code,value"]
            for code, base in codes:
                figures = dict(values[base])
                for stem in ("villages_no_member", "villages_joint"):
                    figures[f"{stem}_start"] = figures[f"{stem}_end"]
                lines += [f"{code},{period},{name},{figures.get(name, 0)}" for name in forms.CODES]
            iorw.write_text(root / "returns" / str(period) / f"export_{period}.csv", "\n".join(lines) + "\n")
    return out


def _one_province(raw: Path, processed: Path) -> dict[str, object]:
    """What a national bulletin of the last half-year needs from a province, as the stages do it: every
    half-year cleaned (in order: each one's start-of-period checks read the one before), then the
    indicators of the last half-year from the figures of all of them."""
    started = time.perf_counter()
    reference = load_reference(raw)
    on_record = periods_on_record(raw)
    previous = None
    problems = 0
    for period in on_record:
        result = clean_period(raw, period, reference, previous)
        write_result(result, processed)
        problems += len(result.problems)
        previous = result.figures
    edition = on_record[-1]
    indicators = compute(load_figures(processed, on_record), reference, edition, on_record)
    iorw.write_csv(processed / "reports" / str(edition) / "indicators.csv", indicators)
    return {
        "seconds": time.perf_counter() - started,
        "problems": problems,
        "indicator_rows": len(indicators),
        "worker": os.getpid(),
        "worker_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def run_national(root: Path, out: Path, jobs: int) -> dict[str, object]:
    provinces = sorted(p for p in root.iterdir() if p.is_dir())
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_one_province, provinces, [out / p.name for p in provinces]))
    seconds = time.perf_counter() - started
    per_province = sorted(r["seconds"] for r in results)
    # The processes run at once: the sum of their peaks bounds the memory the workload needed.
    worker_peaks = {r["worker"]: r["worker_peak_kib"] for r in results}
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "memory_bound_mib": (sum(worker_peaks.values()) + own_peak) / 1024,
        "provinces": len(provinces),
        "jobs": jobs,
        "seconds": seconds,
        "per_province_median": per_province[len(per_province) // 2],
        "problems": sum(r["problems"] for r in results),
        "indicator_rows": sum(r["indicator_rows"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["intake", "national"])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.workload == "intake":
        print(json.dumps(run_intake(args.data)))
    else:
        print(json.dumps(run_national(args.data, args.out, args.jobs)))


if __name__ == "__main__":
    main()
