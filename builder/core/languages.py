"""Language tags: the one check of a BCP 47 tag (site.yaml's `language`, front matter's `lang`)
and the one answer to "which way does it run" (the `dir` of a page or a card).

A tag is checked for its shape (language, then optional script, region
and variants) and for a language Babel knows, because a tag Babel does not
know would get no dates or translations, and is almost always a typo
(`lang: arabic`, `lang: ar_EG`). Tags are kept in their canonical case
(`zh-Hant-TW`), so two spellings of one language are one index in search.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

_SHAPE = re.compile(
    r"(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?(?P<variants>(?:-[A-Za-z0-9]{5,8})*)"
)


def language_problem(key: str, tag: str) -> str | None:
    """The error for a bad tag at `key` (`language`, `lang`), or None when it is usable."""
    if not _SHAPE.fullmatch(tag):
        return f"`{key}` must be a language tag such as en or pt-BR, found `{tag}`"
    if _locale(canonical(tag)) is None:
        return f"`{key}` names no language Broadsheet knows: `{tag}`"
    return None


def canonical(tag: str) -> str:
    """The tag in BCP 47's usual case: `zh-hant-tw` → `zh-Hant-TW`."""
    found = _SHAPE.fullmatch(tag.strip())
    if found is None:
        return tag.strip()
    parts = [found["language"].lower()]
    if found["script"]:
        parts.append(found["script"].title())
    if found["region"]:
        parts.append(found["region"].upper())
    parts += [v.lower() for v in found["variants"].split("-") if v]
    return "-".join(parts)


def direction(tag: str) -> str:
    """`rtl` for a right-to-left language or script (Arabic, Persian, Hebrew, Urdu, …)."""
    locale = _locale(tag)
    return "rtl" if locale is not None and locale.text_direction == "rtl" else "ltr"


@lru_cache(maxsize=256)
def _locale(tag: str) -> Locale | None:
    """Babel's locale for a tag, falling back to its language alone (`en-ZZ` → `en`)."""
    for candidate in (tag, tag.split("-", 1)[0]):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def babel_locale(tag: str) -> Locale:
    """The Babel locale dates and numbers of a page are written in (English if unknown)."""
    return _locale(tag) or Locale("en")
