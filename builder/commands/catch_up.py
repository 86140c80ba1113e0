"""serve's search catch-up: one build run once the edits stop, that gives way to any edit.

After an edit, serve builds at once with the search index left for later
(BuildOptions.search_later): Pagefind takes seconds a part, which the
edited page should not wait for. This is the "later": a timer that starts
the build that brings the index up to date, and calls it off when the next
edit comes, before it starts or at its next safe point once started
(interrupts.Stop), so that an edit never waits for Pagefind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from builder.core import interrupts

THREAD = "broadsheet-search-catch-up"


class CatchUp:
    """At most one catch-up at a time: scheduling one calls off the one before."""

    def __init__(self) -> None:
        self._timer: threading.Timer | None = None
        self._stop: interrupts.Stop | None = None  # asks a running catch-up to stop

    def schedule(self, delay: float, run: Callable[[interrupts.Stop], object]) -> None:
        """Run `run(stop)` in `delay` seconds unless give_way() comes first; `stop` is
        requested by give_way() while it runs, and `run` must honour it."""
        self.give_way()
        stop = self._stop = interrupts.Stop()
        self._timer = threading.Timer(delay, run, args=(stop,))
        self._timer.daemon = True
        self._timer.name = THREAD
        self._timer.start()

    def give_way(self) -> None:
        """Call the catch-up off: one waiting never starts, one running stops at its next
        safe point (it changes nothing then)."""
        if self._timer is not None:
            self._timer.cancel()
        if self._stop is not None:
            self._stop.request()

    def close(self, timeout: float = 60) -> None:
        """Give way, and wait for a catch-up that had started to stop."""
        self.give_way()
        if self._timer is not None and self._timer.is_alive():
            self._timer.join(timeout)
