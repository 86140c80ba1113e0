"""[OutputFile] → output/: the only module that touches the output folder.

New and changed files are first staged in a temporary folder beside
output/; nothing in output/ is touched until every page has been rendered
without error. Then:

* a first build renames the staged folder into place in one step;
* later builds apply only the difference, under a journal: each replaced or
  deleted file is moved aside before its successor is moved in, so a build
  killed half-way is rolled back by the next one, and Ctrl-C or SIGTERM are
  held off for the few milliseconds the moves take. Delivered after them,
  such a signal stops a build whose new site is in place: `commits()` lets
  the command line say so rather than claim output/ was left as it was.

Files whose bytes did not change are never touched: same bytes, same mtime,
so rsync and CDNs upload only what changed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from builder.core.errors import UsageError, display_path
from builder.core.models import OutputFile, SiteConfig

MARKER = ".broadsheet"
TMP_PREFIX = ".broadsheet-tmp-"
LOCK_NAME = ".broadsheet.lock"
Manifest = dict[str, tuple[str, int, int]]  # rel → (fingerprint, size, mtime_ns)
_commits = 0  # builds this process has put in place (see commits())


@dataclass(frozen=True)
class WriteStats:
    written: int  # files with new bytes
    kept: int  # files identical to the previous build's, left untouched
    removed: int  # files of the previous build that are gone
    manifest: Manifest = field(repr=False)
    id: str = ""  # written into output/.broadsheet; names this manifest


def commits() -> int:
    """How many builds this process has put in place so far.

    A Ctrl-C or SIGTERM that arrives while output/ is being switched is held
    back until the switch is complete, and so stops a build whose new site is
    already in place. Whoever reports the interrupt compares this count with
    the one from before the build to tell the old site from the new.
    """
    return _commits


def _count_commit() -> None:
    global _commits
    _commits += 1


def check_output_dir(config: SiteConfig) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    out = config.output_dir
    root = config.root
    home = Path.home().resolve()
    inputs = [(root / "content", "the site's content/ folder"),
              (root / "themes", "the site's themes/ folder"),
              (root / "templates", "the site's templates/ folder")]
    places = [(Path("/"), "the root of the file system"), (home, "your home folder"),
              (root, "the site folder"), *inputs]
    reason = next((f"it is {what}" for place, what in places if out == place), None)
    # A parent would be emptied; a folder inside content/ would be read back as content.
    reason = reason or next((f"it holds {what}" for place, what in (places[2], places[1])
                             if place.is_relative_to(out)), None)
    reason = reason or next((f"it is inside {what}" for place, what in inputs
                             if out.is_relative_to(place)), None)
    if reason:
        raise UsageError(f"refusing to use {out} as the output folder",
                         f"{reason}; pick a folder of its own, such as output/")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} is a file", "remove it or choose another --output")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise UsageError(f"output folder {out} is not empty and was not made by Broadsheet",
                         "empty it yourself, or choose another --output")


@contextlib.contextmanager
def output_lock(config: SiteConfig) -> Iterator[None]:
    """One build per output folder at a time; a second one waits, and says so."""
    parent = config.output_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print(f"waiting for another build of {config.output_dir} to finish…",
                  file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            recover(config.output_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Undo what a killed build left: roll back a half-applied journal, drop temp folders.

    Only called while holding the lock, so no live build owns these folders.
    """
    for entry in sorted(out.parent.iterdir()):
        if not (entry.name.startswith(TMP_PREFIX) and entry.is_dir()):
            continue
        journal = entry / "journal.json"
        if journal.exists():
            try:
                plan = json.loads(journal.read_text("utf-8"))
                # Output folders side by side share this parent: roll back the journal's own.
                _rollback(Path(plan.get("out", out)), entry, plan["replace"], plan["delete"])
            except (OSError, ValueError, KeyError):
                pass
        shutil.rmtree(entry, ignore_errors=True)


def build_id(out: Path) -> str | None:
    """The id the last build wrote into output/'s marker, None if there is none."""
    try:
        return (out / MARKER).read_text("utf-8").split()[-1]
    except (OSError, IndexError):
        return None


def previous_files(config: SiteConfig, manifest: dict) -> dict[str, list]:
    """The previous build's file list, if it describes what output/ holds now.

    A build run with --no-cache writes output/ without saving a manifest;
    the id in the marker file tells that the saved one is stale.
    """
    files = manifest.get("files")
    if not isinstance(files, dict) or manifest.get("id") != build_id(config.output_dir):
        return {}
    return files


def reusable(config: SiteConfig, files: dict[str, list]) -> dict[str, str]:
    """Outputs of the previous build still present and untouched: rel → fingerprint."""
    out = str(config.output_dir)
    result: dict[str, str] = {}
    for rel, entry in files.items():
        try:
            fp, size, mtime = entry
            st = os.stat(os.path.join(out, rel))
        except (OSError, ValueError, TypeError):
            continue
        if st.st_size == size and st.st_mtime_ns == mtime:
            result[rel] = fp
    return result


def safe_rel(rel: str) -> PurePosixPath:
    """The output path, refused unless it stays inside the output folder."""
    parts = rel.split("/")
    if (not rel or rel.startswith("/") or ".." in parts or "" in parts or "\\" in rel
            or "\0" in rel or rel == MARKER):
        raise UsageError(f"refusing to write outside the output folder: {rel!r}")
    try:
        os.fsencode(rel)
    except UnicodeEncodeError:  # e.g. LANG=C with PYTHONUTF8=0: a traceback otherwise
        raise UsageError(f"cannot write {rel!r}: this system's file names are "
                         f"{sys.getfilesystemencoding()}, not UTF-8",
                         "run with a UTF-8 locale (LC_ALL=C.UTF-8) or set PYTHONUTF8=1") from None
    return PurePosixPath(rel)


def _check_rel(rel: str) -> None:
    """safe_rel without building a path object: the hot path checks every output."""
    if (not rel or rel[0] == "/" or "\\" in rel or "\0" in rel or rel == MARKER
            or "//" in rel or rel.endswith("/") or "/../" in f"/{rel}/"):
        safe_rel(rel)  # raises with the message
    if not rel.isascii():
        safe_rel(rel)


class Writer:
    """Collects the outputs of a build, then applies them to output/ in one step."""

    def __init__(self, config: SiteConfig, previous: dict[str, list]) -> None:
        self.out = config.output_dir
        self.tmp = self.out.parent / f"{TMP_PREFIX}{os.getpid()}"
        self.stage = self.tmp / "new"
        self.old = self.out if (self.out / MARKER).exists() else None
        self.previous = previous if self.old else {}
        self.staged: list[str] = []
        self.manifest: Manifest = {}
        self.kept = 0
        self.made: set[str] = set()  # staging folders made so far; add() makes the first
        # Nothing is made here: a Ctrl-C between this and `with` would leave it behind.
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not (self.tmp / "journal.json").exists():  # else the next build's recover() needs it
            with _signals_held():  # a Ctrl-C now would leave half of it behind
                shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, item: OutputFile) -> None:
        """Stage one output; one identical to the old file's bytes is left alone."""
        key = item.rel_path
        _check_rel(key)
        if key in self.manifest:
            raise UsageError(f"two outputs for {key}")
        if item.data is None:
            # reusable() checked this file against the previous manifest.
            _fp, size, mtime = self.previous[key]
            self.manifest[key] = (item.fingerprint, size, mtime)
            self.kept += 1
            return
        previous = os.path.join(self.old, key) if self.old else None
        if previous is not None and _same(previous, item.data):
            st = os.stat(previous)
            self.manifest[key] = (item.fingerprint, st.st_size, st.st_mtime_ns)
            self.kept += 1
            return
        folder = os.path.dirname(key)
        try:
            if folder not in self.made:
                os.makedirs(os.path.join(self.stage, folder), exist_ok=True)
                self.made.add(folder)
            _write_file(os.path.join(self.stage, key), item.data)
        except OSError as exc:  # name the file by where it was going, not the temp folder
            raise OSError(exc.errno, exc.strerror, display_path(self.out / key)) from None
        self.staged.append(key)
        self.manifest[key] = (item.fingerprint, len(item.data), 0)

    def commit(self) -> WriteStats:
        """Put the staged files in place; afterwards output/ is the new site."""
        digest = hashlib.sha256(
            json.dumps(sorted((k, v[0]) for k, v in self.manifest.items())).encode()
        ).hexdigest()[:24]
        marker = f"built by Broadsheet; build {digest}\n"
        self.stage.mkdir(parents=True, exist_ok=True)  # if nothing was staged
        (self.stage / MARKER).write_text(marker, "utf-8")
        if self.old is None:
            with _signals_held():
                if self.out.exists():  # an empty folder the user made
                    self.out.rmdir()
                os.rename(self.stage, self.out)
                _count_commit()
            removed = 0
        else:
            gone = sorted(set(self._old_files()) - set(self.manifest))
            # The marker goes last, so a rolled-back build keeps the previous id too;
            # like any file, it keeps its mtime when its bytes do not change.
            same_id = _same(str(self.out / MARKER), marker.encode())
            replace = self.staged if same_id else [*self.staged, MARKER]
            plan = {"out": str(self.out), "replace": replace, "delete": gone}
            journal = self.tmp / "journal.json"
            with open(journal, "w", encoding="utf-8") as handle:
                json.dump(plan, handle)
                handle.flush()
                os.fsync(handle.fileno())
            with _signals_held():
                try:
                    _apply(self.out, self.tmp, replace, gone)
                except BaseException:
                    # e.g. a folder of output/ made read-only: put the previous files back.
                    _rollback(self.out, self.tmp, replace, gone)
                    journal.unlink()
                    raise
                journal.unlink()
                _count_commit()
            removed = len(gone)
        for key in self.staged:
            st = os.stat(self.out / key)
            self.manifest[key] = (self.manifest[key][0], st.st_size, st.st_mtime_ns)
        return WriteStats(len(self.staged), self.kept, removed, self.manifest, digest)

    def _old_files(self) -> list[str]:
        """What the previous build wrote: its manifest, or a walk when there is none."""
        if self.previous:
            return list(self.previous)
        assert self.old is not None
        found = []
        for folder, _dirs, files in os.walk(self.old):
            for name in files:
                rel = os.path.relpath(os.path.join(folder, name), self.old)
                if rel != MARKER:
                    found.append(rel.replace(os.sep, "/"))
        return found


def _write_file(path: str, data: bytes) -> None:
    """Write one staged file (its own function so tests can fill the disk)."""
    with open(path, "wb") as handle:
        handle.write(data)


def _same(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _apply(out: Path, tmp: Path, replace: list[str], delete: list[str]) -> None:
    """Move old files aside, then new ones in; `_rollback` undoes any prefix of this."""
    for rel in delete:
        if (out / rel).exists():  # a file removed by hand is simply gone already
            _move(out / rel, tmp / "old" / rel)
            _prune(out / rel, out)
    for rel in replace:
        target = out / rel
        if target.exists():
            _move(target, tmp / "old" / rel)
        _move(tmp / "new" / rel, target)


def _rollback(out: Path, tmp: Path, replace: list[str], delete: list[str]) -> None:
    for rel in reversed(replace):
        target = out / rel
        if (tmp / "old" / rel).exists():
            _move(tmp / "old" / rel, target)
        elif target.exists() and not (tmp / "new" / rel).exists():
            target.unlink()  # a file this build added
            _prune(target, out)
    for rel in reversed(delete):
        if (tmp / "old" / rel).exists():
            _move(tmp / "old" / rel, out / rel)


def _move(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)


def _prune(path: Path, top: Path) -> None:
    """Remove folders a deletion left empty, up to (not including) top."""
    folder = path.parent
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer Ctrl-C and SIGTERM while output/ is being changed, then deliver them.

    Delivered as KeyboardInterrupt once the block is done, whether it put the
    new site in place or rolled back (see commits()).
    """
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
