"""What each process of a report loads, and what loading WeasyPrint costs: a report is mostly its imports
(bench/RESULTS.md), so a heavy library belongs only to the process that uses it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("pandas", "papermill", "nbconvert", "weasyprint", "docx", "xlsxwriter", "matplotlib")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run


def _loaded_after(module: str) -> set[str]:
    code = f"import json, sys, {module}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    return set(json.loads(_run(code).stdout))


def test_a_report_that_has_nothing_to_do_loads_no_library() -> None:
    assert _loaded_after("pipeline.cli") == set()


def test_the_documents_stage_leaves_each_library_to_the_processes_that_use_it() -> None:
    """Papermill is loaded after the bulletin's child is forked, by it and by the main process; nbconvert and
    WeasyPrint by the PDF workers, python-docx and XlsxWriter by the main process (documents/stage.py)."""
    assert _loaded_after("pipeline.documents.stage") == {"pandas"}


COUNT_PROCESSES = """
import subprocess
started = []
original = subprocess.Popen.__init__
def counted(self, args, *more, **options):
    started.append(args)
    original(self, args, *more, **options)
subprocess.Popen.__init__ = counted
from pipeline.documents.render import pdf
pdf.load_weasyprint()
print(started)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_loading_weasyprint_starts_no_process() -> None:
    """Without the shortcut of `execution.parallel.weasyprint_loading._no_library_search`, cffi's lookups run ldconfig, gcc and ld."""
    assert _run(COUNT_PROCESSES).stdout.strip() == "[]"


FOUND_ONLY_BY_SEARCH = """
import ctypes.util, cffi
search, original = ctypes.util.find_library, cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    # A system whose libraries the loader does not find by name: only the search finds them.
    if ctypes.util.find_library is not search:
        raise OSError(f"cannot load library {name!r}")
    return original(self, name, flags)
cffi.FFI.dlopen = dlopen
from pipeline.documents.render import pdf
_, html, _ = pdf.load_weasyprint()
print(html(string="<p>Xin chào</p>").write_pdf()[:5].decode())
"""


def test_weasyprint_whose_libraries_only_the_search_finds_still_loads() -> None:
    run = _run(FOUND_ONLY_BY_SEARCH)
    assert run.stdout == "%PDF-\n"  # and WeasyPrint's help from the first try is not printed
