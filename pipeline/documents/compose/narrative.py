"""Text written from the indicators: the lead paragraph (a Jinja2 template, autoescaped HTML)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import jinja2

from pipeline.common import fmt, labels
from pipeline.common.periods import Edition, Period
from pipeline.documents.compose.member_blocks import grassroots_sentence, lead_members
from pipeline.indicators.table import PROVINCE, Indicators
from pipeline.intake.reference import Reference


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.documents", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _pct(value: object) -> str | None:
    return None if value is None else fmt.percent(value)  # type: ignore[arg-type]


def _count(value: object) -> str:
    return fmt.number(value or 0)  # type: ignore[arg-type]


def lead_context(ind: Indicators, reference: Reference, edition: Period | Edition) -> dict[str, object]:
    edition = Edition.of(edition)
    period = edition.last
    term_start = reference.term_of(period).start

    def get(window: str, name: str) -> object:
        return ind.get(PROVINCE, window, name)

    target_pct = get("term_to_date", "target_pct")
    term = {
        "admitted": _count(get("term_to_date", "admitted")),
        "target_pct": _pct(target_pct),
        "exceeded": target_pct is not None and target_pct > 100,
        "over_target": _pct(get("term_to_date", "target_excess_pct")),
        "org_commune": _count(get("term_to_date", "org_commune")),
    }
    for code in ("youth_union", "women", "occ_farmer", "ethnic_minority", "edu_upper_secondary", "org_commune"):
        term[f"{code}_pct"] = _pct(get("term_to_date", f"{code}_pct"))
    eliminated = get("term_to_date", "villages_no_member_eliminated") or 0
    villages = {
        "total": _count(get("term_to_date", "villages_total")),
        "no_member_start": _count(get("term_to_date", "villages_no_member_start")),
        "no_member_end": _count(get("term_to_date", "villages_no_member_end")),
        "eliminated": _count(eliminated),
        "eliminated_count": eliminated,
        "joint_start": _count(get("term_to_date", "villages_joint_start")),
        "joint_end": _count(get("term_to_date", "villages_joint_end")),
        "new_cells": _count(get("term_to_date", "new_village_cells")),
    }
    change = get("period", "admitted_change_pct")
    half = {
        "admitted": _count(get("period", "admitted")),
        # What the last sentence compares the edition's admissions with: the year's target.
        "kind": "year" if edition.annual else ("first_half" if period.half == 1 else "second_half"),
        "year_admitted": _count(get("year_to_date", "admitted")),
        "annual_target_pct": _pct(get("year_to_date", "annual_target_pct")),
        "change_pct": change,
        "increased": isinstance(change, Decimal) and change >= 0,
        "change_abs_pct": _pct(abs(change)) if isinstance(change, Decimal) else None,
        "prev_year": _count(get("period", "admitted_prev_year")),
    }
    return {
        "not_computable": fmt.NOT_COMPUTABLE_TEXT,
        "term_span": labels.capitalized(labels.span(term_start, period)),  # `Từ đầu năm 2016 đến hết tháng 6-2017`
        "end_year": period.year,
        "period_label": edition.label_vi(),
        "term": term,
        "villages": villages,
        "half": half,
        # SPEC 11: None and "" where no return holds them, and the lead is as before.
        "members": lead_members(ind),
        "grassroots": grassroots_sentence(ind),
    }


def lead_paragraph(ind: Indicators, reference: Reference, edition: Period | Edition) -> str:
    """The lead paragraph as HTML."""
    return environment().get_template("lead.html.j2").render(**lead_context(ind, reference, edition))
