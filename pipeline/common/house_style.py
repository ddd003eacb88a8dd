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
    """The house style and the vi-VN axis numbers for every chart drawn from now on in this process.

    Applied when matplotlib is loaded: a notebook that draws nothing (a commentary rebuild takes its charts
    from the cache) does not pay for loading it. Only in the notebook (IPython shell) that asked: a later one
    run by the same process starts, as in a fresh kernel, without it unless it asks too."""
    global _asked_in
    _asked_in = _current_shell()
    if "matplotlib" in sys.modules:
        _apply()
    elif not any(isinstance(finder, _WhenLoaded) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenLoaded("matplotlib", lambda: asked() and _apply()))


def asked() -> bool:
    """Whether the running notebook (or, outside IPython, the process) asked for the house style, applied
    or waiting for matplotlib to be loaded."""
    if _asked_in is _NOT_ASKED:
        return False
    now = _current_shell()
    if _asked_in is None or now is None:
        return _asked_in is now
    return _asked_in() is now()


def settings() -> dict[str, Any]:
    """matplotlib's settings that `use()` changes, with the values it gives them (matplotlib loaded)."""
    import matplotlib

    given = dict(matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False))
    hooks = list(matplotlib.rcParamsOrig["figure.hooks"])
    given["figure.hooks"] = hooks if HOOK in hooks else [*hooks, HOOK]
    return given


def _apply() -> None:
    import matplotlib
    import matplotlib.style

    matplotlib.style.use(STYLE_FILE)
    hooks = list(matplotlib.rcParams["figure.hooks"])
    if HOOK not in hooks:
        matplotlib.rcParams["figure.hooks"] = [*hooks, HOOK]
    _inline_formats()


def _current_shell() -> Callable[[], object] | None:
    """A weak reference to the running IPython shell (None outside one): a shell is not kept alive for this."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    return weakref.ref(shell) if shell is not None else None


_NOT_ASKED = object()
_asked_in: Any = _NOT_ASKED  # the shell whose notebook called `use()` last


class _WhenLoaded(MetaPathFinder):
    """Runs `then` right after the module `name` is first loaded (a finder that wraps the loader the other
    finders give). Finding the module without loading it (`importlib.util.find_spec`) runs nothing."""

    def __init__(self, name: str, then: Callable[[], object]) -> None:
        self.name, self.then = name, then

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name != self.name:
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

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = module.__spec__.loader = self.loader  # the module sees its own loader only
        self.loader.exec_module(module)
        if self.waiting in sys.meta_path:
            sys.meta_path.remove(self.waiting)
            self.waiting.then()


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
