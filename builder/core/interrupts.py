"""A Ctrl-C or SIGTERM that Python swallowed is delivered at the next safe point.

The build turns SIGTERM into KeyboardInterrupt, as Ctrl-C is. When either
lands while Python runs a finaliser or a weakref callback (garbage
collection can run one at any moment, more often with the search index's
threads about), Python cannot raise it: it prints "Exception ignored in
..." with a traceback, and the build carries on as if nobody had asked it
to stop. The hook installed here keeps such an interrupt instead, without a
word, and `deliver()` raises it where the build can still stop cleanly: at
the next stage, and before output/ is changed (write/journal.py).

A build can also be asked to stop by another thread of its own process:
serve's search-index catch-up gives way to an edit that arrives while it
runs (`Stop`), so the edit's page never waits for Pagefind. Or to wait at
its safe points a moment (`Stop.held`): serve's edit builds wait while serve
makes a page ahead of them, which the two threads would otherwise share the
interpreter for.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lost = False  # an interrupt Python could not raise, waiting for deliver()
HOLD_LIMIT = 2.0  # seconds a build waits for a hold at most: a hold can slow it, never hang it


def install() -> None:
    """Keep the interrupts Python would print and drop (the CLI installs it once)."""
    sys.unraisablehook = _hook


def _hook(unraisable: Any) -> None:
    global _lost
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _lost = True
        return
    sys.__unraisablehook__(unraisable)


def deliver() -> None:
    """Raise the interrupt that was kept, if there is one."""
    global _lost
    if _lost:
        _lost = False
        raise KeyboardInterrupt


class Cancelled(Exception):
    """The build stopped because it was asked to (`Stop`); output/ is as it was."""


class Stop:
    """A request, made from another thread, that a build stop at its next safe point.

    The build checks it between stages and, in the search index, between
    pages and while Pagefind works; it stops by raising Cancelled before
    output/ is changed, so what was there stays.
    """

    def __init__(self) -> None:
        self._asked = threading.Event()
        self._free = threading.Event()  # set while nobody holds the build
        self._free.set()
        self._holders = 0
        self._lock = threading.Lock()

    def request(self) -> None:
        self._asked.set()

    @property
    def requested(self) -> bool:
        return self._asked.is_set()

    @contextmanager
    def held(self) -> Iterator[None]:
        """While inside, the build waits at its next safe point (at most HOLD_LIMIT
        seconds), so the holder has the interpreter to itself."""
        with self._lock:
            self._holders += 1
            self._free.clear()
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    self._free.set()

    def check(self) -> None:
        """Wait while held (see `held`), then raise Cancelled if the stop was requested."""
        if not self._free.is_set():
            self._free.wait(HOLD_LIMIT)
        if self._asked.is_set():
            raise Cancelled


def check(stop: Stop | None) -> None:
    """`stop.check()`, for the callers that may have no Stop at all."""
    if stop is not None:
        stop.check()
