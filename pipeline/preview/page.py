"""What the preview page shows, in Vietnamese: the bulletin with a bar of links to the other documents, or the
messages of a refused build in its place, or a wait for the first build; and the script that reloads it.

The bulletin is the edition's own `bulletin.html`, byte for byte, with the bar and the script inserted after
`<body>`: the page is the document `make report` wrote, not a copy of it.
"""

from __future__ import annotations

import html
import re

LIVE_SCRIPT = "/_preview/live.js"
EVENTS = "/_preview/events"
FILES = "/files/"
LINKS = (
    ("bulletin.pdf", "Bản tin (PDF)"),
    ("report.pdf", "Báo cáo (PDF)"),
    ("report.docx", "Báo cáo (Word)"),
    ("tables.xlsx", "Phụ lục số liệu (Excel)"),
)
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)
_BAR_STYLE = (
    "position:sticky;top:0;z-index:1000;margin:0 0 1em;padding:.5em 1em;background:#f3f1ea;"
    "border-bottom:1px solid #b9b29c;font:14px/1.4 sans-serif;color:#222"
)
_BUILDING_STYLE = "display:none;margin-left:1em;color:#8a5a00;font-weight:bold"


def _bar(generation: int, building: bool) -> str:
    links = " · ".join(f'<a href="{FILES}{name}">{label}</a>' for name, label in LINKS)
    return (
        f'<div id="preview-bar" style="{_BAR_STYLE}" lang="vi"><strong>Xem trước</strong> · {links}'
        f'<span id="preview-building" style="{_BUILDING_STYLE}">Đang lập lại bản tin…</span></div>'
        f'<script src="{LIVE_SCRIPT}" data-generation="{generation}" data-building="{int(building)}"></script>'
    )


def bulletin_page(bulletin: bytes, generation: int, building: bool) -> bytes:
    """The bulletin as `make report` wrote it, with the bar and the reloading script after `<body>`."""
    inserted = _bar(generation, building).encode("utf-8")
    found = _BODY.search(bulletin)
    if found is None:
        return inserted + bulletin
    return bulletin[: found.end()] + inserted + bulletin[found.end() :]


def _page(title: str, body: str, generation: int, building: bool) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f'<body style="margin:0;font:15px/1.5 sans-serif">{_bar(generation, building)}'
        f'<main style="padding:0 1em">{body}</main></body></html>\n'
    ).encode()


def error_page(messages: str, generation: int, building: bool, program_error: bool) -> bytes:
    """A refused build: its messages (file and line), in place of the bulletin, until the next good build."""
    what = (
        "Lỗi chương trình (không phải lỗi số liệu; xin báo cho người bảo trì)"
        if program_error
        else "Chưa lập được bản tin: sửa các lỗi dưới đây rồi lưu lại tệp, trang sẽ tự cập nhật"
    )
    body = (
        f'<h1 id="preview-error" style="font-size:1.3em;color:#a00">{html.escape(what)}</h1>'
        '<pre id="preview-messages" style="font-family:inherit;white-space:pre-wrap;background:#fff6f6;border:1px solid #e0b4b4;'
        f'padding:1em">{html.escape(messages.strip())}</pre>'
        "<p>Bản tin cũ không được hiển thị để tránh nhầm với bản hiện hành.</p>"
    )
    return _page("Lỗi — xem trước bản tin", body, generation, building)


def waiting_page(generation: int, building: bool) -> bytes:
    body = '<h1 style="font-size:1.3em">Đang lập bản tin…</h1><p>Trang sẽ tự hiện bản tin khi lập xong.</p>'
    return _page("Đang lập — xem trước bản tin", body, generation, building)


# The page's own script: it follows the server's events and reloads when the page shown is no longer current
# (a new bulletin, or a refused build). The browser reconnects by itself after a restart of the server.
LIVE_JS = """\
(function () {
  var script = document.currentScript;
  var shown = Number(script.dataset.generation);
  function building(on) {
    var note = document.getElementById("preview-building");
    if (note) note.style.display = on ? "inline" : "none";
  }
  building(script.dataset.building === "1");
  var events = new EventSource("EVENTS");
  function follow(event) {
    var state = JSON.parse(event.data);
    if (state.generation !== shown) { location.reload(); return; }
    building(state.building);
  }
  events.addEventListener("hello", follow);
  events.addEventListener("reload", follow);
  events.addEventListener("state", follow);
})();
""".replace("EVENTS", EVENTS)
