"""Work in a forked child (documents/background.py): what it raises comes back; a child that dies or is no
longer wanted is reaped, and the analyst reads a Vietnamese message."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from pipeline.common.errors import StageFailed
from pipeline.documents import background


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "fork"):
        pytest.fail("this platform cannot fork: the test is not meaningful here")
    # pytest's process may hold OpenBLAS's thread; the child's work here touches no library state.
    monkeypatch.setattr(background, "_can_fork", lambda: True)


def _children() -> set[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    found: set[int] = set()
    for task in tasks.iterdir():
        children = (task / "children").read_text().split()
        found |= {int(pid) for pid in children}
    return found


def test_the_work_runs_in_a_child_alongside_the_body(forking: None, tmp_path: Path) -> None:
    marker = tmp_path / "done"
    with background.alongside(lambda: marker.write_text(str(os.getpid())), "bản tin"):
        pass
    assert int(marker.read_text()) != os.getpid()
    assert not _children()


def test_what_the_child_raises_is_raised_here(forking: None) -> None:
    def fails() -> None:
        raise StageFailed("Lỗi: ô C7 của sheet 'Kết nạp'")

    with pytest.raises(StageFailed, match="ô C7 của sheet 'Kết nạp'"), background.alongside(fails, "bản tin"):
        pass
    assert not _children()


def test_an_exception_pickle_cannot_carry_comes_back_with_its_traceback(forking: None) -> None:
    class UnpicklableError(Exception):
        def __reduce__(self) -> tuple:
            raise TypeError("cannot pickle")

    def fails() -> None:
        raise UnpicklableError("deep inside")

    with (
        pytest.raises(RuntimeError, match=r"(?s)bản tin.*UnpicklableError: deep inside"),
        background.alongside(fails, "bản tin"),
    ):
        pass


def test_a_child_killed_from_outside_is_a_vietnamese_message(forking: None) -> None:
    def killed() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with (
        pytest.raises(StageFailed, match="tiến trình lập bản tin bị dừng bởi tín hiệu 9"),
        background.alongside(killed, "bản tin"),
    ):
        pass
    assert not _children()


def test_a_body_that_fails_stops_and_reaps_the_child(forking: None) -> None:
    with (
        pytest.raises(ValueError, match="the report failed"),
        background.alongside(lambda: threading.Event().wait(60), "bản tin"),
    ):
        raise ValueError("the report failed")
    assert not _children()


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not background._can_fork()
        ran: list[int] = []
        with background.alongside(lambda: ran.append(os.getpid()), "bản tin"):
            assert ran == [os.getpid()]  # done here, before the body
    finally:
        stop.set()
        other.join()
