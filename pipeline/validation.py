"""The validation report of a half-year: every problem found, in Vietnamese, as one HTML page."""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipeline import iorw
from pipeline.layout import returns_dir
from pipeline.periods import Period
from pipeline.problems import ERROR, SEVERITY_VI, Problem


def write_report(path: Path, period: Period, problems: list[Problem], raw_dir: Path) -> Path:
    errors = sum(p.severity == ERROR for p in problems)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(v)}</td>"
            for v in (SEVERITY_VI[p.severity], p.unit_code, p.file, p.sheet, p.cell, p.value, p.expected, p.message)
        )
        + "</tr>"
        for p in problems
    )
    headers = "".join(
        f"<th>{h}</th>" for h in ("Mức", "Đơn vị", "Tệp", "Trang", "Ô", "Giá trị gặp", "Giá trị cần", "Nội dung")
    )
    verdict = (
        f"<p><strong>{errors} lỗi</strong> phải sửa trước khi lập bản tin; {len(problems) - errors} cảnh báo.</p>"
        if errors
        else f"<p>Không có lỗi; {len(problems)} cảnh báo.</p>"
    )
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kiểm tra báo cáo {escape(str(period))}</title>
<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5rem}}table{{border-collapse:collapse;font-size:.85rem}}
td,th{{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}}</style></head>
<body><h1>Kiểm tra báo cáo {escape(period.label_vi())}</h1>
<p>Thư mục: {escape(str(returns_dir(raw_dir, period)))}</p>{verdict}
<table><thead><tr>{headers}</tr></thead><tbody>{rows}</tbody></table></body></html>
"""
    iorw.write_text(path, html)
    return path
