"""The sample generator's old entry point, kept for the maintainers' habits: the generator is the package
`testdata.sample` (its tables are data files beside it).

Usage: ``python tools/sample.py OUT_DIR`` (the checkout on PYTHONPATH), the same as ``python -m testdata.sample``.
"""

from __future__ import annotations

import sys

from testdata.sample import main

if __name__ == "__main__":
    sys.exit(main())
