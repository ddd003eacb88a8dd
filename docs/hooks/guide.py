"""MkDocs hook of the analysts' guide: messages quoted by rule id, the table of rules, and the generated files.

- `{{ thong_bao: RULE-ID }}` in a page becomes the rule's message and severity, read from
  pipeline/intake/rules.toml (never retyped in the guide, so it cannot go stale).
- `{{ bang_quy_tac }}` becomes the table of every rule (id, severity, message).
- `{{ vi_du_loi: NAME }}` becomes an example of a message that is no rule, made by the product's own code:
  `so-tinh`, an error in a notebook's cell (pipeline/execution/cell_errors.py, for a `NameError` in a cell
  added to 03_bulletin.ipynb as its 13th); `loi-binh`, a refused commentary with two misspelt placeholders
  (pipeline/documents/compose/commentary.py, written by docs/build.py into docs/_build/vi-du/ as it photographs the
  preview page that shows it).
- The pictures docs/build.py made from the sample (docs/_build/hinh/) are added to the site as `hinh/…`, and
  `huong-dan.pdf` (the printable guide, written after the site) is declared so that links to it resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

from pipeline.intake.rules import RULES

DOCS = Path(__file__).resolve().parent.parent
PICTURES = DOCS / "_build" / "hinh"
PDF_NAME = "huong-dan.pdf"
QUOTE = re.compile(r"\{\{\s*thong_bao:\s*([a-z0-9-]+)\s*\}\}")
TABLE = re.compile(r"\{\{\s*bang_quy_tac\s*\}\}")
EXAMPLE = re.compile(r"\{\{\s*vi_du_loi:\s*([a-z-]+)\s*\}\}")
EXAMPLES = DOCS / "_build" / "vi-du"
SEVERITY = {"error": "lỗi", "warning": "cảnh báo"}
FIELD = re.compile(r"\{[a-z_]+\}")


def message(rule_id: str) -> str:
    """The rule's message as the analyst sees it, each `{name}` the code fills in shown as `…`."""
    return FIELD.sub("…", RULES[rule_id].message)


def _quote(match: re.Match[str], page: str) -> str:
    rule_id = match.group(1)
    if rule_id not in RULES:
        raise ValueError(f"{page}: no rule {rule_id!r} in pipeline/intake/rules.toml")
    rule = RULES[rule_id]
    return f"«{message(rule_id)}» ({SEVERITY[rule.severity]}, mã quy tắc `{rule_id}`)"


def rules_table() -> str:
    rows = [
        f"| `{rule.id}` | {SEVERITY[rule.severity]} | {message(rule.id).replace('|', '/')} |" for rule in RULES.values()
    ]
    return "\n".join(["| Mã quy tắc | Mức | Thông báo |", "| --- | --- | --- |", *rows])


def cell_error_example() -> str:
    """What `make report` says of a `NameError` in a cell added to 03_bulletin.ipynb as its 13th cell."""
    from pipeline.execution import cell_errors

    source = "charts.composition(dat)\n"
    traceback = [
        "---------------------------------------------------------------------------",
        "NameError                                 Traceback (most recent call last)",
        "Cell In[13], line 1\n----> 1 charts.composition(dat)\n",
        "NameError: name 'dat' is not defined",
    ]
    return cell_errors.message(
        DOCS.parent / "notebooks" / "03_bulletin.ipynb",
        Path("reports/2017H1/notebooks/03_bulletin.ipynb"),
        13,  # its index in the executed copy, after the cell Papermill injects
        13,
        source,
        "NameError",
        "name 'dat' is not defined",
        traceback,
    )


def example(name: str, page: str) -> str:
    if name == "so-tinh":
        text = cell_error_example()
    elif name == "loi-binh":
        written = EXAMPLES / "loi-binh.txt"
        if not written.is_file():
            raise ValueError(f"{page}: no {written}; docs/build.py --sample writes it")
        text = written.read_text(encoding="utf-8")
    else:
        raise ValueError(f"{page}: no example {name!r}")
    return text.strip()


def on_page_markdown(markdown: str, page, config, files) -> str:
    name = page.file.src_uri
    markdown = QUOTE.sub(lambda m: _quote(m, name), markdown)
    markdown = EXAMPLE.sub(lambda m: example(m.group(1), name), markdown)
    return TABLE.sub(lambda _: rules_table(), markdown)


def on_files(files: Files, config) -> Files:
    for picture in sorted(PICTURES.glob("*.png")) if PICTURES.is_dir() else []:
        files.append(File.generated(config, f"hinh/{picture.name}", abs_src_path=str(picture)))
    files.append(File.generated(config, PDF_NAME, content=b""))
    return files
