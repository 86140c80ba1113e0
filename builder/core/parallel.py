"""The one process pool of a build: forked workers that stop cleanly.

Both parallel stages (front matter + Markdown, then pages) go through
`fork_map`. Workers are forked, so they inherit the work and its inputs
(a site model of thousands of articles) copy-on-write instead of having
them pickled; only chunk bounds go out and results come back. Ctrl-C and
SIGTERM are the parent's business: workers ignore them, and the parent
cancels the chunks not begun and waits for the few running.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STOP = {signal.SIGINT, signal.SIGTERM}
_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # set just before forking


class WorkerDied(OSError):
    """A worker process was killed (the out-of-memory killer, most often).

    An OSError, so the command reports it like any other failure of the
    machine: one line, exit code 1, output/ left as it was.
    """


def cores() -> int:
    """What --jobs 0 asks for: a worker per core."""
    return os.cpu_count() or 1


def fork_map(work: Callable[[T], R], items: Sequence[T], jobs: int,
             chunk: int) -> Iterator[R]:
    """work(item) for every item, results in the order of `items`.

    With `jobs` > 1, `jobs` forked workers each take `chunk` items at a
    time; otherwise (or where fork does not exist) it all runs here. A
    generator: close it (contextlib.closing) to stop the pool at once, on
    Ctrl-C or when the consumer fails.
    """
    if jobs <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(work, items)
        return
    global _task
    outer, _task = _task, (work, items)
    gc.freeze()  # keep the collector from touching (and so copying) inherited objects
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=leave_signals_to_parent)
    try:
        bounds = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        with forking():  # the workers are forked by the first submit, in map()
            results = pool.map(_run_chunk, bounds)
        for batch in results:
            yield from batch
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (out of memory?); "
                         "build again, or with --jobs 1") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on Ctrl-C: drop chunks not begun
        _task = outer
        gc.unfreeze()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    """In a worker: the results of one chunk of the inherited task."""
    assert _task is not None, "fork_map sets the task before forking"
    work, items = _task
    return [work(items[index]) for index in range(*bounds)]


def leave_signals_to_parent() -> None:
    """Pool workers ignore Ctrl-C and SIGTERM: the parent stops the pool.

    A terminal's Ctrl-C (and CI's SIGTERM) reach every process of the group.
    A worker stopped by one prints a traceback and breaks the pool, and the
    pool then waits forever on a worker stuck sending a result; the parent
    instead cancels the chunks not begun and waits for the few running.
    """
    for sig in _STOP:
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP)


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the pool forks: a worker must not start with the
    parent's handlers. A signal that arrives meanwhile is delivered right after."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
