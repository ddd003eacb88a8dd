"""The house style for the charts an analyst adds to a notebook (`plt.subplots()`, `df.plot()`, `plt.show()`):
the product's matplotlib style (house.mplstyle: font, colours, sizes a phone can read), vi-VN numbers on
the axes (`1.400`, `12,5`) whatever the system's locale, and figures shown as SVG (the bulletin's) and PNG
(the Word report's).

The notebooks' setup cells call `use()`, so it is active in every run, under both engines and in
`make lab`. By hand, in any notebook or script:

    from pipeline.common import house_style
    house_style.use()
    house_style.percent_axis(axes.yaxis)  # a share: `12,5%`

Only figures made through pyplot get the vi-VN numbers (matplotlib's `figure.hooks`): the house charts draw
their own figures and format their own axes (`pipeline.documents.compose.charting.drawing.vi_number_axis`).
"""

from __future__ import annotations

import functools
import sys
import weakref
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pipeline.common import fmt

if TYPE_CHECKING:  # loaded only to draw (see chart.py)
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

STYLE_FILE = Path(__file__).with_name("house.mplstyle")
HOOK = f"{__name__}:vi_numbers"
MOST_PLACES = 6


def use() -> None:
    """The house style and the vi-VN axis numbers for the charts that the running notebook (or, outside
    IPython, this process) draws from now on.

    Applied when matplotlib is loaded: a notebook that draws nothing (a commentary rebuild takes its charts
    from the cache) does not pay for loading it. Only in the notebook (IPython shell) that asked: a later one
    run by the same process starts, as in a fresh kernel, without it unless it asks too."""
    global _asked_in
    _asked_in = _current_shell()
    if "matplotlib" in sys.modules:
        _apply()
    elif _waiting() is None:
        sys.meta_path.insert(0, _WhenLoaded("matplotlib", lambda: _is_current(_asked_in) and _apply()))


def in_effect() -> bool:
    """Whether the charts the running notebook draws now get the house style: it is applied in this notebook,
    or, matplotlib not loaded yet, this notebook asked for it and it will be applied when matplotlib is."""
    if "matplotlib" in sys.modules:
        return _is_current(_applied_in)
    return _is_current(_asked_in) and _waiting() is not None


def settings() -> dict[str, Any]:
    """matplotlib's settings that the house style changes, with the values it gives them (matplotlib loaded)."""
    import matplotlib

    return _style_file_settings() | {"figure.hooks": _with_hook(matplotlib.rcParamsOrig["figure.hooks"])}


def _apply() -> None:
    global _applied_in
    import matplotlib

    matplotlib.rcParams.update(_style_file_settings())  # what `settings()` says, from the same reading
    matplotlib.rcParams["figure.hooks"] = _with_hook(matplotlib.rcParams["figure.hooks"])
    _inline_formats()
    _applied_in = _current_shell()


def _with_hook(hooks: Sequence[str]) -> list[str]:
    return list(hooks) if HOOK in hooks else [*hooks, HOOK]


@functools.cache
def _style_file_settings() -> dict[str, Any]:
    """house.mplstyle read as matplotlib's style files are (`matplotlib.style.use` reads them so)."""
    import matplotlib

    return dict(matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False))


# The notebooks (their IPython shells, by weak reference: none is kept alive for this) that asked for the house
# style last and where it was applied last; None outside IPython.
_NOBODY = object()
_asked_in: Any = _NOBODY
_applied_in: Any = _NOBODY


def _current_shell() -> Callable[[], object] | None:
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    return weakref.ref(shell) if shell is not None else None


def _is_current(shell: Any) -> bool:
    if shell is _NOBODY:
        return False
    now = _current_shell()
    if shell is None or now is None:
        return shell is now
    return shell() is now()


def _waiting() -> _WhenLoaded | None:
    """The finder that applies the house style when matplotlib is loaded, if it has not yet."""
    return next((f for f in sys.meta_path if getattr(f, "applies_house_style", False) and not f.done), None)


class _WhenLoaded(MetaPathFinder):
    """Runs `then` right after the module `name` is first loaded (a finder that wraps the loader the other
    finders give); once `then` has run, it does nothing more. Finding the module without loading it
    (`importlib.util.find_spec`) runs nothing. It stays in `sys.meta_path`: removing it while another thread
    walks the list could make that thread skip a finder."""

    applies_house_style = True  # found by this mark, which a reload of this module keeps

    def __init__(self, name: str, then: Callable[[], object]) -> None:
        self.name, self.then, self.done = name, then, False

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name != self.name or self.done:
            return None
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if finder is not self and hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenLoader(spec.loader, self)
                return spec
        return None


class _ThenLoader(Loader):
    def __init__(self, loader: Loader, waiting: _WhenLoaded) -> None:
        self.loader, self.waiting = loader, waiting

    def __getattr__(self, name: str) -> Any:  # the wrapped loader's other methods (get_code, get_resource_reader…)
        return getattr(self.loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = module.__spec__.loader = self.loader  # the module sees its own loader only
        self.loader.exec_module(module)
        if not self.waiting.done:
            # Marked done only once it has run: if it fails, the import fails and the next one tries again.
            self.waiting.then()
            self.waiting.done = True


def _inline_formats() -> None:
    """In a notebook: figures shown as SVG (text stays text, for the bulletin and a phone) and PNG (for the
    Word report), with no date in them (the same bytes on every run)."""
    from IPython import get_ipython

    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg", "png", metadata={"Date": None})


def places(values: Sequence[float]) -> int:
    """The fewest decimals that show every value of `values` as it is (ticks at 0, 2.5, 5: one)."""
    for count in range(MOST_PLACES + 1):
        if all(abs(round(value, count) - value) <= 1e-9 * max(1.0, abs(value)) for value in values):
            return count
    return MOST_PLACES


def vi_number(value: float, decimals: int, percent: bool = False) -> str:
    """`1.400`, `12,5`, `12,5%` (Babel's vi-VN, not the system's locale); -0 as 0."""
    text = fmt.decimal(Decimal(repr(float(value) + 0.0)), decimals)
    return text + ("%" if percent else "")


def formatter(percent: bool = False) -> Any:
    """A matplotlib tick formatter in vi-VN notation: as many decimals as the ticks need, the same for all."""
    from matplotlib.ticker import Formatter

    class ViNumbers(Formatter):
        decimals = 0

        def format_ticks(self, values: Sequence[float]) -> list[str]:
            self.decimals = places(values)
            return [vi_number(value, self.decimals, percent) for value in values]

        def __call__(self, value: float, pos: int | None = None) -> str:
            return vi_number(value, places([value]), percent)

    return ViNumbers()


def percent_axis(axis: Axis) -> None:
    """An axis of shares (values in per cent): `12,5%`."""
    axis.set_major_formatter(formatter(percent=True))


def vi_numbers(figure: Figure) -> None:
    """A pyplot figure's hook: when it is drawn, each axis that still has matplotlib's default number format
    (not a date, a category, or a format the cell set) shows vi-VN numbers."""
    from matplotlib.ticker import ScalarFormatter

    draw = figure.draw

    def draw_with_vi_numbers(renderer: Any) -> None:
        for axes in figure.axes:
            for axis in (axes.xaxis, axes.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    axis.set_major_formatter(formatter())
        draw(renderer)

    figure.draw = draw_with_vi_numbers  # type: ignore[method-assign]
