"""Whether a Python environment holds the product's pinned packages (requirements.lock), so that `make` can use
an active conda or virtual environment as it is instead of building `.venv`. Standard library only: it runs
in that environment before anything else is known about it.

`python -m pipeline.common.pins requirements.lock`: exit 0 when every pin is installed at its version; else the
missing or different ones, one per line, and exit 1.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

# Packages the lock pins that only `make lock`, the tests or the tools need: not required of an environment
# an analyst brings (conda may ship setuptools at another version, for instance).
NOT_REQUIRED = {"pip", "setuptools", "wheel"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def differences(lock: Path) -> list[str]:
    """`name==wanted (installed: x)` for each pin the running environment does not satisfy."""
    installed = {_normal(d.metadata["Name"] or ""): d.version for d in metadata.distributions()}
    found = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        pin = line.split("#", 1)[0].strip()
        if "==" not in pin:
            continue
        name, wanted = (part.strip() for part in pin.split("==", 1))
        if _normal(name) in NOT_REQUIRED:
            continue
        have = installed.get(_normal(name))
        if have != wanted:
            found.append(f"{name}=={wanted} (installed: {have or 'none'})")
    return found


if __name__ == "__main__":
    missing = differences(Path(sys.argv[1]))
    print("\n".join(missing))
    sys.exit(1 if missing else 0)
