"""Write environment.yml (for conda users) from requirements.lock, so that both pin the same versions.

Usage: python tools/write_environment_yml.py  (run by `make lock`; tests/test_environment.py checks the result)
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Generated from requirements.lock by tools/write_environment_yml.py: edit pyproject.toml, then `make lock`.
# conda env create -f environment.yml && conda activate dangvien-bulletin && pip install --no-deps -e .
name: dangvien-bulletin
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def main() -> None:
    pins = [line.strip() for line in (ROOT / "requirements.lock").read_text().splitlines()]
    pins = [pin for pin in pins if pin and not pin.startswith("#")]
    body = "".join(f"      - {pin}\n" for pin in pins)
    (ROOT / "environment.yml").write_text(HEADER + body, encoding="utf-8")


if __name__ == "__main__":
    main()
