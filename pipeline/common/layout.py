"""Where things are in the raw folder (SPEC 3). Standard library only: make's helpers use it too."""

from __future__ import annotations

from pathlib import Path

PROVINCE_FILE, UNITS_FILE, TARGETS_FILE = "province.toml", "units.csv", "targets.csv"
REFERENCE_FILES = (PROVINCE_FILE, UNITS_FILE, TARGETS_FILE)
# The province's own return form (SPEC 10), optional: a reference file when it is there.
FORM_FILE = "form.toml"
RETURNS_DIR = "returns"
COMMENTARY_DIR = "commentary"  # the analysts' words for each edition: commentary/<E>.md (SPEC 8)


def reference_files(raw_dir: Path) -> list[Path]:
    """The reference files a half-year's returns are read and checked with, form.toml when there is one."""
    raw_dir = Path(raw_dir)
    form = raw_dir / FORM_FILE
    return [raw_dir / name for name in REFERENCE_FILES] + ([form] if form.is_file() or form.is_symlink() else [])


def returns_dir(raw_dir: Path, period: object) -> Path:
    return Path(raw_dir) / RETURNS_DIR / str(period)


def _is_office_lock_file(path: Path) -> bool:
    """`~$DBP.xlsx` (Excel) and `.~lock.DBP.ods#` (LibreOffice) exist while a return is open; not returns."""
    return path.name.startswith(("~$", ".~lock.", "."))


def points_outside(path: Path, raw_dir: Path) -> bool:
    """A symbolic link to a file outside the raw folder: not read (it could be anything, /dev/zero too)."""
    return path.is_symlink() and not path.resolve().is_relative_to(Path(raw_dir).resolve())


def return_files(raw_dir: Path, period: object) -> list[Path]:
    """Every file of the half-year's returns folder, in name order, Office lock files left out."""
    folder = returns_dir(raw_dir, period)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if (p.is_file() or p.is_symlink()) and not _is_office_lock_file(p) and not p.is_dir()
    )


# An edition's outputs in its report folder, declared once: the stages, the Makefile (which includes
# what `python -m pipeline.common.layout` prints), the clean-up of a refused report, the manifest and the index read them from here.
INDICATORS_FILE = "indicators.csv"
BULLETIN_HTML, BULLETIN_PDF = "bulletin.html", "bulletin.pdf"
REPORT_DOCX, REPORT_PDF = "report.docx", "report.pdf"
ANNEX_XLSX = "tables.xlsx"
MANIFEST_FILE = "manifest.json"
DOCUMENTS = (BULLETIN_HTML, BULLETIN_PDF, REPORT_DOCX, REPORT_PDF, ANNEX_XLSX)
EDITION_OUTPUTS = (INDICATORS_FILE, *DOCUMENTS, MANIFEST_FILE)
# `make diff` writes these beside the documents; they are about the edition, not part of it (not in its
# manifest, not an input of its stages).
DIFF_CSV, DIFF_HTML = "diff.csv", "diff.html"
NOT_EDITION_FILES = (DIFF_CSV, DIFF_HTML)

# Published versions (SPEC 9): REPORTS_DIR/published/<E>/v<N>/, never rewritten, never cleaned.
PUBLISHED_DIR = "published"
PUBLICATION_FILE = "publication.json"
PUBLISHED_FILES = (*DOCUMENTS, INDICATORS_FILE, MANIFEST_FILE)


def published_dir(reports_dir: Path, edition: object) -> Path:
    return Path(reports_dir) / PUBLISHED_DIR / str(edition)


if __name__ == "__main__":
    print(f"EDITION_OUTPUTS := {' '.join(EDITION_OUTPUTS)}")
