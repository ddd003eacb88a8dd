"""`python -m pipeline`: the command line the Makefile runs."""

# Ctrl-C is handled from the first statement on: it may come while the libraries load (about 1.6 s).
import sys

from pipeline.execution import interrupts

try:
    interrupts.install()
    import gc
    import logging
    import os

    # Laying out a PDF makes millions of short-lived objects, and with the default threshold (700) the cycle
    # collector ran often enough to cost a sixth of a rebuild. Collections still run, every 100,000 allocations.
    gc.set_threshold(100_000, 50, 100)
    # numpy's OpenBLAS would start a thread per core at import, for matrix work the pipeline never does; with
    # one thread the process may fork its PDF workers and the bulletin's child (pipeline/execution/parallel/).
    for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")

    from pipeline.cli import main

    status = main()
    # A report loads pandas, matplotlib, nbconvert and WeasyPrint, and freeing their objects one by one at
    # exit takes a third of a second: a seventh of a rebuild after a commentary change. Every file is written
    # and closed by now (atomically, see iorw), so the process flushes what it printed and leaves at once.
    logging.shutdown()
except BaseException:
    if not interrupts.received():
        raise  # a bug: its traceback
    status = interrupts.STOPPED
    print(interrupts.MESSAGE, file=sys.stderr)
else:
    if interrupts.received() and status != interrupts.STOPPED:  # stopped where Python could not say so
        print(interrupts.MESSAGE, file=sys.stderr)
        status = interrupts.STOPPED
interrupts.leave(status)
