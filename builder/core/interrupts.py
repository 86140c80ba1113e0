"""A Ctrl-C or SIGTERM that Python swallowed is delivered at the next safe point.

The build turns SIGTERM into KeyboardInterrupt, as Ctrl-C is. When either
lands while Python runs a finaliser or a weakref callback (garbage
collection can run one at any moment, more often with the search index's
threads about), Python cannot raise it: it prints "Exception ignored in
..." with a traceback, and the build carries on as if nobody had asked it
to stop. The hook installed here keeps such an interrupt instead, without a
word, and `deliver()` raises it where the build can still stop cleanly: at
the next stage, and before output/ is changed (write/journal.py).
"""

from __future__ import annotations

import sys
from typing import Any

_lost = False  # an interrupt Python could not raise, waiting for deliver()


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
