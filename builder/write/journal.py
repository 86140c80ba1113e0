"""Putting a build's files in place under a journal, and undoing it after a kill.

A later build changes output/ file by file: every file it deletes or
replaces is first moved aside into its staging folder. Before the first
move, a journal naming every file it will add, replace and delete is saved
to disk. A build killed between the first move and the removal of the
journal is rolled back from it by the next build (`recover`).

The rollback reads only the journal and what is on disk, never what the
killed build had in memory, and it is idempotent: it may itself be killed
at any point and run again, any number of times, and each run ends with the
previous site in output/. Three facts make that so:

* an old file is only ever *moved* (never deleted) until the journal is
  gone, so it is in exactly one place, output/ or the staging folder's old/;
* the journal says which paths had an old file (`replace`) and which did
  not (`add`), so a file in output/ is never mistaken for the other kind;
* each step of the rollback is a single rename or unlink whose need is read
  from the disk again on every run.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.core import interrupts
from builder.core.errors import display_path
from builder.write.confine import MARKER, TMP_PREFIX, confined

JOURNAL = "journal.json"
FORMAT = 2  # journals of another format are refused (see Journal.read), never guessed at
_commits = 0  # builds this process has put in place (see commits())


@dataclass(frozen=True)
class Journal:
    """What one build does to output/: the plan saved before its first move."""

    out: Path
    add: tuple[str, ...]  # new files where output/ had none
    replace: tuple[str, ...]  # files whose old version is moved aside; the marker last
    delete: tuple[str, ...]  # old files the new site does not have

    def save(self, tmp: Path) -> Path:
        """Write the journal durably and atomically: there is a whole one, or none."""
        path = tmp / JOURNAL
        part = tmp / f"{JOURNAL}.part"
        data = {
            "format": FORMAT,
            "out": str(self.out),
            "add": list(self.add),
            "replace": list(self.replace),
            "delete": list(self.delete),
        }
        with open(part, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
        return path

    @classmethod
    def read(cls, tmp: Path) -> Journal:
        """The journal in a staging folder, checked: every path must stay inside an output
        folder beside the staging folder. Raises OSError (with a hint) if it is not sound."""
        path = tmp / JOURNAL
        try:
            data = json.loads(path.read_text("utf-8"))
            out = Path(data["out"])
            lists = {key: data[key] for key in ("add", "replace", "delete")}
            sound = (
                data["format"] == FORMAT
                and out == tmp.parent / out.name
                and out.name != ".."
                and not out.name.startswith(TMP_PREFIX)
                and all(isinstance(rels, list) for rels in lists.values())
                and all(
                    confined(rel) or rel == MARKER and key != "delete"
                    for key, rels in lists.items()
                    for rel in rels
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problem = getattr(exc, "strerror", None) or "it cannot be read"
        else:
            if sound:
                return cls(out, *(tuple(rels) for rels in lists.values()))
            problem = "it names files outside the output folder, or is of another version"
        raise OSError(
            errno.EINVAL,
            f"cannot roll back the build that was interrupted here: "
            f"{problem}; output/ may hold files of two builds: check it, then "
            f"delete {display_path(tmp)} and build again",
            display_path(path),
        )


def commits() -> int:
    """How many builds this process has put in place so far.

    A Ctrl-C or SIGTERM that arrives while output/ is being switched is held
    back until the switch is complete, and so stops a build whose new site is
    already in place. Whoever reports the interrupt compares this count with
    the one from before the build to tell the old site from the new.
    """
    return _commits


def count_commit() -> None:
    global _commits
    _commits += 1


def apply(plan: Journal, tmp: Path) -> None:
    """Move old files aside, then new ones in; `rollback` undoes any prefix of this."""
    out = plan.out
    for rel in plan.delete:
        if is_file(out / rel):  # a file removed by hand is simply gone already
            move(out / rel, tmp / "old" / rel)
            _prune(out / rel, out)
    for rel in plan.add:
        move(tmp / "new" / rel, out / rel)
    for rel in plan.replace:
        if is_file(out / rel):
            move(out / rel, tmp / "old" / rel)
        move(tmp / "new" / rel, out / rel)


def rollback(plan: Journal, tmp: Path) -> None:
    """Put the previous site back, from whatever point `apply` (or a rollback) stopped at."""
    out = plan.out
    for rel in reversed(plan.replace):
        if is_file(tmp / "old" / rel):
            move(tmp / "old" / rel, out / rel)  # over the new file, if it was moved in
    for rel in reversed(plan.add):
        target = out / rel
        if is_file(target) and not is_file(tmp / "new" / rel):
            target.unlink()  # the new file, moved in: output/ had none here
        if not os.path.lexists(target):
            _prune(target, out)  # folders made for it (also when a run stopped in between)
    for rel in reversed(plan.delete):
        if is_file(tmp / "old" / rel):
            with contextlib.suppress(OSError):
                (out / rel).rmdir()  # an empty folder an added file left: it was a file
            move(tmp / "old" / rel, out / rel)


def recover(out: Path) -> None:
    """Undo what killed builds left beside `out`: roll back each journal, drop temp folders.

    Only called while holding the lock, so no live build owns these folders.
    Output folders side by side share the lock and this parent: each journal
    is rolled back in the output folder it names. A staging folder whose
    journal cannot be trusted is left alone and stops the build (OSError).
    """
    for entry in sorted(out.parent.iterdir()):
        if not (entry.name.startswith(TMP_PREFIX) and entry.is_dir()):
            continue
        if (entry / JOURNAL).exists():
            plan = Journal.read(entry)
            with signals_held():
                rollback(plan, entry)
                (entry / JOURNAL).unlink()  # rolled back: the folder is now only leftovers
        shutil.rmtree(entry, ignore_errors=True)


def move(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)


def is_file(path: Path) -> bool:
    """There is something at `path`, and it is not a folder: only files are ever moved."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _prune(path: Path, top: Path) -> None:
    """Remove folders a deletion left empty, up to (not including) top.

    A folder that is not empty stops it; any other error is one like a
    failed move, so that a site is never left with stray empty folders.
    """
    folder = path.parent
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except FileNotFoundError:
            pass  # never made, or removed by a run that stopped before its parent
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                return
            raise
        folder = folder.parent


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Defer Ctrl-C and SIGTERM while output/ is being changed, then deliver them.

    Delivered as KeyboardInterrupt once the block is done, whether it put the
    new site in place or rolled back (see commits()).
    """
    interrupts.deliver()  # one Python swallowed earlier: stop before output/ changes
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        saved = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: signals cannot arrive here anyway
        yield
        return
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt
