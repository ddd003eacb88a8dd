"""A chart as the documents show it: SVG for the screen and the PDFs, a 300-dpi PNG for Word, a text
alternative and a caption; and the cache that draws each chart of an edition once.

The bulletin's and the report's notebooks show the same charts, and a change of the commentary reruns both:
drawing and exporting the charts again would be most of the work. So a chart function's pictures are kept
on disk, in the edition's report folder (`.charts/`), under a key made of everything they are drawn from:
the function and its arguments, the edition's indicators and reference files, the code, and matplotlib's
settings at the time. A chart is exported as soon as it is drawn, before an analyst's cell can touch it;
a chart whose `figure` a cell asked for (to adjust it) is exported again when shown, from the figure as it
then is, and the cache keeps the pictures as drawn. Each changed figure of a return gives new keys: the
folder keeps the most recently used pictures only (`keep_recent`, after each documents build).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.common import house_style, iorw
from pipeline.documents.compose.charting.narrow import NARROW_MIME, narrow_svg
from pipeline.documents.compose.charting.svg import STYLE, flattened

if TYPE_CHECKING:  # matplotlib is loaded only to draw: a chart from the cache does without it
    from matplotlib.figure import Figure

PRINT_DPI = 300  # the picture Word gets: sharp when printed
# Pictures kept in a cache folder (15 to 270 kB each): the charts of some twenty versions of the sample's
# figures, for an analyst who tries a figure one way and back in the preview.
KEPT = 200


class Chart:
    """A figure (drawn now, or when first asked for), its text alternative stating its figures, and its
    caption (its title, for the report's numbered captions)."""

    def __init__(self, figure: Figure | None, alt: str, caption: str = "", word_picture: bool = False) -> None:
        self._figure, self.alt, self.word_picture = figure, alt, word_picture
        self.caption = caption or (_title(figure) if figure is not None else "")
        self._pictures: dict[str, str] = {}  # exported as drawn, before any cell could change the figure
        self._redraw: Callable[[], Chart] | None = None
        self._touched = False

    @property
    def figure(self) -> Figure:
        """The matplotlib figure, for an analyst to adjust: a chart whose figure was asked for is exported
        again when shown, as it then is."""
        self._touched = True
        return self._drawn()

    def _drawn(self) -> Figure:
        if self._figure is None:  # it came from the cache: drawn now
            assert self._redraw is not None
            self._figure = self._redraw()._figure
        return self._figure

    def _save(self, kind: str, **options: object) -> bytes:
        import matplotlib

        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            self._drawn().savefig(buffer, format=kind, **options)
        return buffer.getvalue()

    def png(self, dpi: int = PRINT_DPI) -> bytes:
        """The chart as PNG; no metadata that changes between runs."""
        return self._save("png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 6})

    def svg(self) -> str:
        return flattened(self._save("svg", metadata={"Date": None, "Creator": None}).decode("utf-8"))

    def pictures(self) -> dict[str, str]:
        """SVG of the figure as it is now, and for Word its PNG as base64, for the bulletin its narrow
        variant (`narrow`: what a phone shows)."""
        wanted = ("svg", "png") if self.word_picture else ("svg", "narrow")
        if not self._touched and all(kind in self._pictures for kind in wanted):
            return self._pictures
        exported = {"svg": self.svg()}
        if self.word_picture:
            exported["png"] = base64.b64encode(self.png()).decode("ascii")
        else:
            exported["narrow"] = narrow_svg(self._drawn())
        return exported

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[dict, dict]:
        pictures = self.pictures()
        data = {"image/svg+xml": pictures["svg"], "text/plain": self.alt}
        if "png" in pictures:
            data["image/png"] = pictures["png"]
        if "narrow" in pictures:
            data[NARROW_MIME] = pictures["narrow"]
        about = {"alt": self.alt, "caption": self.caption}
        return data, {"image/svg+xml": about, "image/png": about}


def _title(figure: Figure) -> str:
    titles = [figure.get_suptitle()] + [a.get_title(loc="left") or a.get_title() for a in figure.axes]
    return next((t for t in titles if t), "")


def cached(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """A chart function, drawn under the bulletin's STYLE, its pictures taken from the edition's cache when
    they were made from the same inputs."""

    @functools.wraps(draw)
    def chart(data: Any, *args: Any, **kwargs: Any) -> Chart:
        def drawn() -> Chart:
            import matplotlib

            with matplotlib.rc_context(STYLE):
                made = draw(data, *args, **kwargs)
            made.word_picture = data.word_pictures
            return made

        folder = data.chart_cache
        if folder is None:
            made = drawn()
            made._pictures = made.pictures()
            return made
        path = Path(folder) / f"{_key(draw.__qualname__, data.chart_key, args, kwargs, data.word_pictures)}.json"
        stored = _read(path)
        if stored is None:
            made = drawn()
            made._pictures = made.pictures()  # exported now, as drawn
            iorw.write_text(path, json.dumps({"alt": made.alt, "caption": made.caption, "pictures": made._pictures}))
            return made
        iorw.mark_used(path)
        hit = Chart(None, stored["alt"], stored["caption"], data.word_pictures)
        hit._pictures, hit._redraw = dict(stored["pictures"]), drawn  # Word's PNG among them: in the key
        return hit

    return chart


def keep_recent(folder: Path) -> None:
    """The cache folder `folder` cut to its KEPT most recently used pictures."""
    iorw.keep_most_recent(folder, ".json", KEPT)


def _key(name: str, edition_key: str, args: tuple, kwargs: dict, word_picture: bool) -> str:
    """The chart function, its arguments, the edition, whether Word's picture is wanted, and matplotlib's
    settings (its version is in the edition key's code digest, with the lock file)."""
    parts = [name, edition_key, repr(args), repr(sorted(kwargs.items())), str(word_picture), _settings()]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


# Settings that do not change a saved picture: which backend shows figures, and whether interactively.
NOT_DRAWING = {"backend", "backend_fallback", "interactive"}


def _settings() -> str:
    """matplotlib's settings where they differ from its rc files (what a fresh kernel starts with, and what
    each notebook starts with here) with the house style on top where the notebook asked for it, and those
    rc files. A notebook that has not loaded matplotlib has exactly those settings (the house style is
    applied when it is loaded), so a chart is found in the cache without loading it."""
    house = house_style.in_effect()
    changed = []
    if "matplotlib" in sys.modules:
        matplotlib = sys.modules["matplotlib"]
        expected = dict(matplotlib.rcParamsOrig) | (house_style.settings() if house else {})
        changed = sorted(
            (k, repr(v)) for k, v in matplotlib.rcParams.items() if k not in NOT_DRAWING and v != expected.get(k)
        )
    return f"{changed!r}\nhouse style: {house}\n" + "\n".join(iorw.sha256(p) for p in _rc_files())


def _rc_files() -> list[Path]:
    """The matplotlibrc files matplotlib would read besides its own (which comes with its version): in the
    working directory, $MATPLOTLIBRC, and the user's configuration folder."""
    candidates = [Path.cwd() / "matplotlibrc"]
    if os.environ.get("MATPLOTLIBRC"):
        given = Path(os.environ["MATPLOTLIBRC"])
        candidates.append(given / "matplotlibrc" if given.is_dir() else given)
    config = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "matplotlib"
    )
    candidates.append(Path(config) / "matplotlibrc")
    return [p for p in candidates if p.is_file()]


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def edition_key(indicators_csv: Path, reference_files: tuple[Path, ...], edition: str, draft: bool) -> str:
    """What an edition's charts are drawn from, besides the code: its indicators, its reference files (unit
    names, kinds), the edition and whether it is a draft; and the code that draws them."""
    from pipeline.common.version import presentation_digest

    files = "\n".join(iorw.sha256(p) for p in (indicators_csv, *reference_files))
    return hashlib.sha256(f"{files}\n{edition}\n{draft}\n{presentation_digest()}".encode()).hexdigest()
