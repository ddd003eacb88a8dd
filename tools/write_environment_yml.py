"""Write environment.yml (for conda users) from requirements.lock, so that both pin the same versions.

Usage: python tools/write_environment_yml.py  (run by `make lock`; tests/unit/test_environment.py checks the result)
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Generated from requirements.lock by tools/write_environment_yml.py: edit pyproject.toml, then `make lock`.
#   conda env create -f environment.yml && conda activate dangvien-bulletin
#   make report PERIOD=2017H1        # make uses the active environment as it is (no .venv) when it holds every pin
# From conda-forge: Python and the system libraries WeasyPrint loads (Pango, HarfBuzz, fontconfig, …), which pip
# cannot install on Windows or macOS. From pip: the Python packages, at the lock file's exact versions (the same
# ones .venv gets), so that every machine renders the same bytes.
name: dangvien-bulletin
channels:
  - conda-forge
dependencies:
  - python>=3.11,<3.14
  - pango>=1.44
  - harfbuzz
  - fontconfig
  - libffi
  - make>=4.3
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
