"""`python -m testdata.sample OUT_DIR`: write the Điện Biên sample into OUT_DIR."""

import sys

from testdata.sample import main

sys.exit(main())
