"""The pages as a browser shows them: Debian's Chromium driven by Playwright, offline (every request that is
not a file or data is refused), with axe-core (tools/axe, installed by `make test-tools`) injected from disk.
Shared by the tests of the phone layout and of accessibility (tests/e2e/test_phone_and_axe.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Per chart shown (an inline <svg> drawn, or a picture): the smallest text in CSS px, its font size times the
# scale the page draws it at (rotated text too), and whether it is inline SVG.
SMALLEST_CHART_TEXT = """() => [...document.querySelectorAll('.output_svg, figure.chart')].map(chart => {
  const svgs = [...chart.querySelectorAll('svg')].filter(s => s.getClientRects().length > 0);
  const pictures = [...chart.querySelectorAll('img')].filter(i => i.getClientRects().length > 0);
  let smallest = Infinity, texts = 0;
  for (const svg of svgs) {
    for (const text of svg.querySelectorAll('text')) {
      const m = text.getScreenCTM();
      smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b));
      texts += 1;
    }
  }
  return {inline: svgs.length, pictures: pictures.length, texts, smallest, label: svgs.map(s => s.getAttribute('aria-label')).join('')};
})"""


@contextmanager
def opened(page_file: Path, viewport: dict[str, int]) -> Iterator[Any]:
    """`page_file` open in Chromium at `viewport`, with nothing fetched from the network."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium: run the tests through make test"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport)
            page.route("**/*", _offline)
            page.goto(page_file.as_uri(), wait_until="load")
            yield page
        finally:
            browser.close()


def _offline(route: Any) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations of the WCAG 2.x A and AA rules on the open page, one line each: the rule, its
    help and the elements (their CSS selectors)."""
    assert AXE.is_file(), "make test-tools installs axe-core (tools/axe): run the tests through make test"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target.join(' ')).slice(0, 5)]))",
        WCAG_TAGS,
    )
    return [f"{rule}: {help_text} {targets}" for rule, help_text, targets in found]
