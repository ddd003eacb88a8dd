"""`reports/index.html`: every bulletin on record, with its headline figures and links (`make reports`)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from pipeline.common import fmt, iorw
from pipeline.common.layout import (
    ANNEX_XLSX,
    BULLETIN_HTML,
    BULLETIN_PDF,
    INDEX_FILE,
    INDICATORS_FILE,
    MANIFEST_FILE,
    PUBLISHED_DIR,
    REPORT_DOCX,
    REPORT_PDF,
)
from pipeline.common.periods import Edition, parse_edition
from pipeline.indicators.table import PROVINCE, Indicators
from pipeline.publishing.versions import content_of, versions

# The documents each edition links to, with how the index names them.
LINKS = (
    (BULLETIN_HTML, "Bản tin (HTML)"),
    (BULLETIN_PDF, "Bản tin (PDF)"),
    (REPORT_DOCX, "Báo cáo (Word)"),
    (REPORT_PDF, "Báo cáo (PDF)"),
    (ANNEX_XLSX, "Phụ lục số liệu (Excel)"),
)

# The analysts' guide, copied beside the reports by `make docs`: linked from the index when it is there.
GUIDE_DIR = "huong-dan"


def _editions(reports_dir: Path) -> list[tuple[Edition, Path]]:
    found = []
    for folder in Path(reports_dir).iterdir() if Path(reports_dir).is_dir() else []:
        try:
            edition = parse_edition(folder.name)
        except ValueError:
            continue
        if (folder / MANIFEST_FILE).is_file() and (folder / INDICATORS_FILE).is_file():
            found.append((edition, folder))
    # Newest first, by the last half-year each covers; a year's edition before its second half-year's.
    return sorted(found, key=lambda item: (item[0].last.index, item[0].annual), reverse=True)


def _row(edition: Edition, folder: Path) -> str:
    ind = Indicators.read(folder / INDICATORS_FILE)
    draft = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))["parameters"].get("draft", False)

    def n(window: str, name: str) -> str:
        return fmt.number(ind.get(PROVINCE, window, name))  # type: ignore[arg-type]

    def p(window: str, name: str) -> str:
        return fmt.percent(ind.get(PROVINCE, window, name))  # type: ignore[arg-type]

    label = edition.label_vi().capitalize() + (" <strong>(bản nháp)</strong>" if draft else "")
    cells = [
        label,
        n("period", "admitted"),
        p("period", "target_pct"),
        n("term_to_date", "admitted"),
        p("term_to_date", "target_pct"),
        f"{n('term_to_date', 'villages_no_member_start')} → {n('term_to_date', 'villages_no_member_end')}",
        " · ".join(f'<a href="{escape(folder.name)}/{name}">{label}</a>' for name, label in LINKS),
        _published(edition, folder),
    ]
    return "<tr>" + "".join(f"<td{' class=num' if 0 < i < 6 else ''}>{c}</td>" for i, c in enumerate(cells)) + "</tr>"


def _published(edition: Edition, folder: Path) -> str:
    """Each published version, linked, with its date; a flag when the current build differs from the last."""
    published = versions(folder.parent, edition)
    if not published:
        return "chưa phát hành"
    links = " · ".join(
        f'<a href="{PUBLISHED_DIR}/{escape(str(edition))}/{v.name}/{BULLETIN_HTML}">{v.name}</a> '
        + (f"({fmt.date_short(v.date)})" if v.record is not None else '<strong class="changed">⚠ bị sửa</strong>')
        for v in reversed(published)  # newest first
    )
    readable = [v for v in published if v.record is not None]
    if readable and readable[-1].content != content_of(folder):
        links += f' <strong class="changed">⚠ bản hiện tại khác {readable[-1].name}</strong>'
    return links


def write_index(reports_dir: Path, province: str) -> Path:
    rows = "\n".join(_row(edition, folder) for edition, folder in _editions(reports_dir))
    headers = (
        "Kỳ",
        "Kết nạp trong kỳ",
        "% chỉ tiêu",
        "Kết nạp từ đầu nhiệm kỳ",
        "% chỉ tiêu nhiệm kỳ",
        "Thôn, bản chưa có đảng viên",
        "Tài liệu",
        "Đã phát hành",
    )
    guide = (
        f'<p><a href="{GUIDE_DIR}/index.html">Hướng dẫn sử dụng</a></p>'
        if (Path(reports_dir) / GUIDE_DIR / "index.html").is_file()
        else ""
    )
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bản tin công tác phát triển đảng viên — Tỉnh {escape(province)}</title>
<style>body{{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 .75rem}}
h1{{color:#b22222;font-size:1.4rem}}table{{border-collapse:collapse;width:100%;font-size:.9rem;display:block;overflow-x:auto}}
td,th{{border:1px solid #d0d0d0;padding:.25rem .5rem;text-align:left}}th{{background:#f3f3f3}}td.num{{text-align:right;white-space:nowrap}}</style>
</head><body><h1>Bản tin công tác phát triển đảng viên — Tỉnh {escape(province)}</h1>
<table><thead><tr>{"".join(f"<th>{h}</th>" for h in headers)}</tr></thead><tbody>
{rows}
</tbody></table>{guide}</body></html>
"""
    path = Path(reports_dir) / INDEX_FILE
    iorw.write_text(path, html)
    return path
