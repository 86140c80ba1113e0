"""The Writer: a build's outputs staged beside output/, then put in place in one step.

New and changed files are first staged in a temporary folder beside
output/; nothing in output/ is touched until every page has been rendered
without error. Then a first build renames the staged folder into place in
one step, and later builds apply only the difference under a journal (see
journal.py). Files whose bytes did not change are never touched: same
bytes, same mtime, so rsync and CDNs upload only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from builder.core.errors import UsageError, display_path
from builder.core.models import OutputFile, SiteConfig
from builder.write import journal
from builder.write.confine import MARKER, TMP_PREFIX, check_rel, confined

Manifest = dict[str, tuple[str, int, int]]  # rel → (fingerprint, size, mtime_ns)


@dataclass(frozen=True)
class WriteStats:
    written: int  # files with new bytes
    kept: int  # files identical to the previous build's, left untouched
    removed: int  # files of the previous build that are gone
    manifest: Manifest = field(repr=False)
    id: str = ""  # written into output/.broadsheet; names this manifest


def build_id(out: os.PathLike[str] | str) -> str | None:
    """The id the last build wrote into output/'s marker, None if there is none."""
    try:
        with open(os.path.join(out, MARKER), encoding="utf-8") as handle:
            return handle.read().split()[-1]
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def valid_entry(rel: object, entry: object) -> bool:
    """One line of a saved file list: a confined path and (fingerprint, size, mtime_ns)."""
    return (
        confined(rel)
        and isinstance(entry, list | tuple)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and all(type(n) is int and n >= 0 for n in entry[1:])
    )


def previous_files(
    config: SiteConfig, manifest: dict, distrust: Callable[[str], None] | None = None
) -> dict[str, list]:
    """The previous build's file list, if it describes what output/ holds now.

    A build run with --no-cache writes output/ without saving a manifest;
    the id in the marker file tells that the saved one is stale. The list
    comes from the cache, which is untrusted: a line that is not a
    `valid_entry` (a path such as `../../x`, a size that is not a number) is
    left out, so it is never deleted nor reused, and `distrust` is told why.
    """
    files = manifest.get("files")
    if not isinstance(files, dict) or manifest.get("id") != build_id(config.output_dir):
        return {}
    good = {rel: entry for rel, entry in files.items() if valid_entry(rel, entry)}
    if len(good) != len(files) and distrust is not None:
        bad = next(rel for rel, entry in files.items() if not valid_entry(rel, entry))
        distrust(f"the saved list of output files has a bad line, for {bad!r}")
    return good


def reusable(config: SiteConfig, files: dict[str, list]) -> dict[str, str]:
    """Outputs of the previous build still present and untouched: rel → fingerprint."""
    out = str(config.output_dir)
    result: dict[str, str] = {}
    for rel, (fp, size, mtime) in files.items():
        try:
            st = os.stat(os.path.join(out, rel))
        except OSError:
            continue
        if st.st_size == size and st.st_mtime_ns == mtime:
            result[rel] = fp
    return result


class Writer:
    """Collects the outputs of a build, then applies them to output/ in one step."""

    def __init__(self, config: SiteConfig, previous: dict[str, list]) -> None:
        self.out = config.output_dir
        # Never the folder of an earlier build, even one with this pid: that may hold a journal.
        self.tmp = self.out.parent / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self.stage = self.tmp / "new"
        self.old = self.out if (self.out / MARKER).exists() else None
        self.previous = previous if self.old else {}  # see previous_files
        self.staged: list[str] = []
        self.staged_set: set[str] = set()
        self.manifest: Manifest = {}
        self.kept = 0
        self.made: set[str] = set()  # staging folders made so far; add() makes the first
        # Nothing is made here: a Ctrl-C between this and `with` would leave it behind.

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not (self.tmp / journal.JOURNAL).exists():  # else the next recover() needs it
            with journal.signals_held():  # a Ctrl-C now would leave half of it behind
                shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, item: OutputFile) -> None:
        """Stage one output; one identical to the old file's bytes is left alone."""
        key = item.rel_path
        check_rel(key)
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
        self.staged_set.add(key)
        self.manifest[key] = (item.fingerprint, len(item.data), 0)

    def bytes_of(self, rel: str) -> bytes | None:
        """The bytes of an output added already, as this build has it: staged now, or the
        previous build's file kept; None for one not added (or gone since). The search
        index reads the article pages so, made once by the render pool."""
        if rel not in self.manifest:
            return None
        folder = self.stage if rel in self.staged_set else self.old
        try:
            with open(os.path.join(folder or self.out, rel), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def commit(self) -> WriteStats:
        """Put the staged files in place; afterwards output/ is the new site."""
        digest = hashlib.sha256(
            json.dumps(sorted((k, v[0]) for k, v in self.manifest.items())).encode()
        ).hexdigest()[:24]
        marker = f"built by Broadsheet; build {digest}\n"
        self.stage.mkdir(parents=True, exist_ok=True)  # if nothing was staged
        (self.stage / MARKER).write_text(marker, "utf-8")
        if self.old is None:
            with journal.signals_held():
                os.rename(self.stage, self.out)  # replaces an empty folder in the same step
                journal.count_commit()
            removed = 0
        else:
            removed = self._switch(marker)
        for key in self.staged:
            st = os.stat(self.out / key)
            self.manifest[key] = (self.manifest[key][0], st.st_size, st.st_mtime_ns)
        return WriteStats(len(self.staged), self.kept, removed, self.manifest, digest)

    def _switch(self, marker: str) -> int:
        """Apply the difference to the previous site under a journal; the files removed."""
        gone = sorted(set(self._old_files()) - set(self.manifest))
        for rel in gone:
            check_rel(rel)  # previous_files let only such paths through; never delete others
        # The marker goes last, so a rolled-back build keeps the previous id too;
        # like any file, it keeps its mtime when its bytes do not change.
        staged = (
            self.staged
            if _same(str(self.out / MARKER), marker.encode())
            else [*self.staged, MARKER]
        )
        had_old = {rel for rel in staged if journal.is_file(self.out / rel)} - set(gone)
        plan = journal.Journal(
            self.out,
            tuple(r for r in staged if r not in had_old),
            tuple(r for r in staged if r in had_old),
            tuple(gone),
        )
        path = plan.save(self.tmp)
        with journal.signals_held():
            try:
                journal.apply(plan, self.tmp)
                path.unlink()  # from here on, output/ is the new site
            except BaseException:
                # e.g. a folder of output/ made read-only: put the previous files back.
                # Should that fail too, the journal stays for the next build's recover().
                journal.rollback(plan, self.tmp)
                path.unlink()
                raise
            journal.count_commit()
        return len(gone)

    def _old_files(self) -> list[str]:
        """What the previous build wrote: its manifest, or a walk when there is none."""
        if self.previous:
            return list(self.previous)
        assert self.old is not None
        found = []
        for folder, _dirs, files in os.walk(self.old):
            for name in files:
                rel = os.path.relpath(os.path.join(folder, name), self.old).replace(os.sep, "/")
                if confined(rel):  # not the marker, nor a name this system cannot spell
                    found.append(rel)
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
