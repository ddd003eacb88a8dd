"""Deterministic generator of the Điện Biên sample data, 2016H1 to 2017H1 (SPEC 7).

Writes `province.toml`, `form.toml`, `commentary/`, `units.csv`, `targets.csv` and `returns/<PERIOD>/` into
an output directory. The figures reproduce the article's term-to-date totals exactly; the returns vary the
way real ones do (`.xlsx` and `.ods`, one CSV export, text numbers, blanks and dashes, a `Tổng cộng` row,
sheet names in other case or with decomposed diacritics) while staying valid.

The generator's tables are data files beside it: `tables/` (the units, their rates and habits, the article's
totals, the shares the totals are spread by, the returns' variants) and `copied/` (files written as they
are: the province's settings, its form and the analysts' commentary). Running it twice gives byte-identical
files: all randomness comes from one seeded `random.Random`, every document timestamp is fixed and every zip
container is rewritten with fixed entry dates.

The membership balance (sheet `Đảng viên`), the grassroots organizations and the one category of the
sample's `form.toml` (SPEC 11) are illustrative: the article gives none of them. They are drawn from a
second seeded generator, so that the article's figures and every other draw stay as they were.

Usage: ``python -m testdata.sample OUT_DIR`` (or ``python tools/sample.py OUT_DIR``)
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from testdata import workbook
from testdata.sample.figures import allocate, check_figures, check_returns, generate_figures
from testdata.sample.returns import plan_returns, write_csv_export, write_return
from testdata.sample.tables import COPIED, CSV_EXPORT, PERIODS, SEED, UNITS, YEARS

__all__ = ["allocate", "main", "write_sample"]


def _copy(out_dir: Path) -> list[Path]:
    """The files of `copied/`, written as they are."""
    written = []
    for name in ("province.toml", "form.toml", "commentary/2017H1.md"):
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(COPIED / name, target)
        written.append(target)
    return written


def write_sample(out_dir: Path) -> list[Path]:
    """Write the Điện Biên sample (SPEC 7) into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    rng = random.Random(SEED)
    fig = generate_figures(rng)
    check_figures(fig)
    returns = plan_returns(fig, rng)

    out_dir.mkdir(parents=True, exist_ok=True)
    written = _copy(out_dir)
    units = [["unit_code", "unit_name", "unit_kind", "has_villages", "valid_from", "valid_to"]]
    units += [[u.code, u.name, u.kind, int(u.has_villages), PERIODS[0], ""] for u in UNITS]
    written.append(workbook.write_csv(out_dir / "units.csv", units))
    targets = [["unit_code", "year", "admission_target"]]
    targets += [[u.code, year, u.targets[i]] for i, year in enumerate(YEARS) for u in UNITS]
    written.append(workbook.write_csv(out_dir / "targets.csv", targets))

    for period in PERIODS:
        folder = out_dir / "returns" / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        names: set[str] = set()
        for ret in (r for r in returns if r.period == period):
            if ret.file_name in names:
                raise ValueError(f"duplicate file name {ret.file_name} in {period}")
            names.add(ret.file_name)
            write_return(ret, folder / ret.file_name)
            written.append(folder / ret.file_name)
        if period == CSV_EXPORT.period:
            path = folder / CSV_EXPORT.file_name.format(period=period)
            write_csv_export(fig, path)
            written.append(path)
    check_returns(out_dir, fig)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m testdata.sample OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(args[0])
    written = write_sample(out_dir)
    for path in written:
        print(path)
    stale = sorted(p for p in (out_dir / "returns").rglob("*") if p.is_file() and p not in set(written))
    for path in stale:
        print(f"warning: {path} was not written by this generator (stale return?)", file=sys.stderr)
    return 0
