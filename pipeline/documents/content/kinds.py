"""Every kind of block, in one place, and a block read back from its JSON (how it travels in an executed
notebook, under `model.MIME`). A new kind is added here, and given a Word form in `render.report_docx`.
"""

from __future__ import annotations

from typing import Any

from pipeline.documents.content.document_parts import BulletinTitle, DataNotes, DocumentHeader, DocumentTitle, Signature
from pipeline.documents.content.model import Block, BulletList, Figure, Heading, Paragraph, Run, Section, Table

KINDS: dict[str, type[Block]] = {
    kind.__name__: kind
    for kind in (
        Heading,
        Paragraph,
        BulletList,
        Table,
        Figure,
        Section,
        DocumentHeader,
        DocumentTitle,
        Signature,
        BulletinTitle,
        DataNotes,
    )
}


def from_json(data: dict[str, Any]) -> Block:
    data = dict(data)
    kind = KINDS[data.pop("kind")]
    if issubclass(kind, Section):
        data["blocks"] = [from_json(b) for b in data["blocks"]]
    if kind is Paragraph:
        data["runs"] = [Run(**r) for r in data["runs"]]
    if kind is BulletList:
        data["items"] = [[Run(**r) for r in item] for item in data["items"]]
    if kind is BulletinTitle:
        data["draft_notice"] = [Run(**r) for r in data["draft_notice"]]
    return kind(**data)
