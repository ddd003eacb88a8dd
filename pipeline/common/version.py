"""Which code produced an output: the package version and, in a git checkout, the commit."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

import pipeline

LIBRARIES = (
    "babel",
    "jinja2",
    "matplotlib",
    "nbconvert",
    "nbformat",
    "pandas",
    "papermill",
    "python-calamine",
    "weasyprint",
)


@cache
def code_version() -> str:
    """`0.1.0+g1a2b3c4` in a git checkout (with `.dirty` when files differ from the commit), else `0.1.0`."""
    root = Path(pipeline.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--", "pipeline", "notebooks"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return pipeline.__version__
    return f"{pipeline.__version__}+g{commit}{'.dirty' if dirty else ''}"


def library_versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        versions[name] = metadata.version(name)
    return versions
