"""The figures of the real article (shared/source/000_6481d0cd559e4523.txt: Điện Biên, 2016 to June 2017) that
the sample must reproduce."""

from __future__ import annotations

# SPEC 7: the article's figures, scope=province, window=term_to_date, for the 2017H1 bulletin.
ARTICLE = {
    "admitted": "3722",
    "youth_union": "2742",
    "youth_union_pct": "73.67",
    "women": "1381",
    "women_pct": "37.10",
    "occ_farmer": "1584",
    "occ_farmer_pct": "42.56",
    "ethnic_minority": "2377",
    "ethnic_minority_pct": "63.86",
    "edu_upper_secondary": "3026",
    "edu_upper_secondary_pct": "81.30",
    "org_commune": "2403",
    "org_commune_pct": "64.56",
    "villages_total": "1813",
    "villages_no_member_start": "95",
    "villages_no_member_end": "51",
    "villages_no_member_eliminated": "44",
    "villages_joint_start": "328",
    "villages_joint_end": "271",
    "new_village_cells": "57",
}
