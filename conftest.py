"""Shared by every test run, including nbval's over notebooks/."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Under pytest-xdist (`--dist loadgroup`), a notebook's cells share one kernel: keep them on one worker.
    for item in items:
        if item.fspath.ext == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(name=item.fspath.basename))
