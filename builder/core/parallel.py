"""Process pools that stop cleanly: the one place that knows how workers treat signals.

Both pools of a build (Markdown, then pages) fork their workers from the
main process; these helpers make Ctrl-C and SIGTERM the parent's business.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

_STOP = {signal.SIGINT, signal.SIGTERM}


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
