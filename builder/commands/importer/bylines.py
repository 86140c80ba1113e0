"""Bylines as received: "By Amina Otieno", "Amina Otieno | Reuters", "Amina Otieno, Nairobi
bureau", "By Tomás Ruiz and Lena Brandt in Madrid".

The writer becomes `source.author`; a location or role ("Nairobi bureau", "in Madrid",
"Staff writer") is not part of a name, so it goes into the removal report; an agency after
a bar ("| Reuters") can name the publication. A line counts as a byline only when what
should be names reads as names (capitalised words, a few joining words), so a sentence
starting "By the end of the day" is never taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.commands.importer.model import words

_JOINERS = words("and & de da di del della van von der den du la le al el bin ibn y dos das")
_ROLES = words(
    "bureau correspondent correspondents reporter reporters editor editors writer writers "
    "staff desk contributor columnist journalist analyst chief senior special international "
    "political economics science reporting team"
)
_BY = re.compile(r"(?:written |reporting |story |words |text )?by\s*:?\s+(?P<rest>.+)", re.I)
_IN = re.compile(r"\s+(?P<loc>(?:in|from|reporting from)\s+\S.*)$")


@dataclass(frozen=True)
class Byline:
    """Who wrote the original, and what the byline said besides the names."""

    author: str
    dropped: tuple[str, ...] = ()  # locations and roles, for the report
    agency: str | None = None  # "Name | Agency"


def _names(text: str, least: int = 1) -> bool:
    """True when `text` is a list of names: capitalised words and joining words only, at
    least `least` capitalised words, ending on a name."""
    tokens = text.replace(",", " , ").split()
    if not tokens or len(tokens) > 12 or len(text) > 80:
        return False
    capitals = 0
    for token in tokens:
        if token == ",":
            continue
        word = token.strip("'’.")
        if word.lower() in _JOINERS and token is not tokens[0]:
            continue
        if not word or not word[0].isupper() or not re.fullmatch(r"[^\W\d_][\w'’.-]*", word):
            return False
        capitals += 1
    last = tokens[-1].strip("'’.").lower()
    return capitals >= least and last not in _JOINERS and last != ","


def _role(text: str) -> bool:
    return any(w.strip(".,").lower() in _ROLES for w in text.split()) or bool(
        re.match(r"(?i)(?:in|from)\s", text)
    )


def read_byline(text: str, *, loose: bool = False) -> Byline | None:
    """The byline a line is, or None. `loose` also accepts the forms without "By" ("Name |
    Agency", "Name, City bureau"), which only the first lines of a text may use."""
    text = " ".join(text.split())
    m = _BY.fullmatch(text)
    if m is None and not loose:
        return None
    rest = m["rest"] if m else text
    dropped: list[str] = []
    agency = None
    if "|" in rest:
        rest, _bar, after = rest.partition("|")
        rest, after = rest.strip(), after.strip()
        if _names(after) and not _role(after) and len(after.split()) <= 4:
            agency = after
        elif after:
            dropped.append(after)
    if (at := _IN.search(rest)) is not None:
        dropped.insert(0, at["loc"])
        rest = rest[: at.start()]
    parts = [p.strip() for p in rest.split(",")]
    names = [parts[0]]
    for part in parts[1:]:
        if dropped or not _names(part, least=2) or _role(part):
            dropped.append(part)
        else:
            names.append(part)
    author = ", ".join(names)
    if not _names(author, least=1 if m else 2):
        return None
    if m is None and not (agency or dropped and _role(" ".join(dropped))):
        return None  # without "By", only a bar or a role makes a line a byline
    return Byline(author, tuple(d for d in dropped if d), agency)
