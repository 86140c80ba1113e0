"""Bytes of a source file -> text: UTF-8 only, LF line ends, no invisible controls.

Shared by content files, site.yaml and theme.yaml, so every file an editor
writes is held to the same rules and reported the same way.
"""

from __future__ import annotations

import re

from builder.core.errors import Diagnostics
from builder.core.models import SourceFile

# Invisible characters that break feeds (XML forbids most of them) and are
# never typed on purpose: C0/C1 controls except tab and newline, DEL, and the
# Unicode non-characters (U+FDD0–U+FDEF and the last two of every plane).
# Two patterns: one class mixing BMP and astral code points is seven times
# slower to scan, and astral characters are rare enough to test for first.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_BAD_ASTRAL = re.compile(
    "["
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
    + "]"
)
_C0 = (
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
)
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
    for match in _bad_chars(text):
        line = text.count("\n", 0, match.start()) + 1
        if line not in lines_seen:
            lines_seen.add(line)
            found.append((line, match.start() - text.rfind("\n", 0, match.start()), match[0]))
    for line, col, char in found[:MAX_REPORTED]:
        message, hint = describe_char(char)
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
            hint = (
                f"save the file as UTF-8 (0x{byte:02X} is `{char}` in Windows-1252, "
                "so it was probably saved in that encoding)"
            )
        except UnicodeDecodeError:
            hint = "save the file as UTF-8"
    diags.error(
        src.rel,
        line,
        col,
        f"byte 0x{byte:02X} is not valid UTF-8 (byte {start - line_start + 1} of the line)",
        hint,
    )


def _bad_chars(text: str) -> list[re.Match[str]]:
    matches = list(_BAD_CHARS.finditer(text))
    if text and max(text) > "\uffff":
        matches = sorted(matches + list(_BAD_ASTRAL.finditer(text)), key=lambda m: m.start())
    return matches


def bad_char(text: str) -> str | None:
    """The first character of `text` that `decode` refuses in a file, or None.

    For text that reached Broadsheet another way than as file bytes: a YAML
    escape (`"\\x1b"`, `"\\uFFFE"`) or an HTML character reference (`&#27;`).
    """
    matches = _bad_chars(text)
    return matches[0][0] if matches else None


def without_bad_chars(text: str) -> str:
    """`text` with every character `bad_char` finds replaced by U+FFFD: for text from
    the build cache, which is untrusted and has no line to report (see read/sanitize.py)."""
    text = _BAD_CHARS.sub("\ufffd", text)
    return _BAD_ASTRAL.sub("\ufffd", text) if text and max(text) > "\uffff" else text


def has_bad_char(text: str) -> bool:
    """Whether `bad_char` would find one, without finding which (fast: two searches)."""
    return _BAD_CHARS.search(text) is not None or _BAD_ASTRAL.search(text) is not None


def describe_char(char: str) -> tuple[str, str]:
    """(message, hint) for a character `bad_char` finds."""
    code = ord(char)
    if code < 0x20:
        return (
            f"control character U+{code:04X} ({_C0[code]})",
            "delete it; it is invisible in most editors and breaks feeds",
        )
    if code == 0x7F:
        return "control character U+007F (DEL)", "delete it; it is invisible in most editors"
    if code <= 0x9F:
        try:
            meant = bytes([code]).decode("cp1252")
            hint = f"replace it with `{meant}`: the text was decoded as Latin-1 somewhere"
        except UnicodeDecodeError:
            hint = "delete it; it is invisible in most editors"
        return f"control character U+{code:04X} (a C1 control)", hint
    return (f"Unicode non-character U+{code:04X}", "delete it; feeds and browsers reject it")


def _more(src: SourceFile, count: int, what: str, diags: Diagnostics) -> None:
    if count > MAX_REPORTED:
        diags.error(src.rel, 0, 0, f"{count - MAX_REPORTED} more {what}")
