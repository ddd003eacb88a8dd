"""The sample's figures: every unit's counts for every half-year, drawn from one seeded generator so that the
province totals are the article's exactly (SPEC 7), and checked before any file is written."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from pathlib import Path

from pipeline.intake import checks
from pipeline.intake.problems import WARNING
from pipeline.intake.reference import load_reference
from pipeline.intake.returns import read_return_file
from testdata.sample.tables import (
    AGE_REST,
    ANNUAL_TARGET_TOTAL,
    CATEGORY,
    EDU_REST,
    EXTRA_SEED,
    GRADUATE_RATE,
    GRASSROOTS,
    HALF_WEIGHTS,
    MEMBERS_PER_ADMITTED,
    OCC_REST,
    ORG_REST,
    PERIODS,
    PROVINCE_TOTALS,
    PROVINCE_VILLAGES,
    SAMPLE_CODES,
    UNIT_BY_CODE,
    UNITS,
    YEARS,
)

Figures = dict[tuple[str, str], dict[str, int]]


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` into whole parts proportional to `weights`, none above its cap.

    Largest-remainder method: shares above a cap are fixed at the cap and the rest is spread again
    over the others; the floors of the shares are then topped up one by one in order of the largest
    fractional part (ties by position). Parts with zero weight get nothing unless nothing else can
    take the total.
    """
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if total < 0 or total > sum(caps):
        raise ValueError(f"cannot allocate {total} within caps totalling {sum(caps)}")
    shares = [0.0] * n
    free = [i for i in range(n) if weights[i] > 0 and caps[i] > 0]
    remaining = float(total)
    while free:
        wsum = sum(weights[i] for i in free)
        over = [i for i in free if remaining * weights[i] / wsum > caps[i]]
        if not over:
            for i in free:
                shares[i] = remaining * weights[i] / wsum
            break
        for i in over:
            shares[i] = float(caps[i])
            remaining -= caps[i]
            free.remove(i)
    parts = [min(caps[i], math.floor(shares[i] + 1e-9)) for i in range(n)]
    left = total - sum(parts)
    order = sorted(range(n), key=lambda i: (weights[i] <= 0, -(shares[i] - parts[i]), i))
    while left > 0:
        for i in order:
            if left == 0:
                break
            if parts[i] < caps[i]:
                parts[i] += 1
                left -= 1
    return parts


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    codes = list(weights)
    return dict(zip(codes, allocate(total, [weights[c] for c in codes]), strict=True))


# ---------------------------------------------------------------------------------------------------
# Figures


def generate_figures(rng: random.Random) -> Figures:
    """Every unit's figures for every period, as {(unit_code, period): {code: count}}."""
    keys = [(u.code, p) for u in UNITS for p in PERIODS]
    fig: Figures = {key: dict.fromkeys(SAMPLE_CODES, 0) for key in keys}

    for unit in UNITS:
        weights = [w * rng.uniform(0.9, 1.1) for w in HALF_WEIGHTS]
        for period, n in zip(PERIODS, allocate(unit.admitted, weights), strict=True):
            fig[unit.code, period]["admitted"] = n

    def anchor(code: str, caps: list[int]) -> None:
        weights = [
            fig[key]["admitted"] * getattr(UNIT_BY_CODE[key[0]].rates, code) * rng.uniform(0.93, 1.07) for key in keys
        ]
        for key, n in zip(keys, allocate(PROVINCE_TOTALS[code], weights, caps), strict=True):
            fig[key][code] = n

    admitted = [fig[key]["admitted"] for key in keys]
    has_villages = [UNIT_BY_CODE[code].has_villages for code, _ in keys]
    anchor("org_commune", [a if v else 0 for a, v in zip(admitted, has_villages, strict=True)])
    anchor("occ_farmer", [fig[key]["org_commune"] for key in keys])
    for code in ("youth_union", "women", "ethnic_minority", "edu_upper_secondary"):
        anchor(code, admitted)

    for (code, _period), f in fig.items():
        unit = UNIT_BY_CODE[code]
        n = f["admitted"]
        kind = unit.kind if unit.kind == "district" else code
        if unit.kind == "district" and rng.random() < 0.15:
            f["readmitted"] = 1
        f["religious"] = min(n, round(n * unit.rates.religious * rng.uniform(0.6, 1.4)))
        f.update(_split(n - f["org_commune"], ORG_REST[kind]))
        occ_fixed = f["occ_farmer"]
        if unit.kind == "district":
            f["occ_armed_forces"] = f["org_military"] + f["org_police"]
            occ_fixed += f["occ_armed_forces"]
        f.update(_split(n - occ_fixed, OCC_REST[kind]))
        age = _split(n - f["youth_union"], AGE_REST[unit.kind])
        age["age_18_30"] += f["youth_union"]
        f.update(age)
        edu_kind = "highland" if unit.highland else unit.kind
        f.update(_split(n - f["edu_upper_secondary"], EDU_REST[edu_kind]))

    for unit in UNITS:
        if not unit.has_villages:
            continue
        no_member, joint = unit.no_member[0], unit.joint[0]
        no_member_drop = allocate(unit.no_member[0] - unit.no_member[1], [rng.uniform(0.6, 1.4) for _ in PERIODS])
        joint_drop = allocate(unit.joint[0] - unit.joint[1], [rng.uniform(0.6, 1.4) for _ in PERIODS])
        for i, period in enumerate(PERIODS):
            f = fig[unit.code, period]
            f["villages_total"] = unit.villages
            f["villages_no_member_start"] = no_member
            no_member -= no_member_drop[i]
            f["villages_no_member_end"] = no_member
            f["villages_joint_start"] = joint
            joint -= joint_drop[i]
            f["villages_joint_end"] = joint
            f["new_village_cells"] = joint_drop[i]
    add_spec_11_figures(fig, random.Random(EXTRA_SEED))
    return fig


def add_spec_11_figures(fig: Figures, rng: random.Random) -> None:
    """The sample's category, membership balance and grassroots organizations for every return (SPEC 11):
    consistent with the admissions, each half-year's start the end of the half-year before."""
    for unit in UNITS:
        members = MEMBERS_PER_ADMITTED[unit.kind] * unit.admitted + rng.randint(0, 400)
        low, high = GRASSROOTS[unit.kind]
        orgs = rng.randint(low, high)
        probationary = round(unit.admitted * 0.6)
        for period in PERIODS:
            f = fig[unit.code, period]
            admitted = f["admitted"]
            f[CATEGORY] = min(admitted, round(admitted * GRADUATE_RATE[unit.kind] * rng.uniform(0.8, 1.2)))
            flows = {
                "transferred_in": rng.randint(2, 12 if unit.kind == "district" else 30),
                "transferred_out": rng.randint(2, 12 if unit.kind == "district" else 30),
                "deceased": round(members * rng.uniform(0.002, 0.005)),
                "expelled": rng.randint(0, 2),
                "struck_off": rng.randint(0, 3),
                "permitted_to_leave": rng.randint(0, 1),
            }
            made_full = min(probationary, round(admitted * rng.uniform(0.85, 1.1)))
            end = (
                members + admitted + flows["transferred_in"] - sum(v for k, v in flows.items() if k != "transferred_in")
            )
            probationary = probationary + admitted - made_full
            f.update(flows)
            f.update(
                members_start=members,
                members_end=end,
                probationary_end=probationary,
                made_full=made_full,
            )
            members = end
            orgs += rng.choice((0, 0, 1))
            f["grassroots_orgs"] = orgs
            f["grassroots_orgs_admitting"] = min(orgs, admitted, max(1, round(orgs * rng.uniform(0.55, 0.85))))


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise AssertionError(f"sample data: {message}")


def check_figures(fig: Figures) -> None:
    """Check what the sample demands beyond the form's rules (which `check_returns` checks on the files
    written) and the article's province totals (SPEC 7)."""
    for (code, period), f in fig.items():
        where = f"{code} {period}"
        _require(f["admitted"] >= 1, f"{where}: nobody admitted")
        for end in ("start", "end"):
            no_member, joint = f[f"villages_no_member_{end}"], f[f"villages_joint_{end}"]
            _require(no_member <= joint, f"{where}: more villages without members than joint")
        _require(
            f["new_village_cells"] == f["villages_joint_start"] - f["villages_joint_end"],
            f"{where}: new cells do not match joint villages",
        )
    for c, total in PROVINCE_TOTALS.items():
        got = sum(f[c] for f in fig.values())
        _require(got == total, f"province {c} = {got}, expected {total}")
    for c, period, total in PROVINCE_VILLAGES:
        got = sum(f[c] for (_, p), f in fig.items() if str(p) == period)
        _require(got == total, f"province {c} at {period} = {got}, expected {total}")
    for year in YEARS:
        got = sum(u.targets[YEARS.index(year)] for u in UNITS)
        _require(got == ANNUAL_TARGET_TOTAL, f"province target {year} = {got}")
    pct = 100 * PROVINCE_TOTALS["admitted"] / (ANNUAL_TARGET_TOTAL * 1.5)
    _require(130 < pct < 135, f"term-to-date target_pct {pct:.2f} not in (130, 135)")


# The problems the product must find in the sample, by half-year: (unit, severity). Only the late return.
EXPECTED_PROBLEMS: dict[str, set[tuple[str, str]]] = {"2016H2": {("MNH", WARNING)}}


def check_returns(out_dir: Path, fig: Figures) -> None:
    """Read every return written back through the product's readers and checks (SPEC 3, 4): each must read
    as exactly the figures generated, with no problem but those the sample means to have."""
    reference = load_reference(out_dir)
    ends: dict[tuple[str, str], tuple[int, str, str, str]] = {}
    for period in PERIODS:
        returns = []
        for path in sorted((out_dir / "returns" / str(period)).iterdir()):
            returns += read_return_file(path, path.name, reference.form)
        problems = checks.check_period(returns, period, reference)
        for ret in returns:
            checks.check_return(ret, period, reference)
            checks.check_continuity(ret, period, ends, reference)
            read = {code: figure.value for code, figure in ret.figures.items()}
            _require(read == fig[ret.unit_code, period], f"{ret.file} does not read back as generated")
            problems += ret.problems
        found = {(problem.unit_code, problem.severity) for problem in problems}
        _require(found == EXPECTED_PROBLEMS.get(str(period), set()), f"{period}: problems {problems}")
        ends = {
            (ret.unit_code, code): (figure.value, ret.file, figure.place.sheet, figure.place.cell)
            for ret in returns
            for code, figure in ret.figures.items()
            if code.endswith("_end")
        }
