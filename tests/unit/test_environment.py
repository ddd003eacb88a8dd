"""The lock file and environment.yml pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            match = PIN.match(line.strip())
            assert match, f"not an exact pin in requirements.lock: {line!r}"
            pins[_normalise(match.group(1))] = match.group(2)
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9_.\-]+)==(\S+)$", line)
        if match:
            pins[_normalise(match.group(1))] = match.group(2)
    return pins


def test_environment_yml_matches_the_lock() -> None:
    assert _environment_pins() == _lock_pins()


def test_environment_yml_asks_for_a_supported_python_and_pango_from_conda_forge() -> None:
    text = (ROOT / "environment.yml").read_text()
    assert "  - python>=3.11,<3.14\n" in text and "  - pango>=1.44\n" in text


def test_every_direct_dependency_is_locked() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = {_normalise(re.split(r"[<>=!~\[; ]", dep)[0]) for dep in project["dependencies"]}
    assert direct <= set(_lock_pins())
