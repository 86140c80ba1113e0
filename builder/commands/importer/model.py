"""The values every stage of `broadsheet import` passes on, and the text helpers they share.

Both readers (plain text in `text`, saved pages in `html`) produce the same `Block`s and
`Removal`s, so furniture is swept once (`furniture.sweep`), Markdown is written once
(`render`) and the removal report is worded once (`report`). Nothing here reads files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass


class ImportFailure(Exception):
    """Why an input cannot be imported, with a hint the CLI prints under the error."""

    def __init__(self, message: str, *, hint: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.line = line  # where in the input, when one line is to blame


Date = datetime.date | datetime.datetime


@dataclass(frozen=True)
class Inline:
    """A run of text: plain, emphasised (`em`, `strong`) and/or a link."""

    text: str
    href: str | None = None
    style: str = ""


@dataclass(frozen=True)
class Block:
    """A body block. kind is "p", "h2".."h6", "quote", "ul", "ol", "caption", "image" or
    "table".

    Each item is one line of inlines: a paragraph has one, a quote one per quoted
    paragraph, a list one per item, a table one per cell (row by row, `columns` wide, the
    first row the header), an image one (its alt text, `src` its address). `line` is where
    the block starts in the input and `group` the paragraph it came from, so the furniture
    sweep can tell a link list written under its heading from later paragraphs.
    """

    kind: str
    items: tuple[tuple[Inline, ...], ...]
    line: int = 0
    group: int = 0
    columns: int = 0
    src: str = ""


@dataclass(frozen=True)
class Removal:
    """One piece of the input that is not in the article body, and why.

    `kept_as` names the front-matter field it went to ("source.date", "title"...), empty
    when it was dropped. `guess` marks removals decided by position rather than by a
    known furniture wording: those warn when they read like body text.
    """

    line: int
    text: str
    reason: str
    kept_as: str = ""
    guess: bool = False


@dataclass(frozen=True)
class Draft:
    """An article as read, before the furniture sweep: the common shape of both inputs."""

    title: str
    date: Date | None
    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...] = ()
    author: str | None = None
    url: str | None = None
    site_name: str | None = None
    tags: tuple[str, ...] = ()  # the source's own tags (a "Tags:" line, page keywords)


def words(text: str) -> frozenset[str]:
    """A set from a space-separated literal, which keeps long word lists compact."""
    return frozenset(text.split())


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed."""
    return " ".join(text.split())


def title_key(title: str) -> str:
    """Titles (and tags) compare casefolded with whitespace collapsed."""
    return collapse(title).casefold()


ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")
Run = tuple[str, str | None, str]  # text, href, style


def inline_runs(item: tuple[Inline, ...]) -> list[Run]:
    """(text, href, style) runs: whitespace collapsed as a browser would, adjacent runs of
    one kind merged, spaces moved out of links and emphasis, the ends trimmed, so
    rendering needs no more care."""
    flat: list[Run] = []
    for inline in item:
        text = ASCII_WS.sub(" ", inline.text)
        core = text.strip(" ")
        if (inline.href or inline.style) and core:
            flat += [(text[: text.index(core)], None, ""), (core, inline.href, inline.style)]
            flat.append((" " if text.endswith(" ") else "", None, ""))
        else:
            flat.append((text, None, ""))
    runs: list[Run] = []
    for text, href, style in flat:
        if not text:
            continue
        if runs and href is None and runs[-1][1] is None and runs[-1][2] == style:
            merged = runs[-1][0] + text
            runs[-1] = (merged if style else re.sub(" {2,}", " ", merged), None, style)
        else:
            runs.append((text, href, style))
    if runs and runs[0][1] is None and not runs[0][2]:
        runs[0] = (runs[0][0].lstrip(), None, "")
    if runs and runs[-1][1] is None and not runs[-1][2]:
        runs[-1] = (runs[-1][0].rstrip(), None, "")
    return [run for run in runs if run[0]]


def plain_text(item: tuple[Inline, ...]) -> str:
    """The text of one item as a reader sees it (links and emphasis as their text)."""
    return "".join(text for text, _href, _style in inline_runs(item))


def block_text(block: Block) -> str:
    """All of a block's text on one line, items separated by spaces."""
    return " ".join(plain_text(item) for item in block.items)
