"""`python -m pipeline`: the command line the Makefile runs."""

import gc
import logging
import os
import sys

# Laying out a PDF makes millions of short-lived objects, and with the default threshold (700) the cycle
# collector ran often enough to cost a sixth of a rebuild. Collections still run, every 100,000 allocations.
gc.set_threshold(100_000, 50, 100)
# numpy's OpenBLAS would start a thread per core at import, for matrix work the pipeline never does; with
# one thread the process may fork its PDF workers and the bulletin's child (documents/pdf_workers.py).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from pipeline.cli import main  # noqa: E402
from pipeline.documents.background import quiet_about_interrupts  # noqa: E402

# Ctrl-C during an import is reported by the CLI as a stop, not also as an "exception ignored" traceback.
sys.unraisablehook = quiet_about_interrupts

status = main()
# A report loads pandas, matplotlib, nbconvert and WeasyPrint, and freeing their objects one by one at exit
# takes a third of a second: a seventh of a rebuild after a commentary change. Every file is written and
# closed by now (atomically, see iorw), so the process flushes what it printed and leaves at once.
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
