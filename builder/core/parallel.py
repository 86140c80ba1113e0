"""The one process pool of a build: forked workers that stop cleanly and die with it.

Both parallel stages (front matter + Markdown, then pages) go through
`fork_map`. Workers are forked, so they inherit the work and its inputs
(a site model of thousands of articles) copy-on-write instead of having
them pickled; only chunk numbers go out and results come back.

* Each worker has a pipe of its own. A worker that dies (the out-of-memory
  killer, most often), even half-way through sending a result, closes only
  its own pipe: the parent sees it at once and raises `WorkerDied`, naming
  the item the worker was on. (A shared result queue, as in
  concurrent.futures, leaves its reader waiting forever for the rest of a
  half-sent result.)
* Ctrl-C and SIGTERM are the parent's business: workers ignore them. When
  the parent stops early (an interrupt, an error, a dead worker, a consumer
  that closes the generator), it kills the workers: their results are not
  wanted, and none is left blocked or running.
* A worker dies with its parent, even one killed by `kill -9`: on Linux the
  kernel sends it SIGKILL (PR_SET_PDEATHSIG); elsewhere a thread in the worker
  sees that it has a new parent and exits.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from multiprocessing import connection
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STOP = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 0.2  # how often a worker without PR_SET_PDEATHSIG looks for its parent
AHEAD = 2  # chunks a worker holds at once, so that it never waits for the next one


class _Task:
    """What the workers inherit by fork: the work, its items, the chunks, and a board in
    shared memory where each worker notes the item of its chunk it is working on."""

    def __init__(self, work: Callable[[Any], Any], items: Sequence[Any], chunk: int) -> None:
        self.work = work
        self.items = items
        self.bounds = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        self.memory = mmap.mmap(-1, 8 * len(self.bounds))  # shared with forked children
        self.board = memoryview(self.memory).cast("q")  # per chunk: the item begun, or -1
        for number in range(len(self.bounds)):
            self.board[number] = -1

    def run(self, number: int) -> list[Any]:
        """In a worker: the results of one chunk, each item noted on the board first."""
        results = []
        for index in range(*self.bounds[number]):
            self.board[number] = index
            results.append(self.work(self.items[index]))
        return results

    def close(self) -> None:
        self.board.release()
        self.memory.close()


_task: _Task | None = None  # set just before forking


class WorkerDied(OSError):
    """A worker process was killed (the out-of-memory killer, most often).

    An OSError, so the command reports it like any other failure of the
    machine: one line, located at the item the worker was on (its `filename`),
    exit code 1, output/ left as it was.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(0, message, where)  # errno 0: no system call failed

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}" if self.filename else str(self.strerror)


def cores() -> int:
    """What --jobs 0 asks for: a worker per core."""
    return os.cpu_count() or 1


def fork_map(
    work: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    chunk: int,
    name: Callable[[T], str] | None = None,
) -> Generator[R, None, None]:
    """work(item) for every item, results in the order of `items`.

    With `jobs` > 1, `jobs` forked workers each take `chunk` items at a
    time; otherwise (or where fork does not exist) it all runs here. A
    generator: close it (contextlib.closing) to stop the pool at once, on
    Ctrl-C or when the consumer fails. `name(item)` says where a worker that
    died was (a source path, say) for the error.
    """
    if jobs <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(work, items)
        return
    global _task
    task = _Task(work, items, chunk)
    outer, _task = _task, task
    pool = _Pool(task, jobs, name)
    gc.freeze()  # keep the collector from touching (and so copying) inherited objects
    try:
        with forking():
            pool.start()
        yield from pool.results()
    finally:
        pool.stop()
        task.close()
        _task = outer
        gc.unfreeze()


class _Worker:
    """One forked worker: its process, the parent's end of its pipe, the chunks it holds."""

    def __init__(self, process: BaseProcess, pipe: Connection) -> None:
        self.process = process
        self.pipe = pipe
        self.chunks: deque[int] = deque()  # sent, in order; it works on the first


class _Pool:
    """The workers of one fork_map, and the chunks: to send, sent, and done."""

    def __init__(self, task: _Task, jobs: int, name: Callable[[Any], str] | None) -> None:
        self.task = task
        self.jobs = min(jobs, len(task.bounds))
        self.name = name
        self.workers: list[_Worker] = []
        self.todo = deque(range(len(task.bounds)))
        self.done: dict[int, list[Any]] = {}
        self.finished = False

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        parent, prctl = os.getpid(), _prctl()
        for number in range(self.jobs):
            mine, theirs = context.Pipe()
            others = [w.pipe for w in self.workers] + [mine]  # the child closes these
            process = context.Process(
                target=_serve,
                args=(theirs, others, parent, prctl),
                name=f"broadsheet worker {number + 1}",
            )
            process.start()
            theirs.close()  # now only the worker holds its end: its death closes the pipe
            self.workers.append(_Worker(process, mine))
        for _ in range(AHEAD):
            for worker in self.workers:
                self._give(worker)

    def results(self) -> Iterator[Any]:
        """Every result, in order, each chunk as soon as it and those before it are done."""
        for number in range(len(self.task.bounds)):
            while number not in self.done:
                self._receive()
            yield from self.done.pop(number)
        self.finished = True

    def stop(self) -> None:
        """Finished: let the workers exit. Stopped early: kill them. Then reap them."""
        for worker in self.workers:
            if self.finished:
                with contextlib.suppress(OSError):
                    worker.pipe.send(None)
            else:
                worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.pipe.close()

    def _give(self, worker: _Worker) -> None:
        if self.todo:
            number = self.todo.popleft()
            worker.chunks.append(number)
            with contextlib.suppress(OSError):  # it has died: the next _receive() says so
                worker.pipe.send(number)

    def _receive(self) -> None:
        """Wait for the next result of any worker; raise if one died or the work failed."""
        busy = [w for w in self.workers if w.chunks]
        assert busy, "a chunk is missing"
        ready = set(connection.wait([w.pipe for w in busy] + [w.process.sentinel for w in busy]))
        for worker in busy:
            if worker.pipe in ready:
                try:
                    number, ok, payload = worker.pipe.recv()
                except (EOFError, OSError):  # closed half-way through a result, or before one
                    raise self._died(worker) from None
                if not ok:
                    raise payload
                assert number == worker.chunks.popleft()
                self.done[number] = payload
                self._give(worker)
            elif worker.process.sentinel in ready:
                raise self._died(worker)

    def _died(self, worker: _Worker) -> WorkerDied:
        """The error for a dead worker: how it died, and the item it was on."""
        code = _exit_code(worker.process)
        if code is not None and code < 0:
            how = f"killed by {signal.Signals(-code).name}"
            how += ": out of memory?" if -code == signal.SIGKILL else ""
        else:
            how = f"exit code {code}" if code is not None else "out of memory?"
        index = self.task.board[worker.chunks[0]]
        where = self.name(self.task.items[index]) if self.name and index >= 0 else None
        text = " while working on this file" if where else ""
        return WorkerDied(
            f"a worker process died{text} ({how}); build again, or with --jobs 1", where
        )


def _exit_code(process: BaseProcess) -> int | None:
    """The exit code of a process that has ended. It closes its files (its pipe) a moment
    before it can be reaped, so this waits a little for that."""
    process.join(5)
    return process.exitcode


def _serve(
    pipe: Connection, others: list[Connection], parent: int, prctl: Callable[..., int] | None
) -> None:
    """A worker: chunk numbers in, (number, ok, results or exception) out, until None."""
    for inherited in others:
        inherited.close()
    _start_worker(parent, prctl)
    assert _task is not None, "fork_map sets the task before forking"
    task = _task
    while True:
        try:
            number = pipe.recv()
        except EOFError:  # the parent has gone
            return
        if number is None:
            return
        message: tuple[int, bool, object]
        try:
            message = (number, True, task.run(number))
        except Exception as exc:  # the work's own error: raised again in the parent
            message = (number, False, _sendable(exc))
        pipe.send(message)


def _sendable(exc: Exception) -> Exception:
    """The exception itself if it survives pickling, else one that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _prctl() -> Callable[..., int] | None:
    """Linux's prctl(2), looked up in the parent so that workers need not load ctypes."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at the top: most commands never fork

    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def _start_worker(parent: int, prctl: Callable[..., int] | None) -> None:
    """A worker's first act: leave signals to the parent, and die with it."""
    leave_signals_to_parent()
    if prctl is None or prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent watch").start()
    if os.getppid() != parent:  # it died before the worker could ask to be told
        os._exit(1)


def _watch(parent: int) -> None:
    """Where PR_SET_PDEATHSIG is missing: exit once the parent is gone (we are reparented)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def leave_signals_to_parent() -> None:
    """Pool workers ignore Ctrl-C and SIGTERM: the parent stops the pool.

    A terminal's Ctrl-C (and CI's SIGTERM) reach every process of the group.
    A worker stopped by one would print a traceback and break the pool; the
    parent instead stops the pool itself, killing the workers (see fork_map).
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
