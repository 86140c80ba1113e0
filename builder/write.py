"""[OutputFile] → output/: the only module that touches the output folder.

The new site is assembled in a temporary folder beside output/ and swapped
in with one rename, so readers and CI never see half a site and a failed
or interrupted build leaves the previous output/ as it was. Files whose
bytes did not change are hard links to the previous copy: same bytes, same
mtime, so rsync and CDNs upload only what changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from builder.errors import UsageError
from builder.models import OutputFile, SiteConfig

MARKER = ".broadsheet"
TMP_PREFIX = ".broadsheet-tmp-"
OLD_PREFIX = ".broadsheet-old-"
LOCK_NAME = ".broadsheet.lock"


@dataclass(frozen=True)
class WriteStats:
    written: int  # files with new bytes
    kept: int  # files identical to the previous build's
    removed: int  # files of the previous build that are gone
    manifest: dict[str, tuple[str, int, int]]  # rel → (fingerprint, size, mtime_ns)


def check_output_dir(config: SiteConfig) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    out = config.output_dir
    root = config.root
    home = Path.home().resolve()
    guarded = {root, root / "content", root / "themes", root / "templates", home, Path("/")}
    for place in guarded:
        if out == place or place.is_relative_to(out):
            raise UsageError(f"refusing to use {out} as the output folder",
                             "it holds the site, its content or your home; pick a folder "
                             "of its own such as output/")
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
            _sweep(parent)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sweep(parent: Path) -> None:
    """Remove temporary folders left by a build that was killed (we hold the lock)."""
    for entry in parent.iterdir():
        if entry.name.startswith((TMP_PREFIX, OLD_PREFIX)) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def reusable(config: SiteConfig, manifest: dict[str, list]) -> dict[str, str]:
    """Outputs of the previous build still present and untouched: rel → fingerprint."""
    out = config.output_dir
    if not (out / MARKER).exists():
        return {}
    result: dict[str, str] = {}
    for rel, (fp, size, mtime) in manifest.items():
        try:
            st = os.stat(out / rel)
        except OSError:
            continue
        if st.st_size == size and st.st_mtime_ns == mtime:
            result[rel] = fp
    return result


def safe_rel(rel: str) -> PurePosixPath:
    """The output path, refused unless it stays inside the output folder."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in rel \
            or "\0" in rel:
        raise UsageError(f"refusing to write outside the output folder: {rel!r}")
    return path


def write(outputs: list[OutputFile], config: SiteConfig) -> WriteStats:
    """Assemble the new site beside output/ and swap it in."""
    out = config.output_dir
    tmp = out.parent / f"{TMP_PREFIX}{os.getpid()}"
    old_root = out if (out / MARKER).exists() else None
    written = kept = 0
    manifest: dict[str, tuple[str, int, int]] = {}
    made: set[str] = set()
    try:
        tmp.mkdir(parents=True)
        for item in outputs:
            rel = safe_rel(item.rel_path)
            target = tmp / rel
            folder = str(rel.parent)
            if folder not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            previous = old_root / rel if old_root else None
            if item.data is None or (previous and _same(previous, item.data)):
                try:
                    os.link(previous, target)  # type: ignore[arg-type]
                    kept += 1
                except OSError:
                    if item.data is None:
                        raise
                    target.write_bytes(item.data)
                    written += 1
            else:
                target.write_bytes(item.data)
                written += 1
            st = target.stat()
            manifest[item.rel_path] = (item.fingerprint, st.st_size, st.st_mtime_ns)
        (tmp / MARKER).write_text("built by Broadsheet; safe to delete with the folder\n")
        removed = _count_removed(old_root, manifest)
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return WriteStats(written, kept, removed, manifest)


def _same(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _count_removed(old_root: Path | None, manifest: dict) -> int:
    if old_root is None:
        return 0
    count = 0
    for folder, _dirs, files in os.walk(old_root):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), old_root).replace(os.sep, "/")
            if rel != MARKER and rel not in manifest:
                count += 1
    return count


def _swap(tmp: Path, out: Path) -> None:
    """Put tmp in out's place; afterwards tmp holds the old site (or nothing)."""
    if out.exists() and _exchange(tmp, out):
        return
    if out.exists():
        old = out.parent / f"{OLD_PREFIX}{os.getpid()}"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders in one atomic step."""
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True
