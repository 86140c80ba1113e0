"""The output folder itself: which folders may be one, and one build of each at a time.

The lock is an flock on `.broadsheet.lock` beside output/. The kernel
releases it when the last descriptor of its open file is closed, so a build
that dies, even by `kill -9`, cannot keep holding it. A forked child (a pool
worker) would inherit that descriptor and hold the lock for as long as it
lives, so every fork replaces its copy with /dev/null at once: only the
build process itself ever holds the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from builder.core.errors import UsageError
from builder.core.models import SiteConfig
from builder.write.confine import LOCK_NAME, MARKER
from builder.write.journal import recover

_held: list[int] = []  # descriptors of the output locks this process holds


def check_output_dir(config: SiteConfig) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    out = config.output_dir
    root = config.root
    home = Path.home().resolve()
    inputs = [
        (root / "content", "the site's content/ folder"),
        (root / "themes", "the site's themes/ folder"),
        (root / "templates", "the site's templates/ folder"),
    ]
    places = [
        (Path("/"), "the root of the file system"),
        (home, "your home folder"),
        (root, "the site folder"),
        *inputs,
    ]
    reason = next((f"it is {what}" for place, what in places if out == place), None)
    # A parent would be emptied; a folder inside content/ would be read back as content.
    reason = reason or next(
        (f"it holds {what}" for place, what in (places[2], places[1]) if place.is_relative_to(out)),
        None,
    )
    reason = reason or next(
        (f"it is inside {what}" for place, what in inputs if out.is_relative_to(place)), None
    )
    if reason:
        raise UsageError(
            f"refusing to use {out} as the output folder",
            f"{reason}; pick a folder of its own, such as output/",
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} is a file", "remove it or choose another --output")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise UsageError(
            f"output folder {out} is not empty and was not made by Broadsheet",
            "empty it yourself, or choose another --output",
        )


@contextlib.contextmanager
def output_lock(config: SiteConfig, recovering: bool = True) -> Iterator[None]:
    """One build per output folder at a time; a second one waits, and says so.

    Holding it, first undo whatever a killed build left (journal.recover),
    unless only reading the folder (`recovering=False`: write/seed.py's source).
    """
    parent = config.output_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    _held.append(fd)  # before it is locked: a child forked from now on lets go of it
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {config.output_dir} to finish…", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        if recovering:
            recover(config.output_dir)
        yield
    finally:
        _held.remove(fd)
        os.close(fd)  # the lock goes with the last descriptor of the file


def _let_go_in_child() -> None:
    """In a forked child: point each lock descriptor at /dev/null.

    Never flock(LOCK_UN) here: the lock belongs to the open file, which the
    parent shares, so that would release the parent's lock. dup2 drops only
    this process's reference, and the number stays harmless if the child
    ever closes it.
    """
    if not _held:
        return
    null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    for fd in _held:
        os.dup2(null, fd, inheritable=False)
    os.close(null)
    _held.clear()


os.register_at_fork(after_in_child=_let_go_in_child)
