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
from pathlib import Path, PurePosixPath

import pandas as pd

from pipeline.common import fmt, iorw, labels
from pipeline.common.errors import StageFailed
from pipeline.common.layout import DIFF_CSV, DIFF_HTML, INDICATORS_FILE, MANIFEST_FILE, RETURNS_DIR
from pipeline.common.periods import Edition, parse, periods_on_record
from pipeline.documents.compose.revisions import HEADLINE, shown
from pipeline.documents.render.annex import scope_names
from pipeline.indicators.compute import window_periods
from pipeline.indicators.table import WINDOWS, Indicators
from pipeline.intake import forms
from pipeline.intake.clean import load_sources
from pipeline.intake.reference import load_reference
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


@dataclass(frozen=True)
class Words:
    """How diff.html names what changed for the leadership: scopes, windows and input files in words (the
    terminal and diff.csv keep the codes and paths, for the analysts)."""

    scopes: dict[str, str]
    windows: dict[str, str]
    files: dict[str, str]  # a return's path -> the unit that sent it

    def scope(self, code: str) -> str:
        return self.scopes.get(code, code)

    def window(self, code: str) -> str:
        return labels.capitalized(self.windows.get(code, labels.WINDOW_NAMES.get(code, code)))

    def indicator(self, code: str) -> str:
        return HEADLINE_LABELS.get(code) or (forms.ROW_BY_CODE[code].label if code in forms.ROW_BY_CODE else code)

    def file(self, path: str) -> str:
        """`Báo cáo 6 tháng đầu năm 2017 của Đảng bộ huyện Điện Biên`; a reference file by what it holds."""
        parts = PurePosixPath(path).parts
        if len(parts) > 1 and parts[0] == RETURNS_DIR:
            try:
                half = f" {labels.half_year(parse(parts[1]))}"
            except ValueError:
                half = ""
            unit = self.files.get(path)
            return f"Báo cáo{half} của {unit}" if unit else f"Một tệp báo cáo{half}"
        if parts and parts[0] == "commentary":
            return "Phần nhận định, đánh giá của bản tin"
        return REFERENCE_FILES.get(path, "Một tệp danh mục của tỉnh")


HEADLINE_LABELS = dict(HEADLINE)
REFERENCE_FILES = {
    "province.toml": "Danh mục của tỉnh: nhiệm kỳ, loại hình đơn vị, phần đầu và phần ký của báo cáo",
    "units.csv": "Danh mục đơn vị",
    "targets.csv": "Chỉ tiêu kết nạp tỉnh giao",
    "form.toml": "Mẫu báo cáo",
}


def words(edition: Edition, raw_dir: Path | None, processed_dir: Path | None) -> Words:
    """The names diff.html uses; codes where the reference files or the cleaned returns are not at hand."""
    if raw_dir is None:
        return Words({}, {}, {})
    reference = load_reference(Path(raw_dir))
    windows = {w: labels.window_words(w, edition, window_periods(w, edition, reference)[0]) for w in WINDOWS}
    files: dict[str, str] = {}
    if processed_dir is not None:
        on_record = periods_on_record(Path(raw_dir), until=edition.last)
        present = [p for p in on_record if (Path(processed_dir) / str(p)).is_dir()]
        if present:
            sources = load_sources(Path(processed_dir), present)
            for row in sources.to_dict("records"):
                unit = reference.units.get(row["unit_code"])
                files[row["file"]] = unit.name if unit else row["unit_name"] or row["unit_code"]
    return Words(scope_names(reference), windows, files)


def diff(
    reports_dir: Path,
    edition: Edition,
    from_version: str = "",
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
) -> int:
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
    iorw.write_text(report_dir / DIFF_HTML, _html(changes, edition, words(edition, raw_dir, processed_dir)))
    print(_terminal(changes, edition), file=sys.stderr)
    print(f"Đã ghi {report_dir / DIFF_CSV} và {report_dir / DIFF_HTML}", file=sys.stderr)
    return 0


def _title(changes: Changes, edition: Edition, in_words: bool = False) -> str:
    version = changes.version
    return (
        f"{labels.capitalized(labels.edition(edition)) if in_words else f'Kỳ {edition}'}: thay đổi từ phiên bản {version.name} (phát hành ngày {fmt.date_short(version.date)}) "
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


def _html(changes: Changes, edition: Edition, names: Words) -> str:
    title = escape(_title(changes, edition, in_words=True))
    body = [f"<h1>{title}</h1>"]
    if not changes.indicators and not changes.inputs:
        body.append("<p>Không có thay đổi.</p>")
    if changes.indicators:
        header = "<tr><th>Phạm vi</th><th>Kỳ tính</th><th>Chỉ tiêu</th><th>Đã phát hành</th><th>Hiện tại</th></tr>"
        rows = "".join(
            f"<tr><td>{escape(names.scope(s))}</td><td>{escape(names.window(w))}</td>"
            f"<td>{escape(names.indicator(i))}</td>"
            f'<td class="num">{escape(shown(i, old))}</td><td class="num">{escape(shown(i, new))}</td></tr>'
            for s, w, i, old, new in changes.indicators
        )
        body.append(f"<h2>{len(changes.indicators)} chỉ tiêu thay đổi</h2><table>{header}{rows}</table>")
    if changes.inputs:
        items = "".join(f"<li>{INPUT_CHANGES[c]}: {escape(names.file(p))}</li>" for p, c in changes.inputs)
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
