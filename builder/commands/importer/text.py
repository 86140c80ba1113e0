"""The plain-text reader: an article as editors receive it scraped or pasted.

The shape: within the first lines a dateline, a headline and maybe a byline or a "Tags:"
line, in any order; then paragraphs (separated by blank lines, hard-wrapped lines joined;
a text with no blank line at all has one paragraph per line), with site furniture mixed
in and usually trailing. This module finds the head and cuts the body into blocks, each
with the line it starts on; `furniture.sweep` then removes what is not the article, and
short lines that read as subheads become headings. Every line that does not reach the
body is a `Removal`, so the report accounts for all of the input.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from builder.commands.importer.bylines import Byline, read_byline
from builder.commands.importer.dates import BadDate, find_dates, relative_date, rest_of_line
from builder.commands.importer.furniture import (
    block_reads_as_body,
    body_like,
    furniture,
    heading_kind,
    source_tags,
)
from builder.commands.importer.model import (
    Block,
    Date,
    Draft,
    ImportFailure,
    Inline,
    Removal,
    block_text,
    collapse,
)

HEAD_LINES = 8  # the dateline, headline and byline are looked for in the first lines
_DATE_HINT = (
    "the first lines should hold a dateline such as 'Sunday, June 23, 2024', "
    "'June 3, 2024, 10:15 a.m. ET' or '2024-06-23'"
)
_CAPTION = re.compile(
    r"(?:(?:file |top |main )?(?:photo|picture|image|illustration|graphic|video|caption)s?"
    r"(?: credit)?\s*[:|]|\(?(?:photo|picture|image)s? (?:by|courtesy of)\b|credit\s*:|"
    r"\(?(?:ap|afp|reuters|getty|epa|anadolu|xinhua)(?: photo| images)?\s*/).*|.{3,200}"
    r"\((?:photo|picture|image)(?: by| credit)?:? [^)]{2,80}\)\.?",
    re.I,
)
_ITEM_START = re.compile(r"(?:[-*+•]|\d+[.)])\s")
_PLACE = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}")


@dataclass(frozen=True)
class _Head:
    """What the first lines said: the parts of the article that are not body."""

    title: str
    title_line: int
    date: Date
    author: Byline | None
    tags: tuple[str, ...]
    used: frozenset[int]  # lines taken into front matter or removed
    removals: tuple[Removal, ...]


def _dateline(n: int, line: str, zone: datetime.tzinfo) -> tuple[Date, bool, str] | None:
    """(date, is an update, what else the line says) when the line is a dateline."""
    try:
        dates = find_dates(line, zone)
    except BadDate as exc:
        raise ImportFailure(
            f"{line[:60]!r} is not a real date ({exc})",
            line=n,
            hint="correct the dateline to the date the page shows",
        ) from None
    if not dates:
        return None
    rest = rest_of_line(line, dates)
    if rest and not (read_byline(rest, loose=True) or _PLACE.fullmatch(rest)):
        return None  # a date inside a sentence or headline
    first = next((d for d in dates if not d.updated), dates[0])
    return first.value, first.updated, rest


def _head(filled: list[tuple[int, str]], zone: datetime.tzinfo) -> _Head:
    """Find dateline, headline, byline and tags among the first lines; refuse without."""
    head = filled[:HEAD_LINES]
    prose = [i for i, (_n, line) in enumerate(head) if body_like(line)]
    if len(prose) > 1:  # the head ends where the second paragraph of prose starts
        head = head[: prose[1]]
    removals: list[Removal] = []
    used: set[int] = set()
    date: Date | None = None
    author: Byline | None = None
    tags: tuple[str, ...] = ()
    relative: tuple[int, str] | None = None
    for n, line in head:
        found = _dateline(n, line, zone)
        if found is None:
            if relative is None and relative_date(line):
                relative = (n, line)
            continue
        value, updated, rest = found
        used.add(n)
        if date is not None:
            removals.append(Removal(n, line, "another date (the first dateline is used)"))
            continue
        date = value
        why = "dateline (an update time: no other date was given)" if updated else "dateline"
        removals.append(Removal(n, line, why, kept_as="source.date"))
        if rest and (by := read_byline(rest, loose=True)):
            author = by
            removals.append(Removal(n, rest, "byline", kept_as="source.author"))
            removals.extend(Removal(n, x, "byline location") for x in by.dropped)
        elif rest:
            removals.append(Removal(n, rest, "place of the dateline"))
    if date is None:
        if relative:
            raise ImportFailure(
                f"{relative[1]!r} is a relative date: it does not say which day",
                line=relative[0],
                hint="replace it with the date the page shows, e.g. 'June 3, 2024'",
            )
        shown = next((line for _n, line in head), "")[:60]
        raise ImportFailure(
            f"no dateline in the first {HEAD_LINES} lines (the first is {shown!r})", hint=_DATE_HINT
        )
    for n, line in head:
        if n in used:
            continue
        if author is None and (by := read_byline(line, loose=True)):
            author = by
            removals.append(Removal(n, line, "byline", kept_as="source.author"))
            removals.extend(Removal(n, x, "byline location") for x in by.dropped)
        elif not tags and (found_tags := source_tags(line)) is not None:
            tags = found_tags
            removals.append(Removal(n, line, "the source's tags", kept_as="tags"))
        else:
            continue
        used.add(n)
    candidates = [(n, line) for n, line in head if n not in used]
    plain = [(n, line) for n, line in candidates if not _not_headline(line)]
    title_at = None
    for n, line in candidates:
        if reason := _not_headline(line):
            removals.append(Removal(n, line, f"{reason} before the headline"))
            used.add(n)
            continue
        after = [text for m, text in plain if m > n]
        nxt = after[0] if after else ""
        if (
            len(line.split()) <= 3
            and not re.search(r"[.!?]$", line)
            and nxt
            and not re.search(r"[.!?]$", nxt)
            and not block_reads_as_body(_p(nxt))
            and len(nxt.split()) > len(line.split())
        ):
            removals.append(Removal(n, line, "section label before the headline", guess=True))
            used.add(n)
            continue
        title_at = (n, line)
        break
    if title_at is None or len(title_at[1]) > 300:
        raise ImportFailure(
            "no headline found in the first lines",
            hint="put the headline on its own line near the dateline",
        )
    removals.append(Removal(title_at[0], title_at[1], "headline", kept_as="title"))
    used.add(title_at[0])
    return _Head(
        collapse(title_at[1]), title_at[0], date, author, tags, frozenset(used), tuple(removals)
    )


def _not_headline(line: str) -> str | None:
    """Why a line in the head cannot be the headline: furniture, a caption, a link-block
    heading."""
    if reason := furniture(line):
        return reason
    if _CAPTION.fullmatch(line):
        return "caption"
    return "link block heading" if heading_kind(line) else None


def _p(text: str, line: int = 0, group: int = 0) -> Block:
    return Block("p", ((Inline(text),),), line, group)


def read_text(text: str, zone: datetime.tzinfo) -> Draft:
    """Head and body blocks of a decoded, newline-normalised, non-blank text."""
    lines = [(n, raw.strip()) for n, raw in enumerate(text.split("\n"), 1)]
    filled = [(n, line) for n, line in lines if line]
    head = _head(filled, zone)
    removals = list(head.removals)
    tags = list(head.tags)
    body: list[tuple[int, str]] = []  # (line, text); text "" is a paragraph break
    for n, line in lines:
        if n <= head.title_line:  # the head: every line in it is accounted for already
            continue
        if n in head.used:
            body.append((n, ""))
        elif line and (reason := furniture(line)):
            removals.append(Removal(n, line, reason))
        elif line and (found := source_tags(line)) is not None:
            tags.extend(found)
            removals.append(Removal(n, line, "the source's tags", kept_as="tags"))
            body.append((n, ""))
        else:
            body.append((n, line))
    return Draft(
        head.title,
        head.date,
        _blocks(body),
        tuple(removals),
        author=head.author.author if head.author else None,
        site_name=head.author.agency if head.author else None,
        tags=tuple(dict.fromkeys(tags)),
    )


def _blocks(body: list[tuple[int, str]]) -> tuple[Block, ...]:
    """Paragraph blocks: blank lines separate them (or every line does, in a text with no
    blank line between two kept lines); a heading of a link block or comment section, a
    caption or a line that starts like a list item starts its own; the lines after a
    link-block heading in the same paragraph are one block each, for the sweep to judge."""
    kept = [i for i, (_n, line) in enumerate(body) if line]
    one_per_line = not kept or all(line for _n, line in body[kept[0] : kept[-1]])
    blocks: list[Block] = []
    para: list[tuple[int, str]] = []
    group = 0
    split = False  # inside a paragraph that a link-block heading started

    def flush() -> None:
        if para:
            blocks.append(_p(" ".join(t for _n, t in para), para[0][0], group))
            para.clear()

    for n, line in body:
        if not line:
            flush()
            group, split = group + 1, False
            continue
        caption = _CAPTION.fullmatch(line) is not None
        if heading_kind(line) or caption:
            flush()
            group += 1
            if caption:
                blocks.append(Block("caption", ((Inline(line),),), n, group))
                group += 1
                continue
            split = True
        elif one_per_line or split or _ITEM_START.match(line):
            flush()
            if one_per_line:
                group += 1
        para.append((n, line))
    flush()
    return tuple(blocks)


def subheads(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Short lines between paragraphs that read as subheads (a few words, capitalised, no
    closing punctuation, followed by body text) become level-2 headings."""
    out = list(blocks)
    for i, block in enumerate(out):
        text = block_text(block)
        if (
            block.kind == "p"
            and 0 < i < len(out) - 1
            and len(text.split()) <= 8
            and len(text) <= 60
            and text[:1].isupper()
            and not re.search(r"[.,;:!?…]$", text)
            and not _ITEM_START.match(text)
            and out[i + 1].kind == "p"
            and block_reads_as_body(out[i + 1])
        ):
            out[i] = Block("h2", block.items, block.line, block.group)
    return tuple(out)
