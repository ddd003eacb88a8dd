"""What a report depends on has one owner: every kind of file under pipeline/ reaches the outputs, each time
it is edited (make reruns the report when any file of the package is newer; the stages' content keys decide
what runs), and rewording a command-line message reruns no stage."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_RAW, copy_of_checkout, make, make_command

EDITION = ("report", "PERIOD=2017H1")
STAGE_WORDS = ("Làm sạch báo cáo", "Tính chỉ tiêu", "Lập bản tin")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_build: Path) -> tuple[Path, Path]:
    """A checkout of its own (its code may be edited) and its build of 2017H1, started from the sample's."""
    folder = tmp_path_factory.mktemp("dependencies")
    checkout = copy_of_checkout(folder / "checkout")
    out = folder / "out"
    for name in ("processed", "reports"):
        shutil.copytree(sample_build / name, out / name, symlinks=True)
    build(checkout, out)
    return checkout, out


def build(checkout: Path, out: Path) -> str:
    """`make report` in the checkout, with its own code; what it printed."""
    done = make(*EDITION, cwd=checkout, out=out, prefix=("env", f"PYTHONPATH={checkout}"))
    return done.stdout + done.stderr


def reran(checkout: Path, out: Path) -> bool:
    """Whether make runs the report again: `make report` with a stage command that does nothing (make's own
    decision, as it stands, without the seconds a stage takes)."""
    command = make_command(*EDITION, "STAGE=true", raw=SAMPLE_RAW, out=out)
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stdout + done.stderr
    return "Kỳ 2017H1:" in done.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_message_edited_twice_in_rules_toml_reaches_problems_csv_each_time(built: tuple[Path, Path]) -> None:
    checkout, out = built
    rules = checkout / "pipeline" / "intake" / "rules.toml"
    problems = out / "processed" / "2016H2" / "problems.csv"
    said = "Báo cáo nộp muộn (quá"
    for n in (1, 2):
        wording = f"Báo cáo nộp muộn, lần sửa thứ {n} (quá"
        edit(rules, said, wording)
        said = wording
        build(checkout, out)
        assert f"{wording} 20 ngày sau khi hết kỳ)." in problems.read_text(encoding="utf-8")


def test_a_template_and_a_stylesheet_edited_twice_reach_the_bulletin_each_time(built: tuple[Path, Path]) -> None:
    checkout, out = built
    templates = checkout / "pipeline" / "documents" / "templates"
    bulletin = out / "reports" / "2017H1" / "bulletin.html"
    said = "toàn tỉnh đã kết nạp"
    for n in (1, 2):
        with (templates / "bulletin.css").open("a", encoding="utf-8") as css:
            css.write(f".sua-lan-{n} {{ color: #00000{n}; }}\n")
        edit(templates / "lead.html.j2", said, f"toàn tỉnh (sửa lần {n}) đã kết nạp")
        said = f"toàn tỉnh (sửa lần {n}) đã kết nạp"
        build(checkout, out)
        html = bulletin.read_text(encoding="utf-8")
        assert f".sua-lan-{n}" in html and said in html


@pytest.mark.parametrize(
    "name",
    [
        "pipeline/indicators/compute.py",
        "pipeline/intake/default_form.toml",
        "pipeline/documents/fonts/DejaVuSans.ttf",
        "pipeline/documents/templates/print.css",
    ],
)
def test_every_kind_of_file_edited_twice_makes_the_report_out_of_date(built: tuple[Path, Path], name: str) -> None:
    # The second edit must be seen on its own, as the first was: the case make missed when it listed the
    # code files itself (after a first edit, the code version no longer changed).
    checkout, out = built
    path = checkout / name
    original = path.read_bytes()
    try:
        for n in (1, 2):
            assert not reran(checkout, out)
            path.write_bytes(original + f"\n# sửa lần {n}\n".encode())
            assert reran(checkout, out), f"edit {n} of {name} not seen by make"
    finally:
        path.write_bytes(original)
        reran(checkout, out)  # the restored file is newer than the outputs again


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("pipeline/cli.py", "Danh mục bản tin:", "Danh mục các bản tin:"),
        ("pipeline/build.py", "cảnh báo (ghi trong phần", "cảnh báo (ghi ở phần"),
    ],
)
def test_rewording_a_message_of_the_command_line_or_the_build_reruns_no_stage(
    built: tuple[Path, Path], name: str, old: str, new: str
) -> None:
    checkout, out = built
    build(checkout, out)
    path = checkout / name
    original = path.read_bytes()
    try:
        edit(path, old, new)
        printed = build(checkout, out)
        assert not any(words in printed for words in STAGE_WORDS), printed
    finally:
        path.write_bytes(original)
