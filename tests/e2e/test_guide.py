"""The analysts' guide (docs/huong-dan/) is checked by the build: every `make …` command of its code blocks
runs on a copy of the sample, every message it quotes comes from its rule id, `make docs` builds the site
with no network, and every internal link of the site resolves.

The rule for example paths, stated in the guide's first page: `/srv/bantin/raw` stands for the data folder
(the sample's `data/raw`) and `/srv/bantin/reports` for the reports folder (`reports`). A code block
preceded by `<!-- bỏ qua: reason -->` is not run (long-running or interactive commands)."""

from __future__ import annotations

import html
import re
import shlex
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pipeline.intake.rules import RULES
from pipeline.publishing.index import GUIDE_DIR, write_index
from tests.browser import CHROMIUM
from tests.conftest import ROOT, copy_of_checkout

DOCS = ROOT / "docs"
GUIDE = DOCS / "huong-dan"
SUBSTITUTIONS = {"/srv/bantin/raw": "data/raw", "/srv/bantin/reports": "reports"}
SKIP = re.compile(r"^\s*<!--\s*bỏ qua:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
QUOTE = re.compile(r"\{\{\s*thong_bao:\s*([^\s}]+)\s*\}\}")
# Commands that run until stopped: the guide must mark their blocks.
INTERACTIVE = {"lab", "preview"}


def pages() -> list[Path]:
    """The guide's pages in the order of mkdocs.yml's navigation."""
    names = re.findall(r"^\s*- [^:\n]+:\s*(\S+\.md)\s*$", (DOCS / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return [GUIDE / name for name in names]


def code_blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """Each fenced block of a page: the reason it is skipped (None when it runs) and its lines."""
    blocks: list[tuple[str | None, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            before = [line for line in lines[:i] if line.strip()]
            skip = SKIP.match(before[-1]) if before else None
            end = next(j for j in range(i + 1, len(lines)) if FENCE.match(lines[j]))
            blocks.append((skip.group(1) if skip else None, [line.strip() for line in lines[i + 1 : end]]))
            i = end
        i += 1
    return blocks


def commands() -> list[tuple[str, str, str | None]]:
    """Every `make …` line of the guide's code blocks: (page, command, reason it is skipped or None)."""
    found = []
    for page in pages():
        for skip, lines in code_blocks(page.read_text(encoding="utf-8")):
            found += [(page.name, line, skip) for line in lines if line.startswith("make ")]
    return found


def substituted(command: str) -> list[str]:
    for example, sample in SUBSTITUTIONS.items():
        command = command.replace(example, sample)
    return shlex.split(command, comments=True)


def test_the_guide_has_commands_and_marks_the_interactive_ones() -> None:
    found = commands()
    assert len([c for c in found if c[2] is None]) >= 10, found
    for page, command, skip in found:
        goal = shlex.split(command)[1]
        if goal in INTERACTIVE:
            assert skip, f"{page}: `{command}` runs until stopped: mark its block <!-- bỏ qua: … -->"
        if skip is not None:
            assert len(skip) > 10, f"{page}: `{command}` is skipped without a reason"
    goals = {shlex.split(c)[1] for _, c, skip in found if skip is None}
    help_text = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True)
    for goal in goals - {"help"}:
        assert f"make {goal}" in help_text.stdout, f"the guide runs `make {goal}`, which `make help` does not list"


def test_every_command_of_the_guide_runs_on_a_copy_of_the_sample(tmp_path: Path) -> None:
    """In the order of the guide, in one copy (publishing needs committed code: a fresh repository)."""
    copy = copy_of_checkout(tmp_path / "copy")
    done: set[str] = set()
    for page, command, skip in commands():
        if skip is not None or command in done:
            continue
        done.add(command)
        result = subprocess.run(substituted(command), cwd=copy, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{page}: `{command}` failed:\n{result.stdout}\n{result.stderr}"
    # What the guide says these commands leave behind.
    reports = copy / "reports"
    for path in (
        "2017H1/bulletin.html",
        "2017H1/validation.html",
        "2016H2/validation.html",
        "2016/bulletin.pdf",
        "index.html",
        "published/2017H1/v1/publication.json",
        "2017H1/diff.html",
    ):
        assert (reports / path).is_file(), path
    assert list((reports / "2017H1" / "templates").glob("*.xlsx"))
    assert (copy / "data" / "raw" / "commentary" / "2016.md").is_file()


def test_quoted_messages_come_from_their_rule_ids() -> None:
    quoted = set()
    for page in GUIDE.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for rule_id in QUOTE.findall(text):
            assert rule_id in RULES, f"{page.name}: no rule {rule_id!r} in pipeline/intake/rules.toml"
            quoted.add(rule_id)
        # Never retyped: no message's words (the longest stretch between its fields) stand in a page's source.
        for rule in RULES.values():
            longest = max(re.split(r"\{[a-z_]+\}", rule.message), key=len).strip(" .…")
            if len(longest) >= 25:
                assert longest not in text, f"{page.name} retypes the message of {rule.id}: quote it by its id"
    assert len(quoted) >= 10  # the ten frequent messages of cau-hoi.md, at least


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


def _parsed(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_make_docs_builds_the_site_offline(tmp_path: Path) -> None:
    """`make docs` in a network namespace of its own (no network at all): the site, its pictures, the PDF and
    the copy beside the reports; no page asks for anything on the network; every internal link resolves."""
    copy = copy_of_checkout(tmp_path / "copy", commit=False)
    assert subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"]).returncode == 0, (
        "unshare -rn: cuts the network"
    )
    # Only the loopback interface, brought up: JupyterLab's screenshot is taken from a server on 127.0.0.1.
    result = subprocess.run(
        ["unshare", "-rn", "sh", "-c", "ip link set lo up && exec make --no-print-directory docs"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = copy / "docs" / "_site"
    assert (site / "huong-dan.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "search" / "search_index.js").is_file()  # search from file://
    pictures = sorted(p.name for p in (site / "hinh").glob("*.png"))
    assert {
        "ban-tin.png",
        "trang-kiem-tra.png",
        "ban-tin-pdf-trang-1.png",
        "bao-cao-pdf-trang-1.png",
        "jupyterlab.png",
        "xem-truoc.png",
        "xem-truoc-loi.png",
    } <= set(pictures)
    assert all((site / "hinh" / p).stat().st_size > 5000 for p in pictures)
    assert (copy / "reports" / GUIDE_DIR / "index.html").is_file()

    html_pages = sorted(site.glob("*.html"))
    assert len(html_pages) == len(pages()) + 1  # and 404.html
    parsed = {page: _parsed(page) for page in html_pages}
    for page, links in parsed.items():
        if page.name == "404.html":
            continue  # a web server's error page, with links from the site's root: never opened from file://
        for tag, link in links.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                # A link the reader may follow is no request; nothing the page loads may be remote.
                assert tag == "a", f"{page.name}: <{tag}> loads {link}"
                continue
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("data", "mailto"), f"{page.name}: {link}"
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.name}: broken link {link}"
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parsed(target).ids
                assert unquote(parts.fragment) in ids, f"{page.name}: no #{parts.fragment} in {target.name}"
    # The quoted messages are in the built pages, as the rules say them.
    faq = (site / "cau-hoi.html").read_text(encoding="utf-8")
    assert "thong_bao" not in faq
    for rule_id in QUOTE.findall((GUIDE / "cau-hoi.md").read_text(encoding="utf-8")):
        shown = html.escape(re.sub(r"\{[a-z_]+\}", "…", RULES[rule_id].message), quote=False)
        assert f"«{shown}»" in faq, rule_id
    # The examples of messages that are no rule are the product's own (docs/hooks/guide.py makes them).
    from docs.hooks.guide import cell_error_example

    assert cell_error_example().splitlines()[0] in html.unescape(faq)
    commentary_page = (site / "nhan-dinh.html").read_text(encoding="utf-8")
    assert "vi_du_loi" not in faq + commentary_page
    assert "không có chỉ tiêu 'admited' — có phải 'admitted'?" in html.unescape(commentary_page)
    rules_page = (site / "quy-tac.html").read_text(encoding="utf-8")
    assert all(f"<code>{rule_id}</code>" in rules_page for rule_id in RULES)
    _search_works_from_file(site)


def _search_works_from_file(site: Path) -> None:
    """The site opened from file:// in Chromium, every other request refused: a search in Vietnamese finds
    the page of frequent messages, and nothing is asked of the network or logged as an error."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium; run it through make test"
    refused: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        def route(route: object) -> None:
            address = route.request.url  # type: ignore[attr-defined]
            if address.startswith(("file:", "data:", "blob:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                refused.append(address)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        page.goto((site / "index.html").as_uri(), wait_until="load")
        page.fill("input.md-search__input", "nộp muộn")
        page.wait_for_selector(".md-search-result__item", timeout=20000)
        found = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
        browser.close()
    assert any("/cau-hoi.html" in address for address in found), found
    assert refused == [] and errors == [], (refused, errors)


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in (DOCS / "phat-trien").glob("*.md"))])
def test_the_maintainers_pages_link_files_that_exist(page: str) -> None:
    """README.md and docs/phat-trien/: every relative link names a file of the repository."""
    path = ROOT / page if page == "README.md" else DOCS / "phat-trien" / page
    for link in MARKDOWN_LINK.findall(path.read_text(encoding="utf-8")):
        parts = urlsplit(link)
        if parts.scheme or not parts.path:
            continue
        assert (path.parent / unquote(parts.path)).exists(), f"{page}: broken link {link}"


def test_readme_is_short_and_points_to_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    for needed in ("make report PERIOD=2017H1", "make test", "docs/huong-dan/", "make docs", "docs/phat-trien/"):
        assert needed in readme, needed


@pytest.mark.parametrize("guide_there", [True, False])
def test_the_index_links_the_guide_when_it_is_beside_the_reports(tmp_path: Path, guide_there: bool) -> None:
    if guide_there:
        (tmp_path / GUIDE_DIR).mkdir()
        (tmp_path / GUIDE_DIR / "index.html").write_text("<html></html>", encoding="utf-8")
    html = write_index(tmp_path, "Điện Biên").read_text(encoding="utf-8")
    assert (f'href="{GUIDE_DIR}/index.html"' in html) == guide_there
