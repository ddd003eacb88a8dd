"""The speed machinery, in one place: work done by other processes while this one goes on.

- `alongside` (`children`): a work run in a forked child while the caller's block runs (the bulletin's
  notebook beside the formal report's); what it raises is raised in the caller.
- `ready` (`workers`): the PDF workers, forked before the PDFs are wanted, loaded by an initializer
  (`load_weasyprint`), each given one work; in this process instead where a fork is unsafe (`can_fork`).
- `load_weasyprint`, `stamp_date`, `fonts_of_one_pdf`, `kept_subsets` (`weasyprint_loading`, `font_subsets`):
  every change made to a library's or the process's global state for the PDFs.

A process that stays loaded (the live preview's worker) uses the same API for each build: the workers are
forked per build from the loaded process, so each build gets workers that hold the code it runs.
"""

from __future__ import annotations

from pipeline.execution.parallel.children import STOP_GRACE_SECONDS, alongside, can_fork, fork_child
from pipeline.execution.parallel.font_subsets import kept_in as kept_subsets
from pipeline.execution.parallel.weasyprint_loading import fonts_of_one_pdf, load_weasyprint, stamp_date
from pipeline.execution.parallel.workers import InProcess, LayOut, Pdfs, Workers, ready

__all__ = [
    "STOP_GRACE_SECONDS",
    "InProcess",
    "LayOut",
    "Pdfs",
    "Workers",
    "alongside",
    "can_fork",
    "fonts_of_one_pdf",
    "fork_child",
    "kept_subsets",
    "load_weasyprint",
    "ready",
    "stamp_date",
]
