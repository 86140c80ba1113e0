"""content/ → [SourceFile]: every file the build reads, in a stable order, and its text.

Sorted paths make every later stage deterministic. Dotfiles and editor
debris (swap files, backups, autosaves) are skipped so that a half-saved
buffer never becomes an article, and symlinks may not lead out of content/
so a site cannot be made to publish files from elsewhere on the machine.
`decode` turns a Markdown file's bytes into text, refusing what no editor
means to publish (bytes that are not UTF-8, invisible control characters).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from builder.core.errors import CHANGED, CHANGED_HINT, Diagnostics
from builder.core.models import SourceFile
from builder.core.slugs import DEVICE_PROBLEM, is_device_name

MAX_BYTES = 2 * 1024 * 1024  # a Markdown file: far beyond any article
MAX_ASSET_BYTES = 25 * 1024 * 1024  # an image or PDF published beside an article
_DEBRIS = re.compile(r"(~|\.swp|\.swo|\.swx|\.tmp|\.bak|\.orig|\.rej)$|^#.*#$|^4913$", re.I)
_SKIP_NAMES = {"Thumbs.db", "desktop.ini"}
_MARKDOWN_LIKE = re.compile(r"\.(md|markdown|mdown|mkd|mkdn)$", re.I)
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_debris(name: str) -> bool:
    """Files no editor meant to publish: hidden files, swap files, backups."""
    return name.startswith(".") or name in _SKIP_NAMES or bool(_DEBRIS.search(name))


Known = dict[str, tuple[int, int, int, str]]  # rel → (size, mtime_ns, inode, sha256)
RACY_NS = 2_000_000_000  # a file changed this close to its hashing may change unseen


def discover(
    root: Path, diags: Diagnostics, known: Known | None = None, hashed_at: int = 0
) -> list[SourceFile]:
    """Every publishable file under root/content, sorted by path.

    `known` holds what a previous build hashed (taken at `hashed_at`, in
    ns): a file whose size, mtime and inode are unchanged keeps its hash
    and is not read, as git's index does. A file modified within two
    seconds of that hashing is read anyway, since its mtime cannot tell.
    """
    known = known or {}
    content = root / "content"
    if not content.is_dir():
        diags.error("content", 0, 0, "no content/ folder", "create content/ and add articles")
        return []
    real_content = content.resolve()
    found: list[tuple[str, str]] = []
    _walk(content, "content", real_content, found, diags, set())
    files: list[SourceFile] = []
    for rel, path in sorted(found):
        limit = MAX_BYTES if rel.endswith(".md") else MAX_ASSET_BYTES
        try:
            st = os.stat(path)
            size = st.st_size
            if size > limit:
                diags.error(
                    rel,
                    0,
                    0,
                    f"file is {size:,} bytes, over the {limit // (1024 * 1024)} MB limit",
                    "split the article"
                    if rel.endswith(".md")
                    else "make the file smaller, or host it elsewhere and link to it",
                )
                continue
            stamp = (size, st.st_mtime_ns, st.st_ino)
            seen = known.get(rel)
            if seen and tuple(seen[:3]) == stamp and st.st_mtime_ns < hashed_at - RACY_NS:
                files.append(SourceFile(rel, b"", seen[3], path, stamp, loaded=False))
                continue
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:  # listed a moment ago: deleted (or moved) as we read
            diags.error(rel, 0, 0, CHANGED, CHANGED_HINT)
            continue
        except OSError as exc:
            diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
            continue
        if _MARKDOWN_LIKE.search(rel) and not rel.endswith(".md"):
            diags.warning(
                rel,
                0,
                0,
                "copied as a plain file, not built as an article",
                "articles must end in .md (lower case); rename it",
            )
        # The bytes are hashed, not kept: a large site would hold them all
        # until the end. Whoever needs them reads them again (content()).
        files.append(
            SourceFile(rel, b"", hashlib.sha256(data).hexdigest(), path, stamp, loaded=False)
        )
    return files


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match[0]):02x}"


def _name_of(entry: os.DirEntry[str], rel: str, diags: Diagnostics) -> str | None:
    """The file name as text, or None (reported) when it cannot be published.

    Names are bytes on POSIX: Python decodes them with the file system encoding,
    which is ASCII under LANG=C, so `café.md` arrives as `caf\\udcc3\\udca9.md`.
    The bytes are decoded as UTF-8 here, whatever the locale says.
    """
    try:
        name = os.fsencode(entry.name).decode("utf-8")
    except UnicodeDecodeError:
        shown = os.fsencode(entry.name).decode("utf-8", "backslashreplace")
        diags.error(f"{rel}/{shown}", 0, 0, "file name is not valid UTF-8", "rename the file")
        return None
    shown = f"{rel}/" + _NAME_CONTROL.sub(_escaped, name)
    if _NAME_CONTROL.search(name):
        diags.error(shown, 0, 0, "file name contains a control character", "rename the file")
    elif "\\" in name:
        diags.error(
            shown,
            0,
            0,
            "file name contains a backslash, which Windows reads as a folder separator",
            "rename the file without `\\`",
        )
    elif is_device_name(name):
        diags.error(
            shown,
            0,
            0,
            f"`{name}` {DEVICE_PROBLEM}",
            "rename it: Windows cannot check out or publish a site holding it",
        )
    else:
        return name
    return None


def _walk(
    folder: Path,
    rel: str,
    real_content: Path,
    found: list[tuple[str, str]],
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
        name = _name_of(entry, rel, diags)
        if name is None:
            continue
        entry_rel = f"{rel}/{name}"
        if entry.is_symlink():
            target = Path(entry.path).resolve()
            if not target.is_relative_to(real_content):
                diags.error(
                    entry_rel,
                    0,
                    0,
                    "symlink points outside content/, refused",
                    "copy the file into content/ instead of linking to it",
                )
                continue
            if not target.exists():
                diags.error(entry_rel, 0, 0, "broken symlink", "remove it or fix its target")
                continue
        if entry.is_dir():
            real = Path(entry.path).resolve()
            if real in seen:  # a symlink loop
                continue
            seen.add(real)
            _walk(Path(entry.path), entry_rel, real_content, found, diags, seen)
        elif entry.is_file():
            found.append((entry_rel, entry.path))
