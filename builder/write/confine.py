"""Which paths a build may write or delete: the one rule for output paths, and the names
of what a build keeps beside its output folder.

Every path that reaches output/ passes this rule, whether a renderer made it
(`Writer.add`), the cache gave it back (the previous build's file list) or a
journal left by a killed build names it (`journal.recover`). A path that
fails it is never joined to the output folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import PurePosixPath

from builder.core.errors import UsageError

MARKER = ".broadsheet"  # in output/: Broadsheet made this folder (and the build id)
TMP_PREFIX = ".broadsheet-tmp-"  # beside output/: a build's staging folder and journal
LOCK_NAME = ".broadsheet.lock"  # beside output/: one build per folder at a time


def confined(rel: object) -> bool:
    """True if `rel` is a file path inside the output folder: relative, `/`-separated,
    no empty, `.` or `..` part, no backslash or NUL, not the marker, and encodable as
    a file name of this system."""
    if not isinstance(rel, str) or not rel or rel[0] == "/" or rel == MARKER:
        return False
    if "\\" in rel or "\0" in rel or any(p in ("", ".", "..") for p in rel.split("/")):
        return False
    try:
        os.fsencode(rel)
    except UnicodeEncodeError:
        return False
    return True


def safe_rel(rel: str) -> PurePosixPath:
    """The output path, refused (UsageError) unless it stays inside the output folder."""
    if confined(rel):
        return PurePosixPath(rel)
    try:
        os.fsencode(rel)
    except UnicodeEncodeError:  # e.g. LANG=C with PYTHONUTF8=0: a traceback otherwise
        raise UsageError(
            f"cannot write {rel!r}: this system's file names are "
            f"{sys.getfilesystemencoding()}, not UTF-8",
            "run with a UTF-8 locale (LC_ALL=C.UTF-8) or set PYTHONUTF8=1",
        ) from None
    raise UsageError(f"refusing to write outside the output folder: {rel!r}")


def check_rel(rel: str) -> None:
    """safe_rel without building a path object: the hot path checks every output.

    The common case (ASCII, no odd part) is decided by a few substring tests;
    anything else goes through `confined`, and is refused with safe_rel's message.
    """
    if (
        not rel
        or rel[0] == "/"
        or "\\" in rel
        or "\0" in rel
        or rel == MARKER
        or "//" in rel
        or rel.endswith("/")
        or "/." in f"/{rel}"
        or not rel.isascii()
    ):
        safe_rel(rel)  # raises unless it is, after all, fine (`a/.well-known`, `tags/café`)
