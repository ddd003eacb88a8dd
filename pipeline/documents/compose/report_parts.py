"""The formal report's own blocks (SPEC 8, Hướng dẫn 36-HD/VPTW): the header, the title and subject, the
signature and recipients. Their words come from `[report]` in province.toml, or follow from the province's
name; the number and the date are those of publication, blank until then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from pipeline.common.periods import Edition
from pipeline.documents.compose.edition import BulletinData
from pipeline.documents.content.model import KINDS, Block

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
REPORT_TITLE = "BÁO CÁO"
BLANK = "…"  # where the number, day and month go once the report is published (SPEC 8)


@dataclass(frozen=True)
class DocumentHeader(Block):
    """Left: the superior body over the issuing body, `*`, the number. Right: the Party's name over a rule,
    then the place and date line."""

    superior_body: str
    issuing_body: str
    number_line: str
    place_date: str

    def html(self) -> str:
        return (
            # Side by side by report.css, not a table: a PDF reader would announce a table without headers.
            '<div class="document-header">'
            f'<div class="issuer"><p class="superior">{escape(self.superior_body)}</p>'
            f'<p class="issuing">{escape(self.issuing_body)}</p><p class="star">*</p>'
            f'<p class="number">{escape(self.number_line)}</p></div>'
            f'<div class="party"><p class="party-name">{escape(PARTY)}</p>'
            f'<p class="place-date">{escape(self.place_date)}</p></div></div>'
        )


@dataclass(frozen=True)
class DocumentTitle(Block):
    title: str
    subject: str

    def html(self) -> str:
        return f'<h1 class="report-title">{escape(self.title)}</h1><p class="subject">{escape(self.subject)}</p>'


@dataclass(frozen=True)
class Signature(Block):
    """Left: `Nơi nhận:` and the recipients; right: on behalf of the issuing body, the signer."""

    recipients: list[str]
    on_behalf: str
    role: str
    name: str

    def html(self) -> str:
        recipients = "".join(f"<li>- {escape(r)}</li>" for r in self.recipients)
        return (
            '<div class="signature">'
            f'<div class="recipients"><p class="to">Nơi nhận:</p><ul>{recipients}</ul></div>'
            f'<div class="signer"><p class="on-behalf">{escape(self.on_behalf)}</p>'
            f'<p class="role">{escape(self.role)}</p><p class="sign-space"></p>'
            f'<p class="name">{escape(self.name)}</p></div></div>'
        )


KINDS.update({cls.__name__: cls for cls in (DocumentHeader, DocumentTitle, Signature)})


def number_line(document_code: str, number: str = "") -> str:
    """`Số 12-BC/BTCTU`, or `Số …-BC/BTCTU` until the report is published with its number."""
    return f"Số {number.strip() or BLANK}-{document_code}"


def place_date(place: str, year: int, date: dt.date | None = None) -> str:
    """`Điện Biên, ngày 15 tháng 7 năm 2017`; before publication the day and month are left blank."""
    if date is None:
        return f"{place}, ngày {BLANK} tháng {BLANK} năm {year}"
    return f"{place}, ngày {date.day} tháng {date.month} năm {date.year}"


def header(data: BulletinData, number: str = "", date: str = "") -> DocumentHeader:
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


def title(data: BulletinData) -> DocumentTitle:
    return DocumentTitle(REPORT_TITLE, subject(data.edition))


def signature(data: BulletinData) -> Signature:
    info = data.reference.report
    return Signature(
        list(info.recipients), f"T/M {info.issuing_body.upper()}", info.signer_role.upper(), info.signer_name
    )
