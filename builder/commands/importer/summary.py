"""The `summary:` an import writes: whole sentences of the first paragraph, up to 200
characters, so lists and feeds never show a sentence cut in the middle when a shorter
whole one exists."""

from __future__ import annotations

import re

from builder.commands.importer.model import words

_ABBREVIATIONS = words(
    "mr mrs ms dr prof gen lt col maj capt sgt gov sen rep st jr sr inc ltd co corp no vs "
    "etc adm brig cmdr pres"
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[\"“‘«(\[]?[A-Z0-9]|$)")


def summary(text: str, limit: int = 200) -> str:
    """Whole sentences up to `limit` chars; a longer first sentence is cut with "…"."""
    if len(text) <= limit:
        return text
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if m.end() <= limit
        and (word := text[: m.start()].rsplit(" ", 1)[-1].lower()) not in _ABBREVIATIONS
        and not re.fullmatch(r"(?:[a-z]\.)*[a-z]", word)  # U.S., initials
    ]
    if ends:
        return text[: ends[-1]]
    space = text.rfind(" ", 0, limit)
    return (text[:space] if space > 0 else text[: limit - 1]).rstrip(" ,;:–—-") + "…"
