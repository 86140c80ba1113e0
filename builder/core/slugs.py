"""Slugs: the one rule that turns a title, file name or tag into a URL segment.

Slugs are NFKC-normalised and case-folded so that two spellings which look
the same to a reader (`Café` composed or decomposed, `Energy`/`energy`) land
on the same URL, where the build can see and report the clash.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from builder.core.paths import RESERVED  # the generated top-level names, from the layout

MAX_SLUG = 80
# File systems allow 255 bytes per name; 80 letters of some scripts take 320.
MAX_SLUG_BYTES = 240
# Names Windows keeps for devices, in any case and with any extension (`nul.txt`,
# `Com1.tar.gz`): a file or folder of that name cannot be created or checked out
# there, so a site holding one would break a contributor's clone and the build.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul"}
                            | {f"{port}{n}" for port in ("com", "lpt")
                               for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3")})
_NON_WORD = re.compile(r"[^\w]+")
_SAFE = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens; Unicode letters kept, symbols dropped.

    `C++` and `C` both become `c`: the site model reports such collisions.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub("-", text).strip("-_").replace("_", "-")


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
        return (f"is {len(slug.encode('utf-8'))} bytes long in UTF-8, over the "
                f"{MAX_SLUG_BYTES}-byte limit of a folder name")
    if slug in RESERVED and (reserved or slug == "index"):
        return f"`{slug}` is reserved for a page Broadsheet generates"
    if is_device_name(slug):
        return f"`{slug}` {DEVICE_PROBLEM}"
    if not _SAFE.match(slug):
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
