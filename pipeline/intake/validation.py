"""Showing the problems of a half-year: a table for the terminal, `validation.csv` and `validation.html`
(a page an analyst can send back to a unit)."""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

from pipeline.common import iorw
from pipeline.common.layout import returns_dir
from pipeline.common.periods import Period
from pipeline.intake.problems import ERROR, SEVERITY_VI, Problem

# `Mã quy tắc`: the rule's id (`rules.toml`, listed in the README), for sorting and filtering in a spreadsheet.
HEADERS = ("Mức", "Đơn vị", "Tệp", "Trang", "Ô", "Giá trị gặp", "Giá trị cần", "Nội dung", "Mã quy tắc")
CSV_FILE, HTML_FILE = "validation.csv", "validation.html"


def _fields(problem: Problem) -> tuple[str, ...]:
    return (
        SEVERITY_VI[problem.severity],
        problem.unit_code,
        problem.file,
        problem.sheet,
        problem.cell,
        problem.value,
        problem.expected,
        problem.message,
        problem.rule,
    )


def summary(period: Period, problems: list[Problem]) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    return f"Kỳ {period}: {errors} lỗi, {len(problems) - errors} cảnh báo."


def table(problems: list[Problem]) -> str:
    """Aligned columns for a terminal: level, unit, place, then what was found and what is expected."""
    rows = [
        (SEVERITY_VI[p.severity], p.unit_code or "—", p.place or "—", p.message, p.value, p.expected) for p in problems
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)] if rows else [0, 0, 0]
    lines = []
    for level, unit, place, message, value, expected in rows:
        detail = "; ".join(
            part for part in (f"gặp «{value}»" if value else "", f"cần {expected}" if expected else "") if part
        )
        line = f"  {level:<{widths[0]}}  {unit:<{widths[1]}}  {place:<{widths[2]}}  {message}"
        lines.append(line + (f" ({detail})" if detail else ""))
    return "\n".join(lines)


def _csv_text(problems: list[Problem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([iorw.csv_safe(value) for value in _fields(p)] for p in problems)
    # With a byte-order mark, Excel opens the file as UTF-8 and shows the Vietnamese as written.
    return "\ufeff" + buffer.getvalue()


# The table of problems scrolls in its own box on a phone (focusable: a keyboard scrolls it), so that the
# page does not scroll sideways.
PROBLEMS_LABEL = "Danh sách lỗi và cảnh báo"


def _html(period: Period, problems: list[Problem], raw_dir: Path) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    rows = "".join(
        f'<tr class="{p.severity}">' + "".join(f"<td>{escape(v)}</td>" for v in _fields(p)) + "</tr>" for p in problems
    )
    headers = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    verdict = (
        f"<p><strong>{errors} lỗi</strong> phải sửa trước khi lập bản tin; {len(problems) - errors} cảnh báo.</p>"
        if errors
        else f"<p>Không có lỗi; {len(problems)} cảnh báo.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kiểm tra báo cáo {escape(str(period))}</title>
<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5rem}}table{{border-collapse:collapse;font-size:.85rem}}
td,th{{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}}tr.error td:first-child{{color:#b22222;font-weight:bold}}
p{{overflow-wrap:anywhere}}.scroll{{overflow-x:auto}}.scroll table{{min-width:36rem}}@media (max-width:40rem){{body{{margin:.75rem}}}}</style>
</head><body><main><h1>Kiểm tra báo cáo {escape(period.label_vi())}</h1>
<p>Thư mục: {escape(str(returns_dir(raw_dir, period)))}</p>{verdict}
<div class="scroll" role="region" tabindex="0" aria-label="{PROBLEMS_LABEL}">
<table><thead><tr>{headers}</tr></thead><tbody>{rows}</tbody></table></div></main></body></html>
"""


def write_reports(folder: Path, period: Period, problems: list[Problem], raw_dir: Path) -> list[Path]:
    """`validation.csv` and `validation.html` in `folder`."""
    csv_path, html_path = Path(folder) / CSV_FILE, Path(folder) / HTML_FILE
    iorw.write_text(csv_path, _csv_text(problems))
    iorw.write_text(html_path, _html(period, problems, raw_dir))
    return [csv_path, html_path]
