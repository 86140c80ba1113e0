"""content/ → [SourceFile]: every file the build reads, in a stable order.

Sorted paths make every later stage deterministic. Dotfiles and editor
debris (swap files, backups, autosaves) are skipped so that a half-saved
buffer never becomes an article, and symlinks may not lead out of content/
so a site cannot be made to publish files from elsewhere on the machine.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from builder.errors import Diagnostics
from builder.models import SourceFile

MAX_BYTES = 2 * 1024 * 1024
_DEBRIS = re.compile(r"(~|\.swp|\.swo|\.swx|\.tmp|\.bak|\.orig|\.rej)$|^#.*#$|^4913$", re.I)
_SKIP_NAMES = {"Thumbs.db", "desktop.ini"}


def is_debris(name: str) -> bool:
    """Files no editor meant to publish: hidden files, swap files, backups."""
    return name.startswith(".") or name in _SKIP_NAMES or bool(_DEBRIS.search(name))


def discover(root: Path, diags: Diagnostics) -> list[SourceFile]:
    """Read every publishable file under root/content, sorted by path."""
    content = root / "content"
    if not content.is_dir():
        diags.error("content", 0, 0, "no content/ folder", "create content/ and add articles")
        return []
    real_content = content.resolve()
    found: list[tuple[str, Path]] = []
    _walk(content, "content", real_content, found, diags, set())
    files: list[SourceFile] = []
    for rel, path in sorted(found):
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                diags.error(
                    rel, 0, 0, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit",
                    "split it, or move large media out of content/",
                )
                continue
            data = path.read_bytes()
        except OSError as exc:
            diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
            continue
        files.append(SourceFile(rel, data, hashlib.sha256(data).hexdigest()))
    return files


def _walk(
    folder: Path,
    rel: str,
    real_content: Path,
    found: list[tuple[str, Path]],
    diags: Diagnostics,
    seen: set[Path],
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        diags.error(rel, 0, 0, f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if is_debris(entry.name):
            continue
        entry_rel = f"{rel}/{entry.name}"
        path = Path(entry.path)
        if entry.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(real_content):
                diags.error(
                    entry_rel, 0, 0, "symlink points outside content/, refused",
                    "copy the file into content/ instead of linking to it",
                )
                continue
            if not target.exists():
                diags.error(entry_rel, 0, 0, "broken symlink", "remove it or fix its target")
                continue
        if entry.is_dir():
            real = path.resolve()
            if real in seen:  # a symlink loop
                continue
            seen.add(real)
            _walk(path, entry_rel, real_content, found, diags, seen)
        elif entry.is_file():
            found.append((entry_rel, path))
