"""Build the analysts' guide (`make docs`): pictures from the sample, the site, a printable PDF, a copy beside
the reports.

Usage: python docs/build.py [--sample SAMPLE_REPORTS_DIR] [--reports-dir REPORTS_DIR]

- SAMPLE_REPORTS_DIR holds the sample's reports (make builds 2017H1 and checks 2016H2 into docs/_build/
  first): the bulletin.html of 2017H1 and the validation.html of 2016H2 (it has a warning) are photographed by headless Chromium (Debian's /usr/bin/chromium, driven
  by playwright, every request that is not a local file refused), the first pages of bulletin.pdf and
  report.pdf are drawn by pdftoppm; all into docs/_build/hinh/, which the MkDocs hook adds to the site.
- The preview page (pipeline/preview/page.py, the page `make preview` serves) is photographed twice: with
  the sample's bulletin, and with the messages of a refused build (a commentary with two misspelt
  placeholders, checked by the product's commentary module) in its place.
- JupyterLab is started as `make lab` starts it (the project's jupyter/ configuration) on a free port of
  127.0.0.1, photographed once its Vietnamese menus, the notebook and its kernel are there, and stopped.
- The site: MkDocs with Material (offline and search plugins), strict, into docs/_site/.
- The printable guide: every page's article, in the order of the navigation, laid out by WeasyPrint with the
  product's shipped fonts into docs/_site/huong-dan.pdf.
- With --reports-dir, the site is copied to REPORTS_DIR/huong-dan/, which REPORTS_DIR/index.html links.
Nothing is fetched from the network at any step.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
BUILD = DOCS / "_build"
PICTURES = BUILD / "hinh"
EXAMPLES = BUILD / "vi-du"
SITE = DOCS / "_site"
CONFIG = DOCS / "mkdocs.yml"
FONTS = ROOT / "pipeline" / "documents" / "fonts"
CHROMIUM = "/usr/bin/chromium"
PDF_NAME = "huong-dan.pdf"
GUIDE_DIR = "huong-dan"  # pipeline/publishing/index.py links it under this name

# Pictures of pages, by name: (file, viewport width, height of the picture).
SCREENSHOTS = {
    "ban-tin.png": ("2017H1/bulletin.html", 1000, 1400),
    "ban-tin-dien-thoai.png": ("2017H1/bulletin.html", 390, 844),
    "trang-kiem-tra.png": ("2016H2/validation.html", 1000, 330),
}
# Pictures of the product's own pages beyond the sample's files (see jupyterlab_screenshot, preview_pages).
JUPYTERLAB = ("jupyterlab.png", 1200, 750)
PREVIEW = ("xem-truoc.png", 1000, 700)
PREVIEW_ERROR = ("xem-truoc-loi.png", 1000, 420)
# The misspelt placeholders of the refused build the preview page shows (an indicator, a window).
MISSPELT = "\nToàn tỉnh kết nạp {{ province.period.admited }} đảng viên ({{ province.perod.target_pct }}).\n"
# Page images of the PDFs: (file, page).
PAGE_IMAGES = {
    "ban-tin-pdf-trang-1": ("2017H1/bulletin.pdf", 1),
    "bao-cao-pdf-trang-1": ("2017H1/report.pdf", 1),
}


def fail(message: str) -> None:
    sys.stderr.write(f"make docs: {message}\n")
    raise SystemExit(1)


def _new_page(browser: Any, width: int, height: int, refused: list[str], local: str = "") -> Any:
    """A page whose every request that is not a local file (or the local server `local`) is refused."""
    page = browser.new_page(viewport={"width": width, "height": height})

    def route(route: Any) -> None:
        address = route.request.url
        if address.startswith(("file:", "data:")) or (local and address.startswith(local)):
            route.continue_()
        else:
            refused.append(address)
            route.abort()

    page.route("**/*", route)
    return page


def screenshots(sample: Path) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        fail(f"không thấy trình duyệt {CHROMIUM} (cài: make test-tools)")
    refused: list[str] = []
    with jupyterlab_server(sample) as jupyterlab, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            for name, (source, width, height) in SCREENSHOTS.items():
                if not (sample / source).is_file():
                    fail(f"không thấy {sample / source}")
                page = _new_page(browser, width, height, refused)
                page.goto((sample / source).resolve().as_uri(), wait_until="load")
                page.screenshot(path=str(PICTURES / name))
                page.close()
            preview_pages(browser, sample, refused)
            jupyterlab_screenshot(browser, jupyterlab, refused)
        finally:
            browser.close()
    if refused:
        fail(f"trang mẫu đòi tải từ mạng: {refused}")


def _refused_build_messages() -> str:
    """What a refused build prints (and the preview page shows) for a commentary with two misspelt
    placeholders: the product's own messages, from a copy of the sample's province files, named as
    `data/raw/…` as the analyst's folder would be."""
    from pipeline.common.errors import UserError
    from pipeline.common.periods import parse_edition
    from pipeline.documents.compose import commentary
    from pipeline.indicators.table import Indicators
    from pipeline.intake.reference import load_reference

    sample_raw = ROOT / "data" / "raw"
    indicators = Indicators.read(BUILD / "reports" / "2017H1" / "indicators.csv")
    with tempfile.TemporaryDirectory(prefix="huong-dan-") as scratch:
        raw = Path(scratch) / "data" / "raw"
        shutil.copytree(sample_raw, raw, ignore=shutil.ignore_patterns("returns"))
        written = raw / "commentary" / "2017H1.md"
        written.write_text(written.read_text(encoding="utf-8") + MISSPELT, encoding="utf-8")
        here = Path.cwd()
        os.chdir(scratch)
        try:
            relative = Path("data/raw")
            commentary.load(relative, parse_edition("2017H1"), indicators, load_reference(relative), False)
        except UserError as error:
            return f"Lỗi: {error}"  # as the preview's worker prints it
        finally:
            os.chdir(here)
    fail("lời bình có chỗ điền sai tên mà không bị từ chối: hình trang xem trước báo lỗi không chụp được")
    raise AssertionError  # unreachable


def preview_pages(browser: Any, sample: Path, refused: list[str]) -> None:
    """The preview page (pipeline/preview/page.py, the page `make preview` serves) with the sample's bulletin,
    and in place of it the messages of a refused build. Written beside the bulletin, so that its pictures
    and links resolve as on the server, and photographed from file://."""
    from pipeline.preview import page as preview_page

    bulletin = sample / "2017H1" / "bulletin.html"
    messages = _refused_build_messages()
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    (EXAMPLES / "loi-binh.txt").write_text(messages, encoding="utf-8")  # quoted by the guide (docs/hooks)
    shown = {
        PREVIEW: preview_page.bulletin_page(bulletin.read_bytes(), generation=1, building=False),
        PREVIEW_ERROR: preview_page.error_page(messages, 1, building=False, program_error=False),
    }
    for (name, width, height), html in shown.items():
        written = bulletin.with_name(f".{name}.html")
        written.write_bytes(html)
        try:
            # The page's reloading script and its event stream live on the server only: not asked for here.
            page = _new_page(browser, width, height, refused)
            page.route("**/_preview/**", lambda route: route.abort())
            page.goto(written.resolve().as_uri(), wait_until="load")
            page.screenshot(path=str(PICTURES / name))
            page.close()
        finally:
            written.unlink()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def jupyterlab_server(sample: Path) -> Iterator[tuple[subprocess.Popen[str], int, str, Path]]:
    """JupyterLab as `make lab` starts it (the project's Jupyter configuration, jupyter/: Vietnamese, no
    prompts), on a free port of 127.0.0.1 with a token of its own; stopped (its kernels with it) on leaving.
    Started before the other pictures are taken, so that its start costs no time of its own."""
    port = _free_port()
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(ROOT / "jupyter"),
        "PYTHONPATH": str(ROOT),
        "BANTIN_EDITION": "2017H1",
        "BANTIN_RAW_DIR": str(ROOT / "data" / "raw"),
        "BANTIN_REPORTS_DIR": str(sample.resolve()),
    }
    with tempfile.TemporaryDirectory(prefix="huong-dan-jupyter-") as runtime:
        env["JUPYTER_RUNTIME_DIR"] = runtime
        log = Path(runtime) / "jupyterlab.log"  # a file: a pipe left unread would stop the server once full
        written = log.open("w", encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
             f"--FileContentsManager.preferred_dir={ROOT / 'notebooks'}", "--LabApp.news_url=None"],
            env=env, stdout=subprocess.DEVNULL, stderr=written, text=True,
        )  # fmt: skip
        try:
            yield server, port, token, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            written.close()


def jupyterlab_screenshot(
    browser: Any, jupyterlab: tuple[subprocess.Popen[str], int, str, Path], refused: list[str]
) -> None:
    """03_bulletin.ipynb in the JupyterLab of jupyterlab_server, once its menus are in Vietnamese, the notebook
    drawn and its kernel started."""
    server, port, token, log = jupyterlab
    local = f"http://127.0.0.1:{port}/"
    address = f"{local}lab/tree/notebooks/03_bulletin.ipynb?token={token}"
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            fail(f"JupyterLab không khởi động được:\n{log.read_text(encoding='utf-8')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                fail("JupyterLab không trả lời sau 60 giây")
            time.sleep(0.2)
    page = _new_page(browser, JUPYTERLAB[1], JUPYTERLAB[2], refused, local=local)
    page.goto(address, wait_until="load")
    # The menus in Vietnamese, and the notebook's cells drawn.
    page.wait_for_function(
        "[...document.querySelectorAll('#jp-MainMenu .lm-MenuBar-itemLabel')].some(e => e.textContent === 'Tệp')",
        timeout=60000,
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60000)
    page.wait_for_selector(".jp-DirListing-item", timeout=60000)  # the four notebooks listed
    page.wait_for_function(  # the notebook's kernel started
        "[...document.querySelectorAll('.jp-Toolbar-kernelName')].some(e => e.textContent.includes('Python'))",
        timeout=60000,
    )
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60000)  # and ready
    page.wait_for_timeout(500)  # the last layout pass of the panels
    page.screenshot(path=str(PICTURES / JUPYTERLAB[0]))
    page.close()


def page_images(sample: Path) -> None:
    for stem, (source, number) in PAGE_IMAGES.items():
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile",
             str(sample / source), str(PICTURES / stem)],
            check=True,
        )  # fmt: skip


def pictures(sample: Path) -> None:
    shutil.rmtree(PICTURES, ignore_errors=True)
    shutil.rmtree(EXAMPLES, ignore_errors=True)
    PICTURES.mkdir(parents=True)
    screenshots(sample)
    page_images(sample)


def site() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(CONFIG)], check=True, env=env
    )


def _nav_pages() -> list[str]:
    """The pages of the navigation, in order (their .md names), read from mkdocs.yml."""
    text = CONFIG.read_text(encoding="utf-8")
    return re.findall(r"^\s*- [^:\n]+:\s*(\S+\.md)\s*$", text, flags=re.MULTILINE)


ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)


def printable() -> Path:
    """Every page's article, in the navigation's order, in one HTML laid out by WeasyPrint."""
    from weasyprint import HTML

    parts, contents = [], []
    for source in _nav_pages():
        html_path = SITE / source.replace(".md", ".html")
        match = ARTICLE.search(html_path.read_text(encoding="utf-8"))
        if not match:
            fail(f"không thấy nội dung trang {html_path}")
        body = match.group(1)
        body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body)
        # Links between pages become links inside the one document; pictures are read from the site.
        body = re.sub(r'href="([a-z0-9-]+)\.html#', r'href="#', body)
        body = re.sub(r'href="([a-z0-9-]+)\.html"', r'href="#trang-\1"', body)
        anchor = source.removesuffix(".md")
        parts.append(f'<section class="page" id="trang-{anchor}">{body}</section>')
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.DOTALL)
        contents.append(f'<li><a href="#trang-{anchor}">{heading.group(1) if heading else anchor}</a></li>')
    fonts = "\n".join(
        f'@font-face {{ font-family: "Guide Sans"; src: url("{(FONTS / file).as_uri()}"); {style} }}'
        for file, style in (
            ("DejaVuSans.ttf", ""),
            ("DejaVuSans-Bold.ttf", "font-weight: bold;"),
            ("DejaVuSans-Oblique.ttf", "font-style: italic;"),
            ("DejaVuSans-BoldOblique.ttf", "font-weight: bold; font-style: italic;"),
        )
    )
    css = f"""{fonts}
@font-face {{ font-family: "Guide Mono"; src: url("{(FONTS / "DejaVuSansMono.ttf").as_uri()}"); }}
@page {{ size: A4; margin: 18mm 16mm; @bottom-center {{ content: counter(page); font: 9pt "Guide Sans"; }} }}
body {{ font: 10.5pt/1.45 "Guide Sans"; color: #111; }}
code, pre {{ font-family: "Guide Mono"; font-size: 9pt; }}
pre {{ background: #f4f4f4; padding: 6pt; white-space: pre-wrap; }}
section.page {{ break-before: page; }}
.cover h1 {{ font-size: 24pt; margin-top: 60mm; }}
.cover ol {{ list-style: none; padding: 0; font-size: 12pt; }}
.cover li {{ margin: 4pt 0; }}
.cover a {{ color: #111; text-decoration: none; }}
.cover a::after {{ content: leader(".") target-counter(attr(href), page); }}
h1 {{ color: #b22222; font-size: 18pt; }}
table {{ border-collapse: collapse; font-size: 8.5pt; }}
td, th {{ border: 0.5pt solid #bbb; padding: 2pt 4pt; vertical-align: top; }}
img {{ max-width: 100%; max-height: 180mm; border: 0.5pt solid #ccc; }}
.admonition {{ border-left: 3pt solid #448aff; padding: 2pt 8pt; margin: 6pt 0; background: #f5f8ff; }}
.admonition-title {{ font-weight: bold; }}
"""
    title = "Hướng dẫn sử dụng — Bản tin công tác phát triển đảng viên"
    document = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<style>{css}</style></head><body><section class="cover"><h1>{title}</h1><ol>{"".join(contents)}</ol>'
        f"</section>{''.join(parts)}</body></html>"
    )
    out = SITE / PDF_NAME
    HTML(string=document, base_url=str(SITE) + "/").write_pdf(out)
    return out


def copy_beside_reports(reports_dir: Path) -> Path:
    """The site copied to REPORTS_DIR/huong-dan/ (a whole copy replaces the last one at once)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = reports_dir / GUIDE_DIR
    staging = Path(tempfile.mkdtemp(prefix=".huong-dan.", dir=reports_dir))
    shutil.copytree(SITE, staging / "site")
    old = reports_dir / f".{GUIDE_DIR}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    (staging / "site").rename(target)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="the sample's reports folder; without it, no new pictures")
    parser.add_argument("--reports-dir", type=Path, help="copy the site to REPORTS_DIR/huong-dan/")
    args = parser.parse_args(argv)
    if args.sample:
        pictures(args.sample)
    site()
    pdf = printable()
    print(f"Hướng dẫn: {SITE / 'index.html'} (bản in: {pdf})")
    if args.reports_dir:
        print(f"Bản sao cạnh các bản tin: {copy_beside_reports(args.reports_dir)}/index.html")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
