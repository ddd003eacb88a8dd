"""Write the fonts the PDFs embed (pipeline/documents/fonts/): the Latin and Vietnamese part of DejaVu Sans (as matplotlib
ships it) and of Liberation Serif (Debian's fonts-liberation2), with their names and licences kept.

Usage: python tools/make_fonts.py LIBERATION_DIR  (then commit pipeline/documents/fonts/; tests check the coverage)

Why: WeasyPrint subsets every font it embeds, with fontTools on every machine (see pipeline/documents/render/pdf.py), and
fontTools reads the whole font to do it: the full DejaVu Sans (6,000 glyphs) took most of the time of making
a PDF. These fonts hold every glyph Vietnamese text, figures and the documents' signs need, and nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "documents" / "fonts"
# Latin (with every Vietnamese letter, precomposed or with combining marks), punctuation, currency (₫),
# letterlike symbols, arrows (→), mathematical signs (×, −, ≤), boxes and bullets.
RANGES = [
    (0x0020, 0x024F),
    (0x0300, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x22FF),
    (0x2500, 0x25FF),
    (0xFFFD, 0xFFFD),
]
DEJAVU = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf",
)
LIBERATION = ("Regular", "Bold", "Italic", "BoldItalic")


def cut(source: Path, target: Path) -> None:
    options = subset.Options()
    options.name_IDs, options.name_languages, options.name_legacy = ["*"], ["*"], True  # names and licence kept
    options.layout_features = ["*"]
    options.notdef_outline, options.recalc_timestamp = True, False
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for start, end in RANGES for c in range(start, end + 1)])
    subsetter.subset(font)
    font.save(target)


def main(liberation_dir: str) -> None:
    matplotlib_fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in DEJAVU:
        cut(matplotlib_fonts / name, OUT / name)
    for style in LIBERATION:
        cut(Path(liberation_dir) / f"LiberationSerif-{style}.ttf", OUT / f"LiberationSerif-{style}.ttf")


if __name__ == "__main__":
    main(sys.argv[1])
