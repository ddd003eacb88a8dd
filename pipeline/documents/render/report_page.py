"""The formal report as one HTML page of its blocks, which WeasyPrint lays out with report.css as its PDF
(`pdf`); Word gets the same blocks (`report_docx`)."""

from __future__ import annotations

from html import escape

from pipeline.common.version import code, code_digest
from pipeline.documents.content.model import Block


def report_page(blocks: list[Block], *, title: str, draft: bool) -> str:
    """The formal report as one HTML page (laid out by report.css as its PDF)."""
    body = "\n".join(block.html() for block in blocks)
    mark = '<p class="draft-mark">BẢN NHÁP</p>' if draft else ""
    return (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        # The PDF's Creator: the exact code (commit, whether it differed, its digest), never in the text.
        f'<meta name="generator" content="{escape(code().generator(code_digest()))}"></head>'
        f'<body class="report">{mark}<main>{body}</main></body></html>\n'
    )
