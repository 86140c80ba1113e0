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

from builder.errors import Diagnostics
from builder.models import SourceFile

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


def discover(root: Path, diags: Diagnostics, known: Known | None = None,
             hashed_at: int = 0) -> list[SourceFile]:
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
                    rel, 0, 0,
                    f"file is {size:,} bytes, over the {limit // (1024 * 1024)} MB limit",
                    "split the article" if rel.endswith(".md")
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
        except OSError as exc:
            diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
            continue
        if _MARKDOWN_LIKE.search(rel) and not rel.endswith(".md"):
            diags.warning(rel, 0, 0, "copied as a plain file, not built as an article",
                          "articles must end in .md (lower case); rename it")
        # The bytes are hashed, not kept: a large site would hold them all
        # until the end. Whoever needs them reads them again (content()).
        files.append(SourceFile(rel, b"", hashlib.sha256(data).hexdigest(), path, stamp,
                                loaded=False))
    return files


def _bad_name(name: str, rel: str, diags: Diagnostics) -> bool:
    """File names that cannot be printed or published: report and skip them."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        diags.error(shown, 0, 0, "file name is not valid UTF-8", "rename the file")
        return True
    if _NAME_CONTROL.search(name):
        shown = _NAME_CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", rel)
        diags.error(shown, 0, 0, "file name contains a control character", "rename the file")
        return True
    return False


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
        entry_rel = f"{rel}/{entry.name}"
        if _bad_name(entry.name, entry_rel, diags):
            continue
        if entry.is_symlink():
            target = Path(entry.path).resolve()
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
            real = Path(entry.path).resolve()
            if real in seen:  # a symlink loop
                continue
            seen.add(real)
            _walk(Path(entry.path), entry_rel, real_content, found, diags, seen)
        elif entry.is_file():
            found.append((entry_rel, entry.path))


# Invisible characters that break feeds (XML forbids most of them) and are
# never typed on purpose: C0/C1 controls except tab and newline, DEL, and the
# Unicode non-characters (U+FDD0–U+FDEF and the last two of every plane).
# Two patterns: one class mixing BMP and astral code points is seven times
# slower to scan, and astral characters are rare enough to test for first.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_BAD_ASTRAL = re.compile(
    "[" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                  for p in range(1, 17)) + "]"
)
_C0 = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
       "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
       "SUB", "ESC", "FS", "GS", "RS", "US")
MAX_REPORTED = 10  # per file: the first few lines tell the editor what happened


def decode(src: SourceFile, diags: Diagnostics) -> str | None:
    """Bytes → text with `\\n` line ends; None (with diagnostics) when unusable.

    A UTF-8 BOM is dropped and CRLF or lone CR line ends become LF, so line
    numbers match what every editor shows.
    """
    data = src.content().removeprefix(b"\xef\xbb\xbf")
    bad_bytes = _invalid_utf8(data)
    if bad_bytes:
        for start in bad_bytes[:MAX_REPORTED]:
            _report_byte(src, data, start, diags)
        _more(src, len(bad_bytes), "lines with bytes that are not UTF-8", diags)
        return None
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines_seen: set[int] = set()
    found: list[tuple[int, int, str]] = []
    matches = list(_BAD_CHARS.finditer(text))
    if text and max(text) > "\uffff":
        matches = sorted(matches + list(_BAD_ASTRAL.finditer(text)), key=lambda m: m.start())
    for match in matches:
        line = text.count("\n", 0, match.start()) + 1
        if line not in lines_seen:
            lines_seen.add(line)
            found.append((line, match.start() - text.rfind("\n", 0, match.start()), match[0]))
    for line, col, char in found[:MAX_REPORTED]:
        message, hint = _describe_char(char)
        diags.error(src.rel, line, col, message, hint)
    _more(src, len(found), "lines with such characters", diags)
    return None if found else text


def _invalid_utf8(data: bytes) -> list[int]:
    """Offsets of the first bad byte on each line that has one."""
    starts: list[int] = []
    pos = 0
    while pos < len(data) and len(starts) <= 1000:
        try:
            data[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            start = pos + exc.start
            line_start = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start))
            if not starts or line_start >= starts[-1]:
                starts.append(start)
            pos = pos + exc.end
    return starts


def _report_byte(src: SourceFile, data: bytes, start: int, diags: Diagnostics) -> None:
    before = data[:start]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    col = len(data[line_start:start].decode("utf-8", "replace")) + 1
    byte = data[start]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "the file is UTF-16; save it as UTF-8"
    else:
        try:
            char = bytes([byte]).decode("cp1252")
            hint = (f"save the file as UTF-8 (0x{byte:02X} is `{char}` in Windows-1252, "
                    "so it was probably saved in that encoding)")
        except UnicodeDecodeError:
            hint = "save the file as UTF-8"
    diags.error(src.rel, line, col,
                f"byte 0x{byte:02X} is not valid UTF-8 (byte {start - line_start + 1} of the line)",
                hint)


def _describe_char(char: str) -> tuple[str, str]:
    code = ord(char)
    if code < 0x20:
        return (f"control character U+{code:04X} ({_C0[code]})",
                "delete it; it is invisible in most editors and breaks feeds")
    if code == 0x7F:
        return "control character U+007F (DEL)", "delete it; it is invisible in most editors"
    if code <= 0x9F:
        try:
            meant = bytes([code]).decode("cp1252")
            hint = f"replace it with `{meant}`: the text was decoded as Latin-1 somewhere"
        except UnicodeDecodeError:
            hint = "delete it; it is invisible in most editors"
        return f"control character U+{code:04X} (a C1 control)", hint
    return (f"Unicode non-character U+{code:04X}",
            "delete it; feeds and browsers reject it")


def _more(src: SourceFile, count: int, what: str, diags: Diagnostics) -> None:
    if count > MAX_REPORTED:
        diags.error(src.rel, 0, 0, f"{count - MAX_REPORTED} more {what}")
