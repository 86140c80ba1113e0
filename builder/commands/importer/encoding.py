"""Bytes → text, whatever encoding the editor's file is in; the article is always UTF-8.

UTF-8 (with or without a BOM) is taken as it is. Anything else is decoded by the charset a
page declares (HTTP header or `<meta charset>`) when that decodes cleanly, else by what
`charset-normalizer` detects; the report says from what, so a wrong guess is visible.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from builder.commands.importer.model import ImportFailure, words

_SAVE_HINT = "save the article as text (dateline, headline, paragraphs) or as an HTML page"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# As browsers do (WHATWG Encoding): a page saying Latin-1 or ASCII is read as Windows-1252.
_AS_BROWSERS_DO = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}
# Latin-script single-byte code pages: on an article's worth of text a detector cannot
# tell them apart, and the one editors' Windows machines save in is Windows-1252.
_LATIN = words(
    "cp437 cp775 cp850 cp852 cp858 cp1250 cp1252 cp1254 cp1257 cp1258 mac-roman mac-latin2 "
    "iso8859-2 iso8859-3 iso8859-4 iso8859-9 iso8859-10 iso8859-13 iso8859-14 iso8859-15 "
    "iso8859-16"
)


@dataclass(frozen=True)
class Decoded:
    """The text, newlines normalised, and the encoding it was converted from (None: UTF-8)."""

    text: str
    converted_from: str | None = None
    detected: bool = False


def _codec(name: str) -> str | None:
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return _AS_BROWSERS_DO.get(found, found)


def _clean(text: str) -> str:
    if not text.strip():
        raise ImportFailure("the file is empty", hint=_SAVE_HINT)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data`; `declared` is a charset the server named. Refuse binary files."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return Decoded(_clean(data.decode("utf-16")), "utf-16")
    if b"\x00" in data[:4096]:
        raise ImportFailure("this is a binary file, not text or HTML", hint=_SAVE_HINT)
    try:
        return Decoded(_clean(data.decode("utf-8")))
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    meta = _META_CHARSET.search(data[:4096])
    for name in (declared, meta.group(1).decode("ascii") if meta else None):
        codec = _codec(name) if name else None
        if codec and codec != "utf-8":
            try:
                return Decoded(_clean(data.decode(codec)), codec)
            except UnicodeDecodeError:
                pass
    from charset_normalizer import from_bytes  # slow to import, rarely needed

    best = from_bytes(data).best()
    if best is None or best.encoding in ("utf_8", "utf-8"):
        line = data[:first_bad].count(b"\n") + 1
        raise ImportFailure(
            f"cannot tell the text encoding: byte {first_bad} (line {line}) is "
            "not UTF-8 and no other encoding fits",
            hint="re-save the file as UTF-8",
            line=line,
        )
    codec = _codec(best.encoding) or best.encoding
    if codec in _LATIN:
        try:
            return Decoded(_clean(data.decode("cp1252")), "cp1252", detected=True)
        except UnicodeDecodeError:
            pass  # a byte Windows-1252 leaves undefined: the detector's code page it is
    return Decoded(_clean(data.decode(codec)), codec, detected=True)


def shown(codec: str) -> str:
    """An encoding's everyday name: cp1252 → Windows-1252, iso8859-7 → ISO-8859-7."""
    if re.fullmatch(r"cp125\d", codec):
        return f"Windows-{codec[2:]}"
    return codec.upper() if codec.startswith(("iso", "utf")) else codec
