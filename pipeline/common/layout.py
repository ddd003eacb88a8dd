"""Where things are: the checkout and its notebooks, the raw folder (SPEC 3), an edition's outputs, the
folders a run is given (`Folders`), and every state file and cache folder the stages keep beside their
outputs. Standard library only: make's helpers use it too."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # pipeline/
ROOT = PACKAGE.parent
NOTEBOOKS = {
    "clean": "01_clean.ipynb",
    "indicators": "02_indicators.ipynb",
    "bulletin": "03_bulletin.ipynb",
    "report": "04_report.ipynb",
}

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


# A half-year's outputs in its processed folder, the figures written last (make's target for the cleaning).
FIGURES_FILE, PROBLEMS_FILE, SOURCES_FILE = "figures.csv", "problems.csv", "sources.csv"
PROCESSED_FILES = (FIGURES_FILE, PROBLEMS_FILE, SOURCES_FILE)
# An edition's outputs in its report folder, declared once: the stages, the Makefile (through the makefile
# `pipeline.execution.make_facts` writes), the clean-up of a refused report, the manifest and the index read
# them from here.
INDICATORS_FILE = "indicators.csv"
BULLETIN_HTML, BULLETIN_PDF = "bulletin.html", "bulletin.pdf"
REPORT_DOCX, REPORT_PDF = "report.docx", "report.pdf"
ANNEX_XLSX = "tables.xlsx"
MANIFEST_FILE = "manifest.json"
DOCUMENTS = (BULLETIN_HTML, BULLETIN_PDF, REPORT_DOCX, REPORT_PDF, ANNEX_XLSX)
EDITION_OUTPUTS = (INDICATORS_FILE, *DOCUMENTS, MANIFEST_FILE)
# The list of every edition, in REPORTS_DIR (`make reports`), with the published versions.
INDEX_FILE = "index.html"
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


# State files, dot files beside what they describe (not part of an edition, not in its manifest).
LOCK_FILE = ".lock"  # in a half-year's processed folder and an edition's report folder: one run at a time
CLEAN_STAMP = ".clean.stamp"  # in a half-year's processed folder
# The stamps of an edition's stages, in its report folder (a refused report takes them with its files).
INDICATORS_STAMP, DOCUMENTS_STAMP, ANNEX_STAMP = ".indicators.stamp", ".documents.stamp", ".annex.stamp"
EDITION_STAMPS = (INDICATORS_STAMP, DOCUMENTS_STAMP, ANNEX_STAMP)
# What make watches, written by `python -m pipeline.execution.make_facts` (the one process make starts on a
# run) only when their content changes: a half-year's inputs in PROCESSED_DIR/<P>/, the half-years on record
# in PROCESSED_DIR, the code version in REPORTS_DIR.
INPUTS_FILE = ".inputs.sha256"
ON_RECORD_FILE = ".on-record"
CODE_VERSION_FILE = ".code-version"
# What make is told (the same process writes it): the calendar of half-years and editions, these names and
# the outputs, as a makefile it includes, in PROCESSED_DIR.
MAKE_FACTS_FILE = ".make-facts.mk"
# Written by make's own rules, in an edition's report folder: the options of its last report (DRAFT, ENGINE)
# and the SHA-256 of its commentary (RAW_DIR/commentary/<E>.md), each rewritten only when it changes.
OPTIONS_FILE = ".options"
COMMENTARY_DIGEST_FILE = ".commentary.sha256"
# Caches in an edition's report folder, kept across builds.
CHART_CACHE_DIR = ".charts"
FONT_CACHE_DIR = ".font-subsets"
TEMPLATE_CACHE_DIR = ".compiled-templates"
# The caches whose entries are named by everything they are made from (the charts' pictures, the PDFs' font
# subsets): where this environment variable names a folder, they are kept there, shared by every edition and
# every output folder, instead of in each edition's folder. The outputs are the same bytes either way. The
# tests set it, so that a run draws each chart of the sample once rather than in each of its builds.
SHARED_CACHE_VARIABLE = "PIPELINE_SHARED_CACHE"


def content_cache(edition_dir: Path, name: str) -> Path:
    """The folder of the cache `name` (CHART_CACHE_DIR or FONT_CACHE_DIR) for the edition in `edition_dir`."""
    shared = os.environ.get(SHARED_CACHE_VARIABLE, "").strip()
    return Path(shared) / name if shared else edition_dir / name


REPORT_PAGE = ".report-page.html"  # the formal report's HTML, from which its PDF is laid out


@dataclass(frozen=True)
class Folders:
    raw: Path
    processed: Path
    reports: Path
    notebooks: Path

    def executed(self, run: object, stage: str) -> Path:
        """Where the executed copy of a stage's notebook is kept: with the report of the half-year it cleaned
        or of the edition it made (`run`, a Period or an Edition: `periods` imports this module)."""
        return self.reports / str(run) / "notebooks" / NOTEBOOKS[stage]

    def notebook(self, stage: str) -> Path:
        return self.notebooks / NOTEBOOKS[stage]

    def label(self, path: Path) -> str:
        """`processed/2017H1/figures.csv`: an output's name in a stamp, the same wherever the folders are
        (a copy of them elsewhere is still up to date)."""
        for name, folder in (("processed", self.processed), ("reports", self.reports)):
            if path.is_relative_to(folder):
                return f"{name}/{path.relative_to(folder).as_posix()}"
        raise ValueError(f"{path} is in neither output folder")
