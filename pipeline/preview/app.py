"""`make preview PERIOD=…`: build the edition, serve its page, and rebuild as its inputs change.

The page is told to reload as soon as the new `bulletin.html` is written: its file is watched while a build
runs (the PDFs, the report and the annex follow; a document asked for meanwhile is sent once the build is
over). A refused build's messages take the bulletin's place; they print in the terminal too, as the stages
print them. Saves made while a build runs are built next, together. A change of the program's code
(pipeline/) starts a new worker first, so no stale module is used. Ctrl-C stops the watcher, the worker
(interrupting a build as in `make report`) and the server.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from pipeline.common.errors import StageFailed
from pipeline.common.layout import BULLETIN_HTML, PACKAGE, ROOT, Folders, returns_dir
from pipeline.common.periods import Edition
from pipeline.preview import server, watching
from pipeline.preview.worker import Worker, WorkerDied

HTML_POLL_SECONDS = 0.005  # how often the bulletin's file is looked at while a build runs


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


class _BulletinWatch:
    """While a build runs: tells the state the moment a new bulletin.html is in place."""

    def __init__(self, path: Path, state: server.State) -> None:
        self.path, self.state = path, state
        self.before = _signature(path)
        self.done = threading.Event()
        self.written = False
        self.thread = threading.Thread(target=self._watch, name="bulletin-watch", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(HTML_POLL_SECONDS):
            now = _signature(self.path)
            if now is not None and now != self.before:
                self.written = True
                self.state.bulletin_written()
                return

    def stop(self) -> bool:
        self.done.set()
        self.thread.join()
        return self.written


def _worker_arguments(folders: Folders, edition: Edition, draft: bool, engine: str) -> list[str]:
    return [
        *("--raw-dir", str(folders.raw), "--processed-dir", str(folders.processed)),
        *("--reports-dir", str(folders.reports), "--notebooks-dir", str(folders.notebooks)),
        *("--edition", str(edition), "--draft", "1" if draft else "0", "--engine", engine),
    ]


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Preview:
    def __init__(self, folders: Folders, edition: Edition, draft: bool, engine: str) -> None:
        self.folders, self.edition = folders, edition
        self.report_dir = folders.reports / str(edition)
        self.state = server.State()
        self.worker = Worker(_worker_arguments(folders, edition, draft, engine), ROOT)
        self.changes: queue.Queue[watching.Changes] = queue.Queue()
        self.watched = [folders.raw, folders.notebooks, PACKAGE]

    def build(self) -> None:
        started = time.perf_counter()
        self.state.begin_build()
        self.report_dir.mkdir(parents=True, exist_ok=True)
        watch = _BulletinWatch(self.report_dir / BULLETIN_HTML, self.state)
        try:
            outcome = self.worker.build()
            ok, messages, program_error = outcome.ok, outcome.messages, outcome.program_error
        except WorkerDied as died:  # it printed why (a traceback, for a mistake in the code) in the terminal
            ok, program_error = False, True
            messages = f"Lỗi chương trình: {died}. Xem thông báo trong cửa sổ lệnh."
            print(messages, file=sys.stderr)
        finally:
            written = watch.stop()
        self.state.end_build(ok, messages, program_error, written)
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        if ok:
            print(f"Đã cập nhật bản tin ({seconds} giây).", file=sys.stderr)
        else:
            print("Chưa lập được bản tin: trang xem trước hiện các lỗi trên.", file=sys.stderr)

    def _watch(self, watcher: watching.Watcher) -> None:
        for changes in watcher:
            self.changes.put(changes)

    def _next_changes(self) -> list[watching.Changes]:
        batch = [self.changes.get()]
        while True:
            try:
                batch.append(self.changes.get_nowait())
            except queue.Empty:
                return batch

    def run(self, host: str, port: int) -> int:
        listening = server.bind(host, port, self.report_dir, self.state)
        threading.Thread(target=listening.serve_forever, name="preview-server", daemon=True).start()
        watcher = watching.Watcher(self.watched, PACKAGE)
        threading.Thread(target=self._watch, args=(watcher,), name="preview-watch", daemon=True).start()
        shown_host = f"[{host}]" if ":" in host else host
        print(f"Xem trước bản tin kỳ {self.edition}: http://{shown_host}:{listening.server_port}/", flush=True)
        how = "hỏi lại định kỳ (thư mục không báo thay đổi)" if watcher.polling else "theo dõi"
        print(
            f"Đang {how} các thay đổi trong {', '.join(map(str, self.watched))}. Nhấn Ctrl-C để dừng.", file=sys.stderr
        )
        # Ctrl-C stops the preview even where it was started with interrupts ignored (in the background of a
        # script); SIGTERM (a closed session, `kill`) stops it the same way.
        previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.build()  # the worker starts with it
            while True:
                batch = self._next_changes()
                names = ", ".join(watching.describe(c, self.watched) for c in batch)
                if any(c.code for c in batch):
                    print(f"Mã chương trình thay đổi ({names}): khởi động lại bộ lập bản tin…", file=sys.stderr)
                    self.worker.stop()  # the next build starts a new one, which imports the code as it is now
                else:
                    print(f"Đã lưu: {names}. Lập lại bản tin…", file=sys.stderr)
                self.build()
        except KeyboardInterrupt:
            print("\nĐang dừng xem trước…", file=sys.stderr)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            watcher.stop()
            self.worker.stop()
            self.state.close()
            listening.shutdown()
            listening.server_close()
        print("Đã dừng xem trước.", file=sys.stderr)
        return 0


def command(folders: Folders, edition: Edition, draft: bool, engine: str, host: str, port: str) -> int:
    """`python -m pipeline preview --edition 2017H1 --host 127.0.0.1 --port 8800`: the variables checked first."""
    if not port.strip().isdigit() or not 0 < int(port) < 65536:
        print(f"Lỗi: PORT phải là một số từ 1 đến 65535, ví dụ PORT=8800 (đã nhận: '{port}').", file=sys.stderr)
        return 2
    if not host.strip():
        print("Lỗi: HOST không được để trống (mặc định 127.0.0.1).", file=sys.stderr)
        return 2
    for half in edition.periods():
        if not returns_dir(folders.raw, half).is_dir():
            raise StageFailed(f"Lỗi: chưa có thư mục báo cáo {returns_dir(folders.raw, half)}.")
    return Preview(folders, edition, draft, engine).run(host.strip(), int(port))
