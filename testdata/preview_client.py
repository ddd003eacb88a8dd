"""A preview started as the analyst starts it (`make preview`), and a client of its event stream: for the
tests and the benchmark."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from testdata import ROOT, make_command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Events:
    """The page's server-sent events, read as a browser's EventSource reads them."""

    def __init__(self, port: int, timeout: float = 120.0) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.connection.request("GET", "/_preview/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def next(self) -> tuple[str, dict[str, object]]:
        name, data = "message", ""
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("the event stream ended")
            text = line.decode("utf-8").rstrip("\r\n")
            if text == "" and data:
                return name, json.loads(data)
            if text.startswith("event:"):
                name = text[6:].strip()
            elif text.startswith("data:"):
                data += text[5:].strip()

    def until(
        self, wanted: str, *, ok: bool | None = None, idle: bool = False, within: float = 240.0
    ) -> dict[str, object]:
        """The first event named `wanted` (with status ok or error when `ok` is given; once no build runs when
        `idle`), within `within` seconds: the stream's keep-alive lines would otherwise wait for it forever."""
        deadline = time.monotonic() + within
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {wanted!r} event (ok={ok}, idle={idle}) within {within:.0f} s")
            name, state = self.next()
            if name != wanted and not (wanted == "state" and name in ("hello", "reload")):
                continue
            if ok is not None and (state["status"] == "ok") != ok:
                continue
            if idle and state["building"]:
                continue
            return state

    def close(self) -> None:
        self.connection.close()


class Preview:
    """`make preview PERIOD=…` on `raw`, deriving into `out`, in a process group of its own (as a terminal's
    job): stopped with Ctrl-C (SIGINT to the group)."""

    def __init__(self, raw: Path, out: Path, period: str = "2017H1", cwd: Path = ROOT) -> None:
        self.port = free_port()
        self.log = out / "preview.log"
        out.mkdir(parents=True, exist_ok=True)
        command = make_command("preview", f"PERIOD={period}", f"PORT={self.port}", raw=raw, out=out)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=cwd, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True
            )
        assert self.process.stdout is not None
        self.url_line = self.process.stdout.readline()
        assert f"http://127.0.0.1:{self.port}/" in self.url_line, self.url_line + self.log.read_text()
        self.url = f"http://127.0.0.1:{self.port}/"

    def events(self) -> Events:
        return Events(self.port)

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def interrupt(self, timeout: float = 60.0) -> int:
        """Ctrl-C, as the terminal sends it: to every process of the job."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.interrupt()


def processes_reading(folder: Path) -> list[int]:
    """The processes whose command line names `folder` (a preview's make, server or worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if str(folder) in command and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found
