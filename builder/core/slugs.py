"""Slugs: the one rule that turns a title, file name, tag or heading into a URL segment.

Slugs are NFKC-normalised and case-folded so that two spellings which look
the same to a reader (`Café` composed or decomposed, `Energy`/`energy`) land
on the same URL, where the build can see and report the clash.

A word is letters and digits with their combining marks: the Arabic shadda
of `يوقّع` or the vowel signs of Hindi are part of the word, never a break
in it. The zero-width joiners (ZWNJ, which Persian writes inside words, and
ZWJ) are kept between two letters of a word, where they change how it is
spelt, and dropped anywhere else; they never become a hyphen.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from builder.core.paths import RESERVED  # the generated top-level names, from the layout

MAX_SLUG = 80
# File systems allow 255 bytes per name; 80 letters of some scripts take 320.
MAX_SLUG_BYTES = 240
# Names Windows keeps for devices, in any case and with any extension (`nul.txt`,
# `Com1.tar.gz`): a file or folder of that name cannot be created or checked out
# there, so a site holding one would break a contributor's clone and the build.
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {
        f"{port}{n}"
        for port in ("com", "lpt")
        for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3")
    }
)
JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ


def _is_word(ch: str) -> bool:
    """A letter or digit, or a mark belonging to one (category M: shadda, virama, accents)."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def words(text: str) -> list[str]:
    """The words of `text` in slug form, in order (see the module's docstring)."""
    found: list[str] = []
    current: list[str] = []
    joiners = ""
    for ch in text:
        if _is_word(ch):
            if not current and not ch.isalnum():
                continue  # a mark with no letter before it
            current.append(joiners + ch)
            joiners = ""
        elif ch in JOINERS and current:
            joiners += ch
        else:
            if current:
                found.append("".join(current))
            current, joiners = [], ""
    if current:
        found.append("".join(current))
    return found


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens; Unicode letters and their marks kept, symbols
    dropped.

    `C++` and `C` both become `c`: the site model reports such collisions.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return "-".join(words(text))


def slug_problem(slug: str, reserved: bool = True) -> str | None:
    """Why `slug` cannot be a URL segment, or None when it can.

    `reserved=False` is for segments that sit below a fixed folder (tags
    under `tags/`), where only `index` still clashes: many hosts redirect
    `…/index/` to the folder above it.
    """
    if not slug:
        return "is empty once symbols are removed"
    if len(slug) > MAX_SLUG:
        return f"is {len(slug)} characters long, over the {MAX_SLUG}-character limit"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return (
            f"is {len(slug.encode('utf-8'))} bytes long in UTF-8, over the "
            f"{MAX_SLUG_BYTES}-byte limit of a folder name"
        )
    if slug in RESERVED and (reserved or slug == "index"):
        return f"`{slug}` is reserved for a page Broadsheet generates"
    if is_device_name(slug):
        return f"`{slug}` {DEVICE_PROBLEM}"
    if "-".join(words(slug)) != slug:
        return f"`{slug}` is not a safe URL segment"
    return None


DEVICE_PROBLEM = "is a device name on Windows, where no file or folder can have it"


def is_device_name(name: str) -> bool:
    """True for `con`, `NUL.txt`, `lpt1.tar.gz`, `aux ` and the like (see WINDOWS_DEVICES)."""
    return name.split(".", 1)[0].rstrip(" ").casefold() in WINDOWS_DEVICES


@lru_cache(maxsize=65536)
def tag_key(tag: str) -> str:
    """Tags equal but for case, spacing and punctuation are the same tag.

    Symbols are kept (`C++` is not `C`): those are told apart here and
    then reported when their URLs collide.
    """
    text = unicodedata.normalize("NFKC", tag).casefold()
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] == "P"))
