"""Every figure a document prints is a row of indicators.csv (SPEC 2): the figures printed in a page's text, and
the check that each is an indicator of the edition. Shared by the sample's tests and the generated province's."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from pipeline.indicators.table import Indicators

# What is not a figure of the indicators: the data notes (returns received, files, problems found) and the
# definitions, which the bulletin marks as such; dates, years, half-year names and month numbers.
NOT_FIGURES = ("data-notes", "celltag_definitions")


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(,\d+)?(%?)(?![\w])")


_NOT_A_FIGURE = [
    re.compile(r"\d{4}H[12]"),  # half-year names
    re.compile(r"6T (?:đầu|cuối)\s+\d{4}"),  # the trend chart's `6T đầu 2016`
    re.compile(r"\b6 tháng"),
    re.compile(r"(?:năm|Năm|tháng|nhiệm kỳ|kỳ|Trang) \d+(?:-\d{4})?"),  # dates, years, pages
    re.compile(r"\d{1,2}-\d{4}"),  # `tháng 6-2017`
    re.compile(r"\d{4}–\d{4}"),
]


class _Figures(HTMLParser):
    """The text of a bulletin outside the sections that hold no indicator (alt texts included: a chart's
    text alternative states its figures too; the text drawn in an inline chart, a picture, is not read:
    its text alternative, on the picture beside it, is)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in VOID_ELEMENTS:  # no end tag follows: never a section to skip
            if tag == "img" and values.get("alt") and not self._skipping:
                self.parts.append(values["alt"] or "")
            return
        hidden = tag in ("head", "style", "script", "svg") or any(
            c in NOT_FIGURES for c in (values.get("class") or "").split()
        )
        if self._skipping or hidden:
            self._skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag not in VOID_ELEMENTS:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def printed_figures(html: str) -> list[tuple[Decimal, bool, str]]:
    """(value, is a percentage, the text around it) for every number the bulletin prints as a figure."""
    parser = _Figures()
    parser.feed(html)
    return figures_in_text(" ".join(parser.parts))


def figures_in_text(text: str) -> list[tuple[Decimal, bool, str]]:
    for pattern in _NOT_A_FIGURE:
        text = pattern.sub(" ", text)
    found = []
    for match in _NUMBER.finditer(text):
        whole, decimals, percent = match.groups()
        value = Decimal(whole.replace(".", "") + (decimals or "").replace(",", "."))
        found.append((value, bool(percent), text[max(0, match.start() - 60) : match.end() + 10]))
    return found


def indicator_values(path: Path) -> tuple[set[Decimal], set[Decimal]]:
    """(percentages, counts) of indicators.csv, by absolute value (`giảm 15,94%` prints a negative change
    in words)."""
    ind = Indicators.read(path)
    percentages, counts = set(), set()
    for (_scope, _window, name), value in ind.items():
        (percentages if name.endswith("_pct") else counts).add(abs(Decimal(value)))
    return percentages, counts


def assert_traceable(report: Path) -> int:
    percentages, counts = indicator_values(report / "indicators.csv")
    html = (report / "bulletin.html").read_text(encoding="utf-8")
    figures = printed_figures(html)
    untraced = [(v, p, where) for v, p, where in figures if v not in (percentages if p else counts)]
    assert untraced == []
    return len(figures)
