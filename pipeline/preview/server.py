"""The preview's HTTP server (standard library): the page, the edition's documents and the reload events.

It serves three things and nothing else: the page (`/`), the page's script and event stream (`/_preview/…`),
and the edition's documents by name (`/files/bulletin.pdf`, …, from a fixed list). No path of a request is
ever joined to a folder: `/../`, `%2e%2e/`, an absolute path or any other name gets 404, and nothing outside
the edition's output folder is read. Bound to 127.0.0.1 unless another address is named.
"""

from __future__ import annotations

import contextlib
import errno
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.common.errors import UserError
from pipeline.common.layout import BULLETIN_HTML, DOCUMENTS
from pipeline.preview import page

SERVED = frozenset(DOCUMENTS)  # the edition's documents, by name: the only files a request can reach
KEEP_ALIVE_SECONDS = 15.0
FILE_WAIT_SECONDS = 300.0  # a document asked for during a build is sent once the build is over
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class State:
    """What the page shows. `generation` grows each time it changes (a new bulletin, or a refused build's
    messages); the page knows its own and reloads when they differ."""

    generation: int = 0
    status: str = "waiting"  # "waiting" (no build done yet), "ok", "error"
    building: bool = False
    messages: str = ""
    program_error: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    closing: bool = False

    def snapshot(self) -> dict[str, object]:
        return {"generation": self.generation, "status": self.status, "building": self.building}

    def _notify(self) -> None:
        self.changed.notify_all()

    def begin_build(self) -> None:
        with self.changed:
            self.building = True
            self._notify()

    def bulletin_written(self) -> None:
        """A new bulletin.html: shown at once (the other documents follow)."""
        with self.changed:
            self.generation += 1
            self.status, self.messages, self.program_error = "ok", "", False
            self._notify()

    def end_build(self, ok: bool, messages: str, program_error: bool, bulletin_written: bool) -> None:
        with self.changed:
            self.building = False
            if not ok:
                self.generation += 1
                self.status, self.messages, self.program_error = "error", messages, program_error
            elif not bulletin_written:  # the same bulletin again (its file left as it was): current all the same
                self.generation += 1
                self.status, self.messages, self.program_error = "ok", "", False
            self._notify()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self._notify()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], report_dir: Path, state: State) -> None:
        self.report_dir, self.state = report_dir, state
        super().__init__(address, Handler)


def bind(host: str, port: int, report_dir: Path, state: State) -> PreviewServer:
    """The server, listening; a port in use (another preview, say) is said in Vietnamese."""
    try:
        return PreviewServer((host, port), report_dir, state)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UserError(
                f"cổng {port} trên {host} đang được dùng (có thể một bản xem trước khác đang chạy). Dừng bản kia "
                f"(Ctrl-C trong cửa sổ của nó) hoặc chọn cổng khác, ví dụ: make preview PERIOD=… PORT={port + 1}"
            ) from None
        raise UserError(f"không mở được địa chỉ {host}:{port} để xem trước ({error.strerror or error}).") from None


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is the analyst's: requests are not news

    def handle(self) -> None:
        # The browser may leave mid-answer (a reload, a closed tab): nothing the analyst must hear of.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:
        route = urlsplit(self.path).path  # not decoded: `%2e%2e` is not `..` here, and matches no route
        if route == "/":
            self._page()
        elif route == page.LIVE_SCRIPT:
            self._send(200, page.LIVE_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        elif route == page.EVENTS:
            self._events()
        elif route.startswith(page.FILES) and unquote(route[len(page.FILES) :]) in SERVED:
            self._file(unquote(route[len(page.FILES) :]))
        else:
            self._send(404, "Không có trang này.\n".encode(), "text/plain; charset=utf-8")

    def do_HEAD(self) -> None:
        self._send(405, b"", "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _page(self) -> None:
        state = self.server.state
        with state.changed:
            generation, status, building = state.generation, state.status, state.building
            messages, program_error = state.messages, state.program_error
        body = None
        if status == "ok":
            try:
                body = page.bulletin_page((self.server.report_dir / BULLETIN_HTML).read_bytes(), generation, building)
            except OSError:
                body = None
        elif status == "error":
            body = page.error_page(messages, generation, building, program_error)
        if body is None:
            body = page.waiting_page(generation, building)
        self._send(200, body, "text/html; charset=utf-8")

    def _file(self, name: str) -> None:
        state = self.server.state
        with state.changed:
            state.changed.wait_for(lambda: not state.building or state.closing, timeout=FILE_WAIT_SECONDS)
            current = state.status == "ok" and not state.building
        path = self.server.report_dir / name
        if not current or not path.is_file():
            body = "Chưa có bản hiện hành của tệp này (bản tin đang lỗi hoặc đang được lập lại).\n".encode()
            self._send(409 if path.is_file() else 404, body, "text/plain; charset=utf-8")
            return
        self._send(200, path.read_bytes(), CONTENT_TYPES.get(path.suffix, "application/octet-stream"))

    def _events(self) -> None:
        """Server-sent events: `hello` with the current state, then `reload` (the page shown is no
        longer current) and `state` (a build began or ended) as they happen."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        with state.changed:
            last = state.snapshot()
        try:
            self._event("hello", last)
            while True:
                with state.changed:
                    state.changed.wait_for(
                        lambda seen=last: state.snapshot() != seen or state.closing, KEEP_ALIVE_SECONDS
                    )
                    now, closing = state.snapshot(), state.closing
                if closing:
                    return
                if now == last:
                    self.wfile.write(b": ...\n\n")
                    self.wfile.flush()
                    continue
                self._event("reload" if now["generation"] != last["generation"] else "state", now)
                last = now
        except (BrokenPipeError, ConnectionResetError):
            return

    def _event(self, name: str, data: dict[str, object]) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()
