"""How long work says how far it has got, without knowing who is watching.

A cold build of ten thousand articles takes half a minute; on a terminal
the editor should see it move. The stages (pipeline, check, import) report
through this protocol only: which stage has begun, and how many of its
items are done. What is shown, and whether anything is, is the command's
business (builder/commands/progress.py draws it with rich); `serve`, CI and
`--quiet` pass SILENT, so the lower layers never print and never import a
display library.

Reports come from the process running the stage, never from pool workers:
a stage counts the results as they come back (see core.parallel).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """What a long stage tells whoever is watching."""

    def stage(self, name: str, total: int | None = None, unit: str = "files") -> None:
        """A stage begins (and the one before it has ended); `total` items if known."""

    def advance(self, count: int = 1) -> None:
        """`count` more items of the current stage are done."""


class Silent:
    """Progress that goes nowhere: the default everywhere but a terminal."""

    def stage(self, name: str, total: int | None = None, unit: str = "files") -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


SILENT: Progress = Silent()


def counted(items: Iterable[T], progress: Progress) -> Iterator[T]:
    """The items as they come, each counted once it has been handed on."""
    for item in items:
        yield item
        progress.advance()
