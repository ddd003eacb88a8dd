"""Processes that lay out the PDFs, started with WeasyPrint loaded before the PDFs are wanted.

Loading WeasyPrint takes about 0.4 s (Pango's C interface is declared at import) and laying out a PDF keeps
one core busy. A report's process starts two workers as soon as it finds its indicators or documents out of
date: they load WeasyPrint on the core the checks and the notebooks leave idle, then wait for one PDF each
(unused, when the documents turn out to be up to date after all, they are stopped). The
bulletin's and the formal report's PDFs are then laid out side by side, by processes that are ready.

The first worker is forked from the report's process and runs the initializer (loads WeasyPrint); the
second is forked from the first, so it is loaded once. The first then loads `ahead` too: it is given the first work
reserved, the bulletin's, which converts its executed notebook to HTML before laying it out. What a worker
loads is its caller's (`ready(initializer=…, ahead=…)`): the documents give `pdf.load_weasyprint` and
nbconvert's module. Each receives
its work (a picklable callable, small: paths and options) on its own pipe and answers on another: None, or
what the work raised, raised here as if it had run here. Stopped, the first worker stops the others.
Where a fork is unsafe (see `children`), the work runs in this process when it is submitted.
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.common.errors import StageFailed
from pipeline.execution.parallel import children

WORKERS = 2  # an edition has two PDFs: the bulletin and the formal report
WHAT = "bản PDF"  # the work, as a message names it
FRAME = "<Q"  # a work's length, before it
LayOut = Callable[[Callable[[], None]], None]  # hands a PDF's work to a worker
HELPER_GRACE_SECONDS = 2.0  # the first worker's wait for the others to stop: well within the parent's for it


@dataclass
class _Slot:
    jobs: int  # this process's end of the worker's job pipe (-1 once closed)
    results: int  # this process's end of its result pipe
    submitted: bool = False


class InProcess:
    """Runs each PDF's work when it is submitted: where forking is unsafe."""

    def submit(self, work: Callable[[], None]) -> None:
        work()

    def reserve(self) -> LayOut:
        return self.submit

    def finish(self) -> None:
        pass


class Workers:
    """Ready processes. `submit` hands the next one its work; `finish` waits for all of it."""

    def __init__(self, pid: int, slots: list[_Slot]) -> None:
        self._pid, self._slots = pid, slots

    def submit(self, work: Callable[[], None]) -> None:
        self.reserve()(work)

    def reserve(self) -> LayOut:
        """The next worker, kept for a work submitted later, possibly by a child forked from here (the
        bulletin's, as soon as its HTML is written)."""
        slot = next((s for s in self._slots if not s.submitted), None)
        if slot is None:
            raise RuntimeError(f"only {len(self._slots)} PDF workers were started")
        slot.submitted = True
        return functools.partial(_send, slot.jobs)

    def finish(self) -> None:
        """Wait for every submitted work and raise the first failure; workers given nothing are let go."""
        for slot in self._slots:
            if not slot.submitted:
                _send(slot.jobs, None)
        self._close_jobs()
        answers = []
        for slot in self._slots:
            results, slot.results = slot.results, -1
            answers.append((slot.submitted, _read_all(results)))
        os.waitpid(self._pid, 0)
        self._pid = -1
        for submitted, answer in answers:
            if submitted and not answer:
                raise StageFailed(children.died_message(WHAT, "dừng giữa chừng"))
            if submitted and (raised := pickle.loads(answer)) is not None:
                children.reraise(raised, WHAT)

    def stop(self) -> None:
        """The documents are no longer wanted (a failure, Ctrl-C): stop the workers, whatever they do (the
        first stops the others)."""
        self._close_jobs()
        for slot in self._slots:
            if slot.results >= 0:
                os.close(slot.results)
                slot.results = -1
        if self._pid > 0:
            pid, self._pid = self._pid, -1
            children.stop(pid)

    def _close_jobs(self) -> None:
        for slot in self._slots:
            if slot.jobs >= 0:
                os.close(slot.jobs)
                slot.jobs = -1


Pdfs = Workers | InProcess  # what `ready` gives: workers, or this process where a fork is unsafe


@contextmanager
def ready(
    count: int = WORKERS, initializer: Callable[[], object] | None = None, ahead: tuple[str, ...] = ()
) -> Iterator[Pdfs]:
    """Start `count` PDF workers for the block's documents. Leaving the block, by an error or without
    `finish`, stops them. `initializer`: run once, in the first worker, before the others are forked from
    it (WeasyPrint loaded); what it raises is raised by each work submitted. `ahead`: modules the first
    worker then loads (nbconvert's), for the work of the first worker reserved (the bulletin's HTML and
    PDF), so that the notebook's process does not load them, on the way to the bulletin's PDF."""
    pid = -1
    if children.can_fork():
        pipes = [(os.pipe(), os.pipe()) for _ in range(count)]
        mine = [end for jobs, results in pipes for end in (jobs[1], results[0])]
        theirs = [(jobs[0], results[1]) for jobs, results in pipes]
        try:
            pid = children.fork_child(lambda: _first_worker(theirs, initializer, ahead), close=mine)
        except OSError:  # no process to be had (a limit, memory): the PDFs are laid out here
            for end in mine:
                os.close(end)
        for jobs, results in theirs:
            os.close(jobs)
            os.close(results)
    if pid < 0:
        yield InProcess()
        return
    workers = Workers(pid, [_Slot(jobs=jobs[1], results=results[0]) for jobs, results in pipes])
    try:
        yield workers
    finally:
        workers.stop()


def _first_worker(
    ends: list[tuple[int, int]], initializer: Callable[[], object] | None, ahead: tuple[str, ...]
) -> None:
    """In the first worker: run the initializer, fork the other workers from here, then serve the first work
    (and, where another could not be forked, its work in turn). Stopped, it stops the others first."""
    loading_error: Exception | None = None
    try:
        if initializer is not None:
            initializer()
    except Exception as error:  # told to whoever submits work (a missing Pango, say), not before
        loading_error = error
    helpers: list[int] = []
    served_here, others = [ends[0]], ends[1:]
    try:
        while others:
            jobs, results = others.pop(0)
            if not children.can_fork():
                served_here.append((jobs, results))
                continue
            not_its_own = [end for pair in (*served_here, *others) for end in pair]
            # A stop arriving between the fork and the note of its pid would leave that worker running.
            with children.signals_held():
                try:
                    helpers.append(
                        children.fork_child(lambda j=jobs, r=results: _serve(j, r, loading_error), close=not_its_own)
                    )
                except OSError:
                    served_here.append((jobs, results))
                    continue
            os.close(jobs)
            os.close(results)
        _load_ahead(ahead)
        for jobs, results in served_here:
            _serve(jobs, results, loading_error)
        while helpers:
            os.waitpid(helpers[0], 0)
            helpers.pop(0)
    except BaseException:
        with children.signals_held():  # a second Ctrl-C must not cut the others' stop short
            for helper in helpers:
                children.stop(helper, grace=HELPER_GRACE_SECONDS)
        raise


def _load_ahead(ahead: tuple[str, ...]) -> None:
    """The modules `ahead`, while this worker waits for its work. One that fails to load is loaded again by the
    work that needs it, when it runs, which then fails with that error, as told to whoever submitted it."""
    for module in ahead:
        try:
            importlib.import_module(module)
        except Exception:  # see above: the work itself reports it
            continue


def _serve(jobs: int, results: int, loading_error: Exception | None) -> None:
    """Read one work, run it, answer: None, or what it raised. No work (an empty frame, or the pipe closed):
    no answer."""
    with os.fdopen(jobs, "rb") as pipe:
        header = pipe.read(struct.calcsize(FRAME))
        work = pipe.read(struct.unpack(FRAME, header)[0]) if len(header) == struct.calcsize(FRAME) else b""
    answer, stopped = b"", None
    try:
        if work:
            if loading_error is not None:
                raise loading_error
            pickle.loads(work)()
            answer = pickle.dumps(None)
    except BaseException as error:
        answer = pickle.dumps(children.outcome_of(error))
        if isinstance(error, KeyboardInterrupt):  # stopped: this worker stops too (the first, the others first)
            stopped = error
    children.answer(results, answer)
    if stopped is not None:
        raise stopped


def _send(jobs: int, work: Callable[[], None] | None) -> None:
    """Write `work` (None: nothing to do) to a worker's job pipe, framed by its length: another process
    (this one, a child forked from it, or one a notebook forked) may hold the pipe's end open, so the
    worker cannot wait for it to close. A work is a few hundred bytes (paths and options), less than a
    pipe takes at once: writing it never waits for the worker."""
    data = pickle.dumps(work) if work is not None else b""
    view = memoryview(struct.pack(FRAME, len(data)) + data)
    try:
        while view:
            view = view[os.write(jobs, view) :]
    except BrokenPipeError:  # the worker is gone (Ctrl-C, killed): `finish` says so, unless this run stops
        pass


def _read_all(descriptor: int) -> bytes:
    with os.fdopen(descriptor, "rb") as pipe:
        return pipe.read()
