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
    stage = target.parent / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    made: set[str] = set()
    link = True
    try:
        for rel in [*files, MARKER]:
            if rel != MARKER:
                check_rel(rel)
            folder = os.path.dirname(rel)
            if folder not in made:
                os.makedirs(stage / folder, exist_ok=True)
                made.add(folder)
            if link:
                try:
                    os.link(source / rel, stage / rel)
                    continue
                except OSError:  # another disk, or no hard links here: copy from now on
                    link = False
            shutil.copy2(source / rel, stage / rel)
        os.makedirs(stage, exist_ok=True)
        if target.is_dir():
            target.rmdir()  # empty: checked by the caller, and rmdir() refuses anything else
        os.rename(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return len(files)


def empty(target: Path) -> bool:
    """True if `target` is absent or an empty folder: a seed may go there."""
    try:
        return not any(target.iterdir())
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
