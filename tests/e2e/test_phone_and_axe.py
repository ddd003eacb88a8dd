"""The bulletin on a 390-pixel phone, and axe-core on every page a reader opens (issue 22).

On a phone every chart, the house charts and one an analyst adds with plain matplotlib, is shown by its
narrow variant, whose smallest text is at least 9 CSS px; the page never scrolls sideways; the appendix's
unit names stay readable, its table scrolling in its own focusable box. axe-core (tools/axe) finds no
violation of the WCAG 2.x A/AA rules on bulletin.html, index.html, validation.html and diff.html, wide and
at 390 px. The checks are functions, so that the 123-unit province runs them on its own build too."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.documents.content.model import FALLBACK_ALT
from tests.browser import DESKTOP, PHONE, SMALLEST_CHART_TEXT, axe_violations, opened
from tests.conftest import copy_of_checkout, make

EDITION = "2017H1"
SMALLEST_TEXT_PX = 9.0
# A chart an analyst adds to the bulletin's notebook, plain matplotlib at its default size and type.
ANALYST_CELL = """import matplotlib.pyplot as plt

figure, axes = plt.subplots()
axes.bar(["Điện Biên", "Mường Nhé", "Tuần Giáo"], [12, 7, 9])
axes.set_title("Biểu đồ của người biên tập: số chi bộ mới thành lập theo huyện")
axes.set_xlabel("Huyện")
axes.set_ylabel("Chi bộ")
"""


def _add_analyst_chart(checkout: Path) -> None:
    notebook = checkout / "notebooks" / "03_bulletin.ipynb"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    cells = content["cells"]
    at = next(n for n, c in enumerate(cells) if "charts.villages(data)" in "".join(c["source"])) + 1
    cells.insert(
        at,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "analyst-chart",
            "metadata": {},
            "outputs": [],
            "source": ANALYST_CELL.splitlines(keepends=True),
        },
    )
    notebook.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's 2017H1, from a checkout whose bulletin notebook has an analyst's plain matplotlib chart:
    validated, published, then its commentary changed and compared (diff.html). The reports folder."""
    folder = tmp_path_factory.mktemp("phone")
    checkout = copy_of_checkout(folder / "checkout")
    _add_analyst_chart(checkout)  # an edited notebook: an input of the edition, published all the same
    out, raw = folder / "out", checkout / "data" / "raw"
    make("validate", f"PERIOD={EDITION}", raw=raw, out=out, cwd=checkout)
    make("publish", f"PERIOD={EDITION}", raw=raw, out=out, cwd=checkout)
    commentary = raw / "commentary" / f"{EDITION}.md"
    commentary.write_text(commentary.read_text(encoding="utf-8") + "\nMột câu lời bình thêm sau khi phát hành.\n")
    make("diff", f"PERIOD={EDITION}", raw=raw, out=out, cwd=checkout)
    return out / "reports"


def pages_of(reports: Path, edition: str) -> list[Path]:
    pages = [reports / edition / name for name in ("bulletin.html", "validation.html", "diff.html")]
    return [*pages, reports / "index.html"]


def check_phone(bulletin: Path, charts_at_least: int) -> None:
    """At 390 px: every chart shown by its narrow inline SVG (the wide picture hidden), named as the picture
    is, its smallest text >= 9 CSS px; no sideways scrolling; the appendix's table focusable and named,
    its unit names at least 10 rem wide, scrolling inside itself. Wide: the pictures, no inline chart."""
    with opened(bulletin, PHONE) as page:
        charts = page.evaluate(SMALLEST_CHART_TEXT)
        alts = page.eval_on_selector_all(".has-narrow img", "els => els.map(e => e.alt)")
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        appendix = page.eval_on_selector(
            "section.appendix table",
            """t => ({tabindex: t.getAttribute('tabindex'), label: t.getAttribute('aria-label'),
                     name: t.querySelector('tbody td').getBoundingClientRect().width,
                     inside: t.scrollWidth > t.clientWidth, fits: t.getBoundingClientRect().right <= innerWidth})""",
        )
    assert len(charts) >= charts_at_least
    assert all(c["inline"] == 1 and c["pictures"] == 0 and c["texts"] > 0 for c in charts), charts
    smallest = min(c["smallest"] for c in charts)
    assert smallest >= SMALLEST_TEXT_PX, charts
    assert [c["label"] for c in charts] == alts and all(alts)
    assert sideways <= 0
    assert appendix["tabindex"] == "0" and appendix["label"] and appendix["fits"]
    assert appendix["name"] >= 140 and appendix["inside"], appendix
    with opened(bulletin, DESKTOP) as page:
        wide = page.evaluate(SMALLEST_CHART_TEXT)
    assert len(wide) == len(charts) and all(c["inline"] == 0 and c["pictures"] == 1 for c in wide)


def check_axe(page_file: Path, viewport: dict[str, int]) -> None:
    """No violation of the WCAG 2.x A/AA rules; and the page does not scroll sideways (a wide table scrolls
    in its own box)."""
    with opened(page_file, viewport) as page:
        violations = axe_violations(page)
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert violations == [], "\n".join(violations)
    assert sideways <= 0


def test_a_phone_reads_every_chart_and_the_appendix(site: Path) -> None:
    bulletin = site / EDITION / "bulletin.html"
    check_phone(bulletin, charts_at_least=6)  # five house charts and the analyst's
    with opened(bulletin, PHONE) as page:
        analyst = page.evaluate(SMALLEST_CHART_TEXT)[-1]
    assert analyst["label"] == FALLBACK_ALT and analyst["smallest"] >= SMALLEST_TEXT_PX


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("name", ["bulletin", "validation", "diff", "index"])
def test_axe_finds_no_wcag_violation(site: Path, name: str, viewport: dict[str, int]) -> None:
    page_file = next(p for p in pages_of(site, EDITION) if p.stem == name)
    assert page_file.is_file()
    check_axe(page_file, viewport)


def test_axe_finds_a_planted_violation(tmp_path: Path) -> None:
    """The check can fail: a picture without a text alternative and pale text are found."""
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="vi"><head><title>x</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb">Chữ nhạt</p></main></body></html>',
        encoding="utf-8",
    )
    with opened(page_file, PHONE) as page:
        rules = {line.split(":")[0] for line in axe_violations(page)}
    assert {"image-alt", "color-contrast"} <= rules


@pytest.fixture(scope="module")
def province_site(province_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 123-unit generated province's 2025H2 (a copy of `province_build`), validated and published, then
    given a commentary and compared (diff.html). The reports folder."""
    out = tmp_path_factory.mktemp("province-phone") / "out"
    shutil.copytree(province_build, out, symlinks=True)
    raw = out / "raw"
    make("validate", "PERIOD=2025H2", raw=raw, out=out)
    make("publish", "PERIOD=2025H2", raw=raw, out=out)
    make("commentary", "PERIOD=2025H2", raw=raw, out=out)
    make("diff", "PERIOD=2025H2", raw=raw, out=out)
    return out / "reports"


def test_the_province_on_a_phone_and_under_axe(province_site: Path) -> None:
    bulletin = province_site / "2025H2" / "bulletin.html"
    check_phone(bulletin, charts_at_least=5)
    for page_file in pages_of(province_site, "2025H2"):
        for viewport in (DESKTOP, PHONE):
            check_axe(page_file, viewport)


def test_a_figure_is_given_back_as_it_was_after_its_narrow_variant() -> None:
    """Drawing the narrow variant changes the figure only while it is saved: the wide picture drawn after it
    is the one drawn before, and the variant is narrower, with no text under 7 points."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from pipeline.documents.compose.charting.narrow import NARROW_WIDTH, SMALLEST_POINTS, narrow_svg
    from pipeline.documents.compose.charting.picture import STYLE

    figure = Figure(figsize=(7.2, 3))
    axes = figure.add_subplot()
    axes.barh(["Một đơn vị có tên rất dài, dài hơn một dòng", "Ngắn"], [1200, 300])
    axes.tick_params(labelsize=5)
    axes.set_title("Một tiêu đề dài, dài hơn chiều ngang của biểu đồ hẹp trên điện thoại", loc="left")

    def wide() -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):  # its ids the same on every run
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()

    before = wide()
    narrow = narrow_svg(figure)
    assert wide() == before
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)pt"', narrow)[1])
    assert width == pytest.approx(NARROW_WIDTH * 72)
    sizes = [float(s) for s in re.findall(r"font-size: ([0-9.]+)px", narrow)]
    assert sizes and min(sizes) >= SMALLEST_POINTS


def test_an_inline_chart_is_an_image_with_ids_of_its_own() -> None:
    from pipeline.documents.compose.charting.narrow import inline_svg

    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg" width="10pt">'
        '<metadata>x</metadata><defs><clipPath id="p1"><rect/></clipPath></defs>'
        '<g clip-path="url(#p1)"><use xlink:href="#p1"/></g></svg>'
    )
    shown = inline_svg(svg, 'Biểu đồ "A" & B')
    assert shown.startswith('<svg role="img" aria-label="Biểu đồ &quot;A&quot; &amp; B"')
    (prefix,) = set(re.findall(r'id="(n[0-9a-f]{8}-)p1"', shown))
    assert f"url(#{prefix}p1)" in shown and f'href="#{prefix}p1"' in shown and "metadata" not in shown
    assert inline_svg(svg.replace("10pt", "11pt"), "x").split('id="')[1][:10] != prefix
