"""`make diff`: what differs between a published version of an edition and its current build (SPEC 9).

Every indicator whose value changed (from the two `indicators.csv`) and every input file added, removed or
changed (from the two manifests' SHA-256): a table in the terminal, `diff.csv` for a spreadsheet and
`diff.html` for the leadership, in the edition's report folder.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from pipeline.common import fmt, iorw
from pipeline.common.errors import StageFailed
from pipeline.common.layout import DIFF_CSV, DIFF_HTML, INDICATORS_FILE, MANIFEST_FILE
from pipeline.common.periods import Edition
from pipeline.documents.revisions import shown
from pipeline.indicators.table import Indicators
from pipeline.publishing.versions import Version, chosen, comparable, versions

INPUT_CHANGES = {"added": "thêm", "removed": "bỏ", "changed": "đổi"}
DIFF_COLUMNS = ["kind", "scope", "window", "indicator", "file", "published", "now"]


@dataclass(frozen=True)
class Changes:
    version: Version
    indicators: list[tuple[str, str, str, object, object]]  # scope, window, indicator, published, now
    inputs: list[tuple[str, str]]  # file, added | removed | changed

    def frame(self) -> pd.DataFrame:
        rows = [["indicator", s, w, i, "", _csv(old), _csv(new)] for s, w, i, old, new in self.indicators]
        rows += [[f"input_{change}", "", "", "", path, "", ""] for path, change in self.inputs]
        return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def _csv(value: object) -> str:
    return "" if value is None else str(value)


def compare(version: Version, report_dir: Path) -> Changes:
    before, now = Indicators.read(version.folder / INDICATORS_FILE), Indicators.read(report_dir / INDICATORS_FILE)
    old_values, new_values = dict(before.items()), dict(now.items())
    keys = list(old_values) + [key for key in new_values if key not in old_values]
    indicators = [
        (*key, old_values.get(key), new_values.get(key)) for key in keys if old_values.get(key) != new_values.get(key)
    ]
    old_inputs, new_inputs = _inputs(version.folder), _inputs(report_dir)
    inputs = [(path, "removed") for path in sorted(old_inputs) if path not in new_inputs]
    inputs += [(path, "added") for path in sorted(new_inputs) if path not in old_inputs]
    inputs += [(p, "changed") for p in sorted(old_inputs) if p in new_inputs and old_inputs[p] != new_inputs[p]]
    return Changes(version, indicators, sorted(inputs))


def _inputs(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}


def diff(reports_dir: Path, edition: Edition, from_version: str = "") -> int:
    published = versions(reports_dir, edition)
    if not published:
        raise StageFailed(
            f"Kỳ {edition} chưa có phiên bản nào được phát hành: không có gì để so sánh "
            f"(phát hành bằng make publish PERIOD={edition})."
        )
    older = ", ".join(f"FROM={v.name}" for v in published[-2::-1])
    hint = f"Có thể so với phiên bản trước: {older}." if older and not from_version.strip() else ""
    version = comparable(chosen(published, from_version, edition, "FROM"), edition, hint)
    report_dir = Path(reports_dir) / str(edition)
    changes = compare(version, report_dir)
    iorw.write_csv(report_dir / DIFF_CSV, changes.frame())
    iorw.write_text(report_dir / DIFF_HTML, _html(changes, edition))
    print(_terminal(changes, edition), file=sys.stderr)
    print(f"Đã ghi {report_dir / DIFF_CSV} và {report_dir / DIFF_HTML}", file=sys.stderr)
    return 0


def _title(changes: Changes, edition: Edition) -> str:
    version = changes.version
    return (
        f"Kỳ {edition}: thay đổi từ phiên bản {version.name} (phát hành ngày {fmt.date_short(version.date)}) "
        "đến bản hiện tại"
    )


def _terminal(changes: Changes, edition: Edition) -> str:
    lines = [_title(changes, edition)]
    if not changes.indicators and not changes.inputs:
        return lines[0] + "\nKhông có thay đổi."
    if changes.indicators:
        rows = [("Phạm vi", "Kỳ tính", "Chỉ tiêu", "Đã phát hành", "Hiện tại")]
        rows += [(s, w, i, shown(i, old), shown(i, new)) for s, w, i, old, new in changes.indicators]
        widths = [max(len(row[c]) for row in rows) for c in range(5)]
        lines.append(f"{len(changes.indicators)} chỉ tiêu thay đổi:")
        lines += ["  " + "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip() for row in rows]
    if changes.inputs:
        lines.append(f"{len(changes.inputs)} tệp đầu vào thay đổi:")
        lines += [f"  {INPUT_CHANGES[change]}: {path}" for path, change in changes.inputs]
    return "\n".join(lines)


def _html(changes: Changes, edition: Edition) -> str:
    title = escape(_title(changes, edition))
    body = [f"<h1>{title}</h1>"]
    if not changes.indicators and not changes.inputs:
        body.append("<p>Không có thay đổi.</p>")
    if changes.indicators:
        header = "<tr><th>Phạm vi</th><th>Kỳ tính</th><th>Chỉ tiêu</th><th>Đã phát hành</th><th>Hiện tại</th></tr>"
        rows = "".join(
            f"<tr><td>{escape(s)}</td><td>{escape(w)}</td><td>{escape(i)}</td>"
            f'<td class="num">{escape(shown(i, old))}</td><td class="num">{escape(shown(i, new))}</td></tr>'
            for s, w, i, old, new in changes.indicators
        )
        body.append(f"<h2>{len(changes.indicators)} chỉ tiêu thay đổi</h2><table>{header}{rows}</table>")
    if changes.inputs:
        items = "".join(f"<li>{INPUT_CHANGES[c]}: {escape(p)}</li>" for p, c in changes.inputs)
        body.append(f"<h2>{len(changes.inputs)} tệp đầu vào thay đổi</h2><ul>{items}</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font-family:'DejaVu Sans',Arial,sans-serif;margin:1.5rem auto;"
        "max-width:60rem;padding:0 .75rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem;text-align:left}td.num{text-align:right}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
