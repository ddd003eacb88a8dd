"""A Papermill engine that runs a notebook's cells in this process, with IPython, instead of in a kernel.

A stage then costs what its cells cost: no kernel process to start, no second import of pandas and
matplotlib, no messages between two processes. The notebooks do not change: analysts open them in Jupyter
with the usual kernel, and nbval checks them that way. The executed copy has the outputs a kernel would
have given (streams, displays, results and errors, in the order they came), so Papermill's error report
and nbconvert read it as usual.

Each notebook starts as in a fresh kernel: an empty namespace, matplotlib's rcParams from its rc file with
the inline backend on, pandas' options at their defaults, the process's original warning filters, and
`os.environ`, the working directory, `sys.argv` and `sys.path` as they were before it ran (each restored
afterwards). `input()` fails as it does under Papermill, an interrupt stops the run as an interrupt, and
Papermill's options are honoured (`execution_timeout`, `log_output`, `stdout_file`, `stderr_file`) or
refused by name.

Registered with Papermill as the engine `in-process` through its `papermill.engine` entry point
(pyproject.toml), and when this module is imported.
"""

from __future__ import annotations

import atexit
import builtins
import getpass
import os
import platform
import signal
import sys
import threading
import warnings
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Any

import nbformat
from ipykernel.compiler import XCachingCompiler
from ipykernel.zmqshell import ZMQInteractiveShell
from IPython.core.error import StdinNotImplementedError
from nbclient.exceptions import CellTimeoutError
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines
from traitlets import Type
from traitlets.config import Config

from pipeline.execution.cell_outputs import CellOutputs, Echo, Publisher, ResultHook, Stream

ENGINE_NAME = "in-process"
LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "file_extension": ".py",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
}
# What ipykernel sets before a kernel imports matplotlib: figures are shown inline, below the cell.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
PANDAS_PLOTTING_DEFAULTS = {"plotting.backend": "matplotlib", "plotting.matplotlib.register_converters": "auto"}
# What ipykernel's shell sets in a kernel's environment (ZMQInteractiveShell.init_environment).
KERNEL_ENVIRONMENT = {
    "TERM": "xterm-color",
    "CLICOLOR": "1",
    "FORCE_COLOR": "1",
    "CLICOLOR_FORCE": "1",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
}
# The warning filters of this process before any stage changed them: each notebook starts with these.
_START_FILTERS = list(warnings.filters)
# Papermill's options this engine honours or, where they concern a kernel it does not start, accepts.
_ACCEPTED_OPTIONS = {"input_path", "start_timeout", "execution_timeout", "timeout", "stdout_file", "stderr_file"}


class _Shell(ZMQInteractiveShell):
    """A kernel's shell without the kernel: libraries that ask whether they run in Jupyter (pandas' width of
    a table, tqdm, …) are told yes, as under a kernel; what it would send over ZMQ is recorded instead."""

    # ipykernel's compiler: cells are named as a kernel names them (`3046560625.py` in a SyntaxError).
    compiler_class = Type(XCachingCompiler)
    displayhook_class = Type(ResultHook)
    display_pub_class = Type(Publisher)
    outputs = CellOutputs()  # the running cell's
    displays: dict[str, list[nbformat.NotebookNode]] = {}  # noqa: RUF012 - replaced for each notebook

    def _showtraceback(self, etype, evalue, stb: list[str]) -> None:
        self._last_traceback = stb
        self.outputs.error(etype.__name__, str(evalue), stb)

    def init_environment(self) -> None:
        """A kernel's environment variables are set for each notebook, and taken back after it (see
        `_fresh_kernel_state`), not for the whole process."""

    def ask_exit(self) -> None:
        """`exit()` in a cell: a kernel would restart; here the notebook goes on, as Papermill's does."""

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop to run: figures are shown inline (`%matplotlib inline`), as in a notebook."""


@contextmanager
def _new_shell() -> Iterator[_Shell]:
    """A shell of its own for one notebook, as a fresh kernel has: an empty namespace, no display ids, no
    history. It is the process's IPython instance only while the notebook runs: outside, libraries that
    ask whether they run in Jupyter are told no."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # no history database written in the user's home
    _Shell.clear_instance()
    shell = _Shell.instance(config=config)
    shell.displays = {}
    # IPython (9.x) keeps the outputs' history in a dict of the class, shared by every shell and never
    # emptied: this shell's own, gone with it.
    shell.history_manager.outputs = defaultdict(list)
    try:
        yield shell
    finally:
        atexit.unregister(shell.atexit_operations)
        # Puts back sys.modules["__main__"], which the shell replaced by its namespace's module: left in
        # place, the next notebook's shell would keep it as the one to restore, and so every shell before
        # it, with its namespace (the warm worker of `make preview` grew by ~4 MB a build).
        shell.cleanup()
        _Shell.clear_instance()


def _reset_libraries(shell: _Shell) -> None:
    """The state a notebook before may have left in libraries this process has loaded: matplotlib's
    rcParams back to its rc file and the inline backend on with no figure open, pandas' options at their
    defaults. A library not loaded yet starts fresh when the notebook imports it."""
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.rc_file_defaults()
        if "matplotlib.pyplot" in sys.modules:
            from matplotlib_inline.backend_inline import configure_inline_support

            pyplot = sys.modules["matplotlib.pyplot"]
            pyplot.close("all")
            # A kernel's pyplot is interactive (ipykernel's `activate_matplotlib`): a figure drawn without
            # `plt.show()` is shown below its cell. Code run before, outside a notebook, may have left it off.
            matplotlib.interactive(True)
            pyplot.switch_backend(INLINE_BACKEND)
            configure_inline_support.current_backend = "unset"  # its figure formats, for this new shell
            configure_inline_support(shell, INLINE_BACKEND)
        else:
            matplotlib.rcParams["backend"] = INLINE_BACKEND
    if "pandas" in sys.modules:
        pandas = sys.modules["pandas"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # resetting deprecated options warns
            # Resetting the plotting options loads matplotlib (their validators import it): they are set
            # back only when a notebook changed them, so a notebook that draws nothing does not load it.
            pandas.reset_option(r"^(?!plotting\.)")
            for option, default in PANDAS_PLOTTING_DEFAULTS.items():
                if pandas.get_option(option) != default:
                    pandas.set_option(option, default)
        # pandas registers this default when first imported: 20 in a kernel, 0 (the terminal's width) if
        # it was imported before any notebook ran.
        sys.modules["pandas"].set_option("display.max_columns", 20)


def _no_stdin(*args: object, **kwargs: object) -> str:
    """`input()` and `getpass()`: a notebook run by Papermill has no one to answer."""
    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


@contextmanager
def _fresh_kernel_state(shell: _Shell) -> Iterator[None]:
    """What a notebook sees of the process as if it were a fresh kernel's, and all of it restored after."""
    environ, cwd, argv, path = dict(os.environ), os.getcwd(), sys.argv, list(sys.path)
    prompts = builtins.input, getpass.getpass
    os.environ.update(KERNEL_ENVIRONMENT)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    sys.argv = [""]
    builtins.input = getpass.getpass = _no_stdin
    # Entering catch_warnings forgets which warnings were shown: each notebook shows its own, in the
    # output of the cell that raised them (whoever ran this process may have redirected them).
    with warnings.catch_warnings():
        warnings.filters[:] = _START_FILTERS
        warnings.showwarning = _show_warning
        _reset_libraries(shell)
        try:
            yield
        finally:
            builtins.input, getpass.getpass = prompts
            sys.argv, sys.path[:] = argv, path
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(environ)


class _TimeLimit:
    """Interrupts the running cell after `seconds`, as nbclient stops waiting for a kernel and the kernel is
    interrupted: the cell ends on a KeyboardInterrupt. Signals need the main thread: elsewhere a time limit
    is refused rather than ignored."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds, self.armed, self.expired = seconds, False, False
        if seconds and threading.current_thread() is not threading.main_thread():
            raise ValueError("execution_timeout needs the in-process engine to run in the main thread")

    def _expire(self, _signum: int, _frame: object) -> None:
        if self.armed:  # not once the cell has ended
            self.expired = True
            raise KeyboardInterrupt

    @contextmanager
    def running(self) -> Iterator[None]:
        if not self.seconds:
            yield
            return
        previous = signal.signal(signal.SIGALRM, self._expire)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def run_cell(
    shell: _Shell, cell: nbformat.NotebookNode, echo: Echo | None = None, timeout: float | None = None
) -> bool:
    """Run one code cell, its outputs replacing the old ones. False if it raised; CellTimeoutError, as
    nbclient raises it, if it ran longer than `timeout` seconds; KeyboardInterrupt on an interrupt (each
    after recording the cell's outputs, the interrupt's error among them, as a kernel's client does)."""
    shell.outputs = CellOutputs(echo)
    limit = _TimeLimit(timeout)
    with redirect_stdout(Stream("stdout", shell)), redirect_stderr(Stream("stderr", shell)), limit.running():
        result = shell.run_cell(cell.source, store_history=True)
        limit.armed = False
    cell.outputs = shell.outputs.items
    cell.execution_count = result.execution_count
    if limit.expired:
        raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)  # type: ignore[arg-type]
    if isinstance(result.error_in_exec, KeyboardInterrupt):
        raise KeyboardInterrupt
    return result.success


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


class InProcessEngine(Engine):
    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: NotebookExecutionManager,
        kernel_name: str,
        log_output: bool = False,
        **options: Any,
    ) -> None:
        unknown = sorted(set(options) - _ACCEPTED_OPTIONS)
        if unknown:
            raise TypeError(f"the {ENGINE_NAME} engine does not support {', '.join(unknown)}")
        if kernel_name and not kernel_name.startswith("python"):
            raise ValueError(f"the {ENGINE_NAME} engine runs Python notebooks only, not kernel {kernel_name!r}")
        echo = Echo(log_output, options.get("stdout_file"), options.get("stderr_file"))
        timeout = options.get("execution_timeout") or options.get("timeout")
        with _new_shell() as shell, _fresh_kernel_state(shell):
            cls._execute(nb_man, shell, echo, timeout)
        nb_man.nb.metadata["language_info"] = LANGUAGE_INFO

    @staticmethod
    def _execute(nb_man: NotebookExecutionManager, shell: _Shell, echo: Echo, timeout: float | None) -> None:
        # Papermill saves the notebook before and after every cell, for watching a kernel at work. Here the
        # copy is only read once complete: it is saved once, when Papermill completes the notebook.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            # As Papermill's own client does: every cell gets its timing metadata; execution stops at the
            # first error, and Papermill then reports it from the error output.
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    if cell.cell_type == "code" and not run_cell(shell, cell, echo, timeout):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        finally:
            nb_man.output_path = output_path


papermill_engines.register(ENGINE_NAME, InProcessEngine)
