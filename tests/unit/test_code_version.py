"""The code version (SPEC 6 item 5, SPEC 9): in words in a document, in full in the manifest and metadata;
what git says changed; publishing refuses changed code; `make verify` outside a checkout checks the digest.
Unit tests: the builds that show it end to end are in test_publishing."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from pipeline.common import version
from pipeline.common.errors import StageFailed
from pipeline.common.periods import parse_edition
from pipeline.common.version import Code
from pipeline.publishing import publish, verify
from pipeline.publishing.versions import Version

EDITION = parse_edition("2017H1")


def _git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=Thử", "-c", "user.email=thu@example.org", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _repository(folder: Path) -> Path:
    (folder / "pipeline").mkdir(parents=True)
    for name in ("a.py", "b.py", "tên có dấu cách.py"):
        (folder / "pipeline" / name).write_text("x = 1\n", encoding="utf-8")
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "03_bulletin.ipynb").write_text("{}\n", encoding="utf-8")
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "một")
    return folder


def test_what_git_says_changed_under_pipeline_and_only_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path / "checkout")
    monkeypatch.setattr(version, "ROOT", root)
    clean = version.code.__wrapped__()
    commit, date = _git(root, "log", "-1", "--format=%H %cs").split()
    assert (clean.commit, clean.date, clean.changed) == (commit, dt.date.fromisoformat(date), ())
    (root / "notebooks" / "03_bulletin.ipynb").write_text('{"edited": 1}\n', encoding="utf-8")
    assert version.code.__wrapped__() == clean  # a notebook is the analysts': not program code
    (root / "pipeline" / "tên có dấu cách.py").write_text("x = 2\n", encoding="utf-8")
    _git(root, "mv", "pipeline/a.py", "pipeline/c.py")
    (root / "pipeline" / "new.py").write_text("", encoding="utf-8")
    changed = version.code.__wrapped__()
    assert changed.changed == ("pipeline/c.py", "pipeline/new.py", "pipeline/tên có dấu cách.py")
    assert changed.key() != clean.key() and changed.words() == clean.words()
    assert clean.words() == f"phiên bản {clean.version}, ngày {clean.date.day}-{clean.date.month}-{clean.date.year}"


def test_outside_a_checkout_the_version_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a repository, or a repository that merely holds a copy (an installed package inside a user's
    repository): no commit, no date; the digest still recorded."""
    holder = _repository(tmp_path / "holder")
    for root in (tmp_path / "unpacked", holder / "pipeline"):
        root.mkdir(exist_ok=True)
        monkeypatch.setattr(version, "ROOT", root)
        found = version.code.__wrapped__()
        assert (found.commit, found.date, found.changed) == (None, None, ()), root
        assert found.words() == f"phiên bản {found.version}"
        assert found.record("ab" * 32) == {
            "version": found.version,
            "commit": None,
            "date": None,
            "changed_from_commit": None,
            "sha256": "ab" * 32,
        }
        assert "ab" * 32 in found.generator("ab" * 32)


def test_publishing_refuses_changed_code_naming_at_most_ten_files() -> None:
    changed = tuple(f"pipeline/m{n:02}.py" for n in range(12))
    publish._refuse_changed_code(Code("0.1.0", "a" * 40, dt.date(2026, 12, 3), ()), EDITION)  # unchanged: no refusal
    with pytest.raises(StageFailed) as refused:
        publish._refuse_changed_code(Code("0.1.0", "a" * 40, dt.date(2026, 12, 3), changed), EDITION)
    said = str(refused.value)
    assert "pipeline/m09.py" in said and "pipeline/m10.py" not in said and "và 2 tệp khác" in said
    assert "git commit" in said and "make publish PERIOD=2017H1" in said


def test_verify_outside_a_checkout_refuses_other_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = Version(1, tmp_path / "v1", None)
    recorded = {"version": "0.1.0", "commit": None, "date": None, "changed_from_commit": None, "sha256": "ab" * 32}
    monkeypatch.setattr(verify, "code", lambda: Code("0.1.0", None, None, ()))
    monkeypatch.setattr(verify, "code_digest", lambda: "ab" * 32)
    verify._check_code(recorded, v1, EDITION)  # the same code: nothing said
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(verify, "code_digest", lambda: "cd" * 32)
    with pytest.raises(StageFailed, match="chương trình đang cài khác") as refused:
        verify._check_code(recorded, v1, EDITION)
    assert "ab" * 32 in str(refused.value) and "cd" * 32 in str(refused.value)
    # In a checkout the commit names the code to go back to: said, and the files compared.
    monkeypatch.setattr(verify, "code", lambda: Code("0.1.0", "b" * 40, dt.date(2026, 12, 3), ()))
    verify._check_code(recorded | {"commit": "a" * 40}, v1, EDITION)
    assert f"git checkout {'a' * 40}" in capsys.readouterr().err
