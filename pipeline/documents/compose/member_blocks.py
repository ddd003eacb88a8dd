"""The documents' part of SPEC 11: the membership balance (the lead's sentence, its table), the share of
grassroots organizations that admitted members, and the province's own categories by name.

Every figure is a row of indicators.csv; these functions only format. Where no return of the bulletin's
windows holds the membership sheet, nothing here prints anything, so such a province's documents are
those of before SPEC 11.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.common import fmt, labels
from pipeline.documents.compose.edition import EditionData
from pipeline.documents.content.model import Heading, Section, Table
from pipeline.indicators.compute import window_span
from pipeline.indicators.table import PROVINCE, Indicators, kind_scope
from pipeline.intake import forms

BALANCE_TITLE = "Số lượng đảng viên"
WINDOWS = ("period", "term_to_date")
# The rows of the balance table: (indicator, label); counts unless the name ends in _pct.
BALANCE_ROWS: tuple[tuple[str, str], ...] = (
    ("members_start", "Tổng số đảng viên đầu kỳ"),
    ("admitted", "Kết nạp mới"),
    ("transferred_in", "Chuyển đến"),
    ("transferred_out", "Chuyển đi"),
    ("deceased", "Từ trần"),
    ("members_left", "Khai trừ, xóa tên, cho ra khỏi Đảng"),
    ("members_end", "Tổng số đảng viên cuối kỳ"),
    ("members_net", "Tăng (+), giảm (−) so với đầu kỳ"),
    ("probationary_end", "Trong đó: đảng viên dự bị"),
    ("made_full", "Đảng viên dự bị được công nhận chính thức"),
    ("admitted_rate_pct", "Kết nạp mới so với số đảng viên đầu kỳ"),
)
WITHHELD_NOTE = f"{fmt.NOT_COMPUTABLE}: {fmt.NOT_COMPUTABLE_TEXT} (chưa đủ báo cáo số đảng viên của các đơn vị)."


def window_headers(data: EditionData) -> list[str]:
    """The columns of a table of the edition and the term to date, in words (the shared table of labels)."""
    return [labels.capitalized(data.window_words(window)) for window in ("period", "term_to_date")]


def reported_members(data: EditionData) -> bool:
    """Whether some return of the bulletin's windows holds the membership sheet."""
    covered = {str(p) for p in window_span(data.edition, data.reference)}
    figures = data.figures
    held = figures[(figures["code"] == "members_end") & figures["period"].astype(str).isin(covered)]
    return not held.empty


def _signed(value: int | Decimal | None) -> str:
    if value is None:
        return fmt.NOT_COMPUTABLE
    return ("+" if value > 0 else "") + fmt.number(value).replace("-", "−")


def balance(data: EditionData) -> Section | None:
    """The membership balance of the edition and of the term to date; None (nothing shown) where no return
    holds the membership sheet."""
    if not reported_members(data):
        return None

    def cell(indicator: str, window: str) -> str:
        value = data.get(PROVINCE, window, indicator)
        if indicator == "admitted" and data.get(PROVINCE, window, "members_end") is None:
            return fmt.NOT_COMPUTABLE  # the balance is withheld: no part of it is printed alone
        if indicator.endswith("_pct"):
            return fmt.percent(value)
        return _signed(value) if indicator == "members_net" else fmt.number(value)

    rows = [[label, *(cell(indicator, w) for w in WINDOWS)] for indicator, label in BALANCE_ROWS]
    withheld = any(fmt.NOT_COMPUTABLE in c for row in rows for c in row)
    blocks = [
        Heading(BALANCE_TITLE),
        Table(["Chỉ tiêu", *window_headers(data)], rows, "members", note=WITHHELD_NOTE if withheld else ""),
    ]
    return Section(blocks, "members")


def lead_members(ind: Indicators) -> dict[str, object] | None:
    """What the lead says of the membership, formatted; None where the province's balance of the edition
    is not in the indicators (no return holds it, or it is withheld)."""
    end = ind.get(PROVINCE, "period", "members_end")
    if end is None:
        return None
    net = ind.get(PROVINCE, "period", "members_net")
    return {
        "end": fmt.number(end),
        "fell": bool(net is not None and net < 0),
        "probationary": fmt.number(ind.get(PROVINCE, "period", "probationary_end")),
        "made_full": fmt.number(ind.get(PROVINCE, "period", "made_full")),
        "left": fmt.number(ind.get(PROVINCE, "period", "members_left")),
        "rate": fmt.percent(ind.get(PROVINCE, "period", "admitted_rate_pct")),
    }


def grassroots_sentence(ind: Indicators) -> str:
    """«Có 297/506 tổ chức cơ sở đảng (58,70%) kết nạp được đảng viên trong kỳ.»; "" where not reported."""
    pct = ind.get(PROVINCE, "period", "orgs_admitting_pct")
    if pct is None:
        return ""
    orgs, admitting = (ind.get(PROVINCE, "period", code) for code in forms.GRASSROOTS_CODES)
    return (
        f"Có {fmt.number(admitting)}/{fmt.number(orgs)} tổ chức cơ sở đảng ({fmt.percent(pct)}) "
        f"kết nạp được đảng viên trong kỳ."
    )


def category_names(data: EditionData) -> dict[str, str]:
    """The province's own categories (SPEC 11) by code, as documents name them."""
    return {category.code: category.name for category in data.reference.form.categories}


GRASSROOTS_HEADER = "Tổ chức cơ sở đảng kết nạp được đảng viên trong kỳ"


def with_grassroots_column(
    data: EditionData, headers: list[str], rows: list[list[str]], kinds: list[str]
) -> tuple[list[str], list[list[str]]]:
    """The table by kind of unit with the share of grassroots organizations that admitted members in the
    edition (SPEC 11), where some kind has it; else the table as it was."""
    shares = [data.get(kind_scope(kind), "period", "orgs_admitting_pct") for kind in kinds]
    if all(share is None for share in shares):
        return headers, rows
    cells = []
    for kind, share in zip(kinds, shares, strict=True):
        orgs, admitting = (data.get(kind_scope(kind), "period", code) for code in forms.GRASSROOTS_CODES)
        cells.append(
            fmt.NOT_COMPUTABLE
            if share is None
            else f"{fmt.number(admitting)}/{fmt.number(orgs)} ({fmt.percent(share)})"
        )
    return [*headers, GRASSROOTS_HEADER], [[*row, cell] for row, cell in zip(rows, cells, strict=True)]
