"""The blocks that belong to one document: the formal report's header, title and signature (Hướng dẫn
36-HD/VPTW), and the bulletin's title and data notes. Their HTML is the page's (the bulletin's through
Jupyter, the report's through `render.report_page`); `render.report_docx` gives each its Word form.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pipeline.documents.content.model import Block, Run, Section, runs_html

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


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


@dataclass(frozen=True)
class BulletinTitle(Block):
    """The bulletin's title and the line under it; for a draft, the notice that says what is left out."""

    title: str
    subtitle: str
    draft_notice: list[Run]

    def html(self) -> str:
        parts = [f'<h1 class="title">{escape(self.title)}</h1>', f'<p class="subtitle">{escape(self.subtitle)}</p>']
        if self.draft_notice:
            parts.append(f'<div class="draft-notice">{runs_html(self.draft_notice)}</div>')
        return "\n".join(parts)


@dataclass(frozen=True)
class DataNotes(Section):
    """The bulletin's notes on its data (returns received, problems, sources, the code version): a section
    whose blocks are counts of returns and files, not figures of the indicators."""

    css_class: str = "data-notes"

    def html(self) -> str:
        return f'<section class="{self.css_class}">' + "\n".join(b.html() for b in self.blocks) + "</section>"
