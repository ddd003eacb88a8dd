"""The revision note that opens a later published version (SPEC 9): which version it replaces and from
when, why, and every headline figure that changed, old → new.

Both values are rows of an `indicators.csv` (the replaced version's and this one's): the note compares and
formats them, it computes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.common import fmt, labels
from pipeline.documents.compose.edition import EditionData
from pipeline.documents.content.model import BulletList, Paragraph, Run, Section
from pipeline.indicators.table import PROVINCE, Indicators

# The edition's headline figures: the province's key figures, in the order of the key figures table.
HEADLINE = (
    ("admitted", "Đảng viên mới kết nạp"),
    ("admitted_prev_year", "Kết nạp cùng kỳ năm trước"),
    ("target", "Chỉ tiêu tỉnh giao"),
    ("target_pct", "Tỷ lệ so với chỉ tiêu"),
    ("youth_union", "Đoàn viên thanh niên"),
    ("youth_union_pct", "Tỷ lệ đoàn viên thanh niên"),
    ("women", "Nữ"),
    ("women_pct", "Tỷ lệ nữ"),
    ("ethnic_minority", "Người dân tộc thiểu số"),
    ("ethnic_minority_pct", "Tỷ lệ người dân tộc thiểu số"),
    ("occ_farmer", "Nông dân"),
    ("occ_farmer_pct", "Tỷ lệ nông dân"),
    ("edu_upper_secondary", "Trình độ trung học phổ thông"),
    ("edu_upper_secondary_pct", "Tỷ lệ trình độ trung học phổ thông"),
    ("org_commune", "Kết nạp ở chi bộ xã, phường, thị trấn"),
    ("annual_target", "Chỉ tiêu năm"),
    ("annual_target_pct", "Tỷ lệ so với chỉ tiêu năm"),
    ("villages_total", "Tổng số thôn, bản, tổ dân phố"),
    ("villages_no_member_start", "Thôn, bản chưa có đảng viên (đầu kỳ)"),
    ("villages_no_member_end", "Thôn, bản chưa có đảng viên (cuối kỳ)"),
    ("villages_no_member_eliminated", "Thôn, bản chưa có đảng viên đã được xóa"),
    ("villages_joint_start", "Thôn, bản chưa có chi bộ, sinh hoạt ghép (đầu kỳ)"),
    ("villages_joint_end", "Thôn, bản chưa có chi bộ, sinh hoạt ghép (cuối kỳ)"),
    ("new_village_cells", "Chi bộ thôn, bản thành lập mới, chia tách"),
)
WINDOWS = tuple(labels.WINDOW_NAMES.items())  # the windows by their short names: the edition is named above


def shown(indicator: str, value: object) -> str:
    """A value as the documents print it: `%` for a share, a count otherwise, `—` when not computable."""
    return fmt.percent(value) if indicator.endswith("_pct") else fmt.number(value)  # type: ignore[arg-type]


def headline_changes(before: Indicators, now: Indicators) -> list[tuple[str, str, str]]:
    """(label, old, new) for each headline figure of the province whose value differs."""
    changes = []
    for window, window_label in WINDOWS:
        for indicator, label in HEADLINE:
            old, new = before.get(PROVINCE, window, indicator), now.get(PROVINCE, window, indicator)
            if old == new:
                continue
            # In a first half-year the year so far is the half-year: its change is said once.
            same_as_period = window == "year_to_date" and (
                (old, new) == (before.get(PROVINCE, "period", indicator), now.get(PROVINCE, "period", indicator))
            )
            if not same_as_period:
                changes.append((f"{label} ({window_label})", shown(indicator, old), shown(indicator, new)))
    return changes


def note(data: EditionData, revision: dict) -> Section | None:
    """The revision note, when `revision` (a parameter `make publish` gives the notebooks) says this version
    replaces another: {"version", "replaces", "replaces_date", "reason", "previous_indicators"}."""
    if not revision:
        return None
    replaced = dt.date.fromisoformat(str(revision["replaces_date"]))
    opening = [
        Run(f"Bản sửa đổi (phiên bản {revision['version']}). ", bold=True),
        Run(f"Thay thế phiên bản {revision['replaces']} phát hành ngày {fmt.date_short(replaced)}. "),
    ]
    reason = str(revision.get("reason") or "").strip()
    if reason:
        opening.append(Run(f"Lý do: {reason.rstrip('.')}."))
    changes = headline_changes(Indicators.read(Path(str(revision["previous_indicators"]))), data.indicators)
    if not changes:
        closing = Paragraph([Run("Các số liệu chủ yếu không thay đổi.")], "revision-note")
        return Section([Paragraph(opening, "revision-note"), closing], "revision-note")
    listed = BulletList([[Run(f"{label}: {old} → {new}")] for label, old, new in changes])
    heading = Paragraph([Run("Số liệu chủ yếu đã thay đổi (cũ → mới):")], "revision-note")
    return Section([Paragraph(opening, "revision-note"), heading, listed], "revision-note")
