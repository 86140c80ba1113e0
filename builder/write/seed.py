"""A new output folder started as a copy of another's last build: serve's first start.

serve builds into a folder of its own, never output/ (commands/serve.py).
Its first start beside a site just built would otherwise render every page
again, though they would come out byte for byte as output/ holds them. So
a folder that holds no build yet is started from output/'s files instead:
hard links where the disk allows (no bytes copied), copies keeping their
mtime where it does not. Either way each file keeps the size and mtime the
other folder's file list records, so the next build there reuses them as
its own (writer.reusable).

Sharing the files is safe because no build ever writes into a file in
place: the Writer stages new files and renames them over the old ones
(writer.py, journal.py), so a rebuild in either folder leaves the other's
files as they were.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from builder.write.confine import MARKER, TMP_PREFIX, check_rel


def seed(source: Path, target: Path, files: list[str]) -> int:
    """Make `target` hold `files` of `source` (their paths, each checked by the one path
    rule) and its marker; the number of files. `target` must be absent or empty, and
    `files` the whole of source's last build (its file list, every file untouched).

    They are put together beside `target` and renamed into place in one step,
    so a failure part-way leaves no half-made folder behind.
    """
    stage = os.path.join(target.parent, f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}")
    origin = os.fspath(source)
    # Folders are made one level at a time, each once: paths stay strings (a Path per file
    # cost as much as the links), and no folder is looked up before it is made.
    made = {""}
    link = True
    try:
        os.mkdir(stage)
        for rel in [*files, MARKER]:
            if rel != MARKER:
                check_rel(rel)
            _folders(stage, os.path.dirname(rel), made)
            there, here = os.path.join(origin, rel), os.path.join(stage, rel)
            if link:
                try:
                    os.link(there, here)
                    continue
                except OSError:  # another disk, or no hard links here: copy from now on
                    link = False
            shutil.copy2(there, here)
        if target.is_dir():
            target.rmdir()  # empty: checked by the caller, and rmdir() refuses anything else
        os.rename(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return len(files)


def _folders(stage: str, folder: str, made: set[str]) -> None:
    """Make `folder` under `stage`, and its parents, unless made already."""
    if folder in made:
        return
    _folders(stage, os.path.dirname(folder), made)
    os.mkdir(os.path.join(stage, folder))
    made.add(folder)


def empty(target: Path) -> bool:
    """True if `target` is absent or an empty folder: a seed may go there."""
    try:
        return not any(target.iterdir())
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
