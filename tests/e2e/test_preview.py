"""`make preview` (issue 25): the page follows the commentary in a real browser, shows a refused build's
errors in place of the bulletin, writes the same bytes as `make report`, serves nothing outside the
edition's documents, and stops on Ctrl-C."""

from __future__ import annotations

import fcntl
import http.client
import re
import threading
from pathlib import Path

import pytest

from pipeline.common.errors import UserError
from pipeline.common.iorw import sha256
from pipeline.common.layout import DOCUMENTS, INDICATORS_FILE
from pipeline.preview import page, server, watching
from testdata import wait_until
from testdata.preview_client import Preview, free_port, processes_reading
from tests.browser import CHROMIUM
from tests.conftest import copy_of_checkout, make

SENTENCE = "Ban Tổ chức ghi nhận kết quả phát triển đảng viên ở vùng cao."
BAD = "Kết nạp {{ province.period.admited }} người ở {{ units.DBB.name }}.\n"


def test_the_page_follows_the_commentary_in_a_browser(raw_copy: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make test"
    raw = raw_copy
    notes = raw / "commentary" / "2017H1.md"
    words = notes.read_text(encoding="utf-8")
    out = tmp_path / "preview"
    preview = Preview(raw, out)
    try:
        events = preview.events()
        events.until("state", ok=True, idle=True)  # the first build
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page()
            tab.goto(preview.url, wait_until="load")
            expect(tab.locator("h1").first).to_contain_text("BẢN TIN", timeout=10_000)
            expect(tab.locator("#preview-bar a")).to_have_count(4)

            notes.write_text(words + f"\n{SENTENCE}\n", encoding="utf-8")  # saved: no reload by hand
            expect(tab.locator("body")).to_contain_text(SENTENCE, timeout=60_000)

            notes.write_text(words + "\n" + BAD, encoding="utf-8")
            expect(tab.locator("#preview-error")).to_be_visible(timeout=60_000)
            messages = tab.locator("#preview-messages")
            try:
                expect(messages).to_contain_text("không có chỉ tiêu 'admited' — có phải 'admitted'?")
            except AssertionError as failure:  # what the terminal showed says more than the page
                log = preview.log.read_text(encoding="utf-8")
                raise AssertionError(f"{failure}\n--- the preview's terminal ---\n{log}") from None
            expect(messages).to_contain_text("không có đơn vị mã 'DBB' — có phải 'DBP'?")
            expect(messages).to_contain_text(f"{notes}, dòng {words.count(chr(10)) + 2}")
            assert SENTENCE not in tab.locator("body").inner_text()  # no stale bulletin beside the errors
            status, _ = preview.get("/files/bulletin.pdf")
            assert status == 409  # nor its documents

            notes.write_text(words + f"\n{SENTENCE}\n", encoding="utf-8")
            expect(tab.locator("#preview-error")).to_have_count(0, timeout=60_000)
            expect(tab.locator("body")).to_contain_text(SENTENCE)
            browser.close()
        events.until("state", ok=True, idle=True)  # the other documents written too
        events.close()
        status, pdf = preview.get("/files/bulletin.pdf")
        assert status == 200 and pdf.startswith(b"%PDF")
    finally:
        preview.interrupt()
    log = preview.log.read_text(encoding="utf-8")
    assert "Đã dừng xem trước." in log and "Traceback" not in log, log
    assert "có phải 'admitted'?" in log  # the page's messages are the terminal's
    assert wait_until(lambda: not processes_reading(raw), timeout=30), "a process of the preview outlived Ctrl-C"

    # The same bytes as `make report` writes from the same inputs.
    made = tmp_path / "made"
    make("report", "PERIOD=2017H1", raw=raw, out=made)
    for name in (*DOCUMENTS, INDICATORS_FILE):
        assert sha256(out / "reports" / "2017H1" / name) == sha256(made / "reports" / "2017H1" / name), name


def test_a_change_of_the_code_restarts_the_worker(tmp_path: Path) -> None:
    """No stale module: the page shows what the code says after the save, not what the worker had loaded."""
    checkout = copy_of_checkout(tmp_path / "checkout")
    preview = Preview(checkout / "data" / "raw", tmp_path / "out", cwd=checkout)
    try:
        events = preview.events()
        events.until("state", ok=True, idle=True)
        _, shown = preview.get("/")
        assert "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN".encode() in shown
        module = checkout / "pipeline" / "documents" / "compose" / "bulletin_parts.py"
        source = module.read_text(encoding="utf-8")
        assert 'TITLE = "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"' in source  # where the bulletin's title is
        module.write_text(
            source.replace('TITLE = "BẢN TIN CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN"', 'TITLE = "BẢN TIN ĐÃ ĐỔI MÃ"'),
            encoding="utf-8",
        )
        events.until("reload", ok=True)
        _, shown = preview.get("/")
        assert "BẢN TIN ĐÃ ĐỔI MÃ".encode() in shown
        events.close()
    finally:
        preview.interrupt()
    log = preview.log.read_text(encoding="utf-8")
    assert "khởi động lại bộ lập bản tin" in log and "Traceback" not in log, log


def test_a_make_report_of_the_same_edition_is_waited_for(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    notes = raw / "commentary" / "2017H1.md"
    out = tmp_path / "preview"
    preview = Preview(raw, out)
    try:
        events = preview.events()
        events.until("state", ok=True, idle=True)
        bulletin = out / "reports" / "2017H1" / "bulletin.html"
        before = sha256(bulletin)
        with (out / "reports" / "2017H1" / ".lock").open("a") as lock:  # as a `make report` running holds it
            fcntl.flock(lock, fcntl.LOCK_EX)
            notes.write_text(notes.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
            assert wait_until(lambda: "Đang có một lần chạy khác cho kỳ 2017H1" in preview.log.read_text("utf-8"))
            assert sha256(bulletin) == before  # nothing written meanwhile
            fcntl.flock(lock, fcntl.LOCK_UN)
        events.until("reload", ok=True)
        assert SENTENCE.encode() in preview.get("/")[1]
        events.close()
    finally:
        preview.interrupt()


def test_saves_that_change_nothing_are_no_changes(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    (folder / "commentary").mkdir(parents=True)
    (folder / ".ipynb_checkpoints").mkdir()
    notes = folder / "commentary" / "2017H1.md"
    notes.write_text("Một.\n", encoding="utf-8")
    watcher = watching.Watcher([folder], tmp_path / "pipeline", polling=True)
    notes.write_text("Một.\n", encoding="utf-8")  # saved again, unchanged (an autosave)
    temporary = [
        folder / ".ipynb_checkpoints" / "03_bulletin-checkpoint.ipynb",
        folder / "commentary" / ".2017H1.md.swp",
        folder / "commentary" / "2017H1.md~",
        folder / "commentary" / ".#2017H1.md",
        folder / "~$BaoCao.xlsx",
        folder / "4913",
    ]
    for path in temporary:
        path.write_text("x", encoding="utf-8")
    assert watcher.changed([notes, *temporary]) is None
    notes.write_text("Hai.\n", encoding="utf-8")
    changes = watcher.changed([notes])
    assert changes is not None and changes.paths == (notes,) and not changes.code
    assert watcher.changed([notes]) is None  # the same content seen twice is one change
    code = tmp_path / "pipeline" / "x.py"
    code.parent.mkdir()
    both = watching.Watcher([folder, code.parent], code.parent, polling=True)
    code.write_text("X = 1\n", encoding="utf-8")
    changes = both.changed([code, code.parent / "__pycache__" / "x.cpython-311.pyc"])
    assert changes is not None and changes.paths == (code,) and changes.code


def test_polling_is_chosen_where_saves_are_not_signalled(tmp_path: Path) -> None:
    mounts = (
        "overlay / overlay rw 0 0\n"
        "C:\\134 /mnt/c 9p rw,dirsync,aname=drvfs 0 0\n"
        "//server/share /srv/chia\\040se cifs rw 0 0\n"
    )
    assert watching.needs_polling([Path("/mnt/c/Users/an/bantin/raw")], mounts)
    assert watching.needs_polling([Path("/srv/chia se/raw")], mounts)
    assert not watching.needs_polling([Path("/home/an/bantin/raw"), Path("/mnt/cd")], mounts)


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    report = tmp_path / "reports" / "2017H1"
    report.mkdir(parents=True)
    (report / "bulletin.html").write_text("<html><body><h1>Bản tin</h1></body></html>", encoding="utf-8")
    (report / "bulletin.pdf").write_bytes(b"%PDF-1.7 thu")
    (report / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("BÍ MẬT", encoding="utf-8")
    state = server.State()
    state.bulletin_written()
    listening = server.bind("127.0.0.1", 0, report, state)
    thread = threading.Thread(target=listening.serve_forever, daemon=True)
    thread.start()
    yield listening
    state.close()
    listening.shutdown()
    listening.server_close()


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path)
    connection.endheaders()
    response = connection.getresponse()
    status, body = response.status, response.read()
    connection.close()
    return status, body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/files/../secret.txt",
        "/files/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/files/..%2fmanifest.json",
        "/files/manifest.json",
        "/etc/passwd",
        "//etc/passwd",
        "/files//etc/passwd",
        "/files/%2fetc%2fpasswd",
        f"/files/{Path('/etc/passwd').as_uri()}",
        "/_preview/../files/bulletin.pdf",
        "/bulletin.html",
    ],
)
def test_nothing_outside_the_documents_is_served(served: server.PreviewServer, path: str) -> None:
    status, body = _get(served.server_port, path)
    assert status == 404 and "BÍ MẬT".encode() not in body and b"root:" not in body


def test_the_page_is_the_bulletin_with_its_bar(served: server.PreviewServer) -> None:
    status, body = _get(served.server_port, "/")
    assert status == 200 and b"<h1>B\xe1\xba\xa3n tin</h1>" in body and page.LIVE_SCRIPT.encode() in body
    assert _get(served.server_port, "/files/bulletin.pdf") == (200, b"%PDF-1.7 thu")
    assert _get(served.server_port, "/files/bulletin%2Epdf") == (200, b"%PDF-1.7 thu")


def test_a_second_preview_on_the_same_port_says_so(served: server.PreviewServer, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=rf"cổng {served.server_port} trên 127\.0\.0\.1 đang được dùng"):
        server.bind("127.0.0.1", served.server_port, tmp_path, server.State())


def test_a_second_make_preview_on_the_same_port_says_so_in_vietnamese(tmp_path: Path) -> None:
    port = free_port()
    state = server.State()
    holder = server.bind("127.0.0.1", port, tmp_path, state)
    try:
        result = make("preview", "PERIOD=2017H1", f"PORT={port}", out=tmp_path, check=False, timeout=120)
    finally:
        holder.server_close()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert re.search(rf"Lỗi: cổng {port} trên 127\.0\.0\.1 đang được dùng .* PORT={port + 1}", result.stderr)


def test_a_browser_leaving_mid_answer_prints_nothing(
    served: server.PreviewServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """A reload or a closed tab drops the connection while a document is sent: no traceback in the terminal."""
    import socket
    import struct
    import time

    (served.report_dir / "bulletin.pdf").write_bytes(b"%PDF-1.7 " + b"0" * 16_000_000)  # longer than any buffer
    client = socket.create_connection(("127.0.0.1", served.server_port), timeout=10)
    client.sendall(b"GET /files/bulletin.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    client.recv(1024)  # the answer has begun
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    client.close()
    time.sleep(1.0)  # the server's thread meets the closed connection
    assert _get(served.server_port, "/")[0] == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err
