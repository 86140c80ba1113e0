"""The progress display of `build`, `check` and `import`: on a terminal, and only there.

The lower layers report stages and counts through core.progress; this
module decides whether anyone sees them. A display appears only when stderr
is a terminal, `--quiet` was not given, and the work has run past about a
second (BROADSHEET_PROGRESS_AFTER, in seconds, changes that): a quick build
looks as it always has. Elsewhere (CI, a pipe, serve's log) output stays
plain lines. The display is transient: it is cleared when the work ends,
and the command's usual closing line is all that stays.

Drawn with rich (one row per stage with a spinner, count, rate and time,
which tqdm's one bar per loop does not give without stacking bars by
hand), imported only when a display is made, so a command in CI never
loads it.

A cold build forks a pool of workers while the display is up. Every write
to the terminal happens under one lock that is also held across fork(),
so no worker starts life with stderr half-written and locked.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

from builder.core.progress import SILENT, Progress

AFTER = 1.0  # seconds of work before a display appears
AFTER_VARIABLE = "BROADSHEET_PROGRESS_AFTER"
REFRESH = 0.1  # seconds between redraws


def wanted(stream: TextIO, quiet: bool) -> bool:
    """A display only on a terminal that can take one, and not under --quiet.

    One that cannot move its cursor (TERM=dumb) or write the display's
    characters (an encoding other than UTF-8) gets the plain lines.
    """
    if quiet or os.environ.get("TERM") == "dumb":
        return False
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    try:
        return encoding == "utf8" and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


def after() -> float:
    """The seconds of work before a display appears: BROADSHEET_PROGRESS_AFTER, else 1."""
    try:
        return max(0.0, float(os.environ.get(AFTER_VARIABLE, AFTER)))
    except ValueError:
        return AFTER


@contextlib.contextmanager
def shown(quiet: bool) -> Iterator[Progress]:
    """Progress for the work inside the block: a display on a terminal, else SILENT."""
    if not wanted(sys.stderr, quiet):
        yield SILENT
        return
    display = _Display(after())
    try:
        yield display
    finally:
        display.close()


class _Display:
    """Stages as rows of a rich display, drawn by one thread once `delay` has passed."""

    def __init__(self, delay: float) -> None:
        from rich.console import Console
        from rich.progress import Progress as Rows

        self._rows = Rows(
            *_columns(),
            console=Console(file=sys.stderr),
            auto_refresh=False,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task: Any = None  # rich's TaskID of the stage under way
        self._started = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._draw, args=(delay,), daemon=True, name="broadsheet-progress"
        )
        self._thread.start()

    def stage(self, name: str, total: int | None = None, unit: str = "files") -> None:
        self._finish()
        self._task = self._rows.add_task(name, total=total, unit=unit)

    def advance(self, count: int = 1) -> None:
        if self._task is not None and count:
            self._rows.advance(self._task, count)

    def close(self) -> None:
        """Stop drawing and clear the display (the command prints its closing line next)."""
        self._stop.set()
        self._thread.join()
        with _TERMINAL:
            if self._started:
                self._rows.stop()

    def _finish(self) -> None:
        """The stage under way is done: its row keeps what it counted and how long it took."""
        if self._task is None:
            return
        done = self._rows.tasks[-1].completed
        self._rows.update(
            self._task,
            total=done or 1,
            completed=done or 1,
            unit=(self._rows.tasks[-1].fields["unit"] if done else ""),
        )
        self._rows.stop_task(self._task)

    def _draw(self, delay: float) -> None:
        if self._stop.wait(delay):
            return  # done within the delay: nothing is ever drawn
        try:
            with _TERMINAL:
                self._rows.start()
                self._started = True
            while not self._stop.wait(REFRESH):
                with _TERMINAL:
                    self._rows.refresh()
        except (OSError, ValueError):  # the terminal went away: the work goes on without it
            return


def _columns() -> tuple[Any, ...]:
    """Spinner (a tick once done), stage, bar, count, rate, time: rich's, and two of ours."""
    from rich.progress import (
        BarColumn,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Count(ProgressColumn):
        """`1,234/10,000 files`, or `1,234 files` while the total is unknown."""

        def render(self, task: Task) -> Text:
            unit = task.fields["unit"]
            if not unit or not (task.completed or task.total):
                return Text("")  # a stage that counts nothing (a finished one has no unit)
            if task.total is None or task.finished:
                return Text(f"{task.completed:,.0f} {unit}")
            return Text(f"{task.completed:,.0f}/{task.total:,.0f} {unit}")

    class Rate(ProgressColumn):
        """Items a second: the recent rate while a stage runs, its average once done."""

        def render(self, task: Task) -> Text:
            unit = task.fields["unit"]
            speed = task.completed / task.elapsed if task.finished and task.elapsed else task.speed
            shown = f"{speed:,.0f} {unit}/s" if unit and speed and task.completed else ""
            return Text(shown, style="progress.data.speed")

    return (
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description:<10}"),
        BarColumn(bar_width=24),
        Count(),
        Rate(),
        TimeElapsedColumn(),
    )


# Held for every write to the terminal, and across fork() (a pool of workers
# starting while the display is up), so no child inherits a half-done write.
_TERMINAL = threading.Lock()
os.register_at_fork(
    before=_TERMINAL.acquire, after_in_parent=_TERMINAL.release, after_in_child=_TERMINAL.release
)
