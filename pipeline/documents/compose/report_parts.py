"""The formal report's own blocks (SPEC 8, Hướng dẫn 36-HD/VPTW): the header, the title and subject, the
signature and recipients. Their words come from `[report]` in province.toml, or follow from the province's
name; the number and the date are those of publication, blank until then.
"""

from __future__ import annotations

import datetime as dt

from pipeline.common.periods import Edition
from pipeline.documents.compose.edition import EditionData
from pipeline.documents.content.document_parts import DocumentHeader, DocumentTitle, Signature

REPORT_TITLE = "BÁO CÁO"
BLANK = "…"  # where the number, day and month go once the report is published (SPEC 8)


def number_line(document_code: str, number: str = "") -> str:
    """`Số 12-BC/BTCTU`, or `Số …-BC/BTCTU` until the report is published with its number."""
    return f"Số {number.strip() or BLANK}-{document_code}"


def place_date(place: str, year: int, date: dt.date | None = None) -> str:
    """`Điện Biên, ngày 15 tháng 7 năm 2017`; before publication the day and month are left blank."""
    if date is None:
        return f"{place}, ngày {BLANK} tháng {BLANK} năm {year}"
    return f"{place}, ngày {date.day} tháng {date.month} năm {date.year}"


def header(data: EditionData, number: str = "", date: str = "") -> DocumentHeader:
    info = data.reference.report
    when = dt.date.fromisoformat(date) if date else None
    year = when.year if when else data.edition.last.end_date().year
    return DocumentHeader(
        info.superior_body.upper(),
        info.issuing_body.upper(),
        number_line(info.document_code, number),
        place_date(info.place, year, when),
    )


def subject(edition: Edition) -> str:
    """The subject line under `BÁO CÁO`: `kết quả công tác phát triển đảng viên 6 tháng đầu năm 2017`."""
    return f"kết quả công tác phát triển đảng viên {edition.label_vi()}"


def title(data: EditionData) -> DocumentTitle:
    return DocumentTitle(REPORT_TITLE, subject(data.edition))


def signature(data: EditionData) -> Signature:
    info = data.reference.report
    return Signature(
        list(info.recipients), f"T/M {info.issuing_body.upper()}", info.signer_role.upper(), info.signer_name
    )
