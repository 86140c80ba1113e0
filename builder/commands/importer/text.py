"""Reading side of `broadsheet import`, part one: the neutral block model and plain text.

Both input shapes (plain text here, saved pages in `importer_html`) become the same
`Block`/`Inline` values, so site furniture is removed once (`clean`) and `importer.py`
only ever turns blocks into Markdown. Datelines live here because they are the heart of
the plain-text shape; the HTML reader reuses `parse_date` for the dates pages give.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass


class ImportFailure(Exception):
    """Why a file cannot be imported, with a hint the CLI prints under the error."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Inline:
    """A run of text, optionally a link: the only inline markup an import keeps."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """A body block; kind is "p", "h1".."h6", "quote", "ul" or "ol".

    Each item is one line of inlines: a paragraph or heading has one item, a quote one per
    quoted paragraph, a list one per list item.
    """

    kind: str
    items: tuple[tuple[Inline, ...], ...]


Date = datetime.date | datetime.datetime


@dataclass(frozen=True)
class Draft:
    """An article as read, before cleaning: the common shape of both input kinds."""

    title: str
    date: Date
    blocks: tuple[Block, ...]
    author: str | None = None
    url: str | None = None
    site_name: str | None = None


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


def inline_runs(item: tuple[Inline, ...]) -> list[tuple[str, str | None]]:
    """(text, href) runs: whitespace collapsed as a browser would, adjacent text merged,
    spaces moved out of link text, the ends trimmed, so rendering needs no more care."""
    flat: list[tuple[str, str | None]] = []
    for inline in item:
        text = ASCII_WS.sub(" ", inline.text)
        core = text.strip(" ")
        if inline.href and core:
            flat += [(text[: text.index(core)], None), (core, inline.href)]
            flat.append((" " if text.endswith(" ") else "", None))
        else:
            flat.append((text, None))
    runs: list[tuple[str, str | None]] = []
    for text, href in flat:
        if href is None and runs and runs[-1][1] is None:
            runs[-1] = (re.sub(" {2,}", " ", runs[-1][0] + text), None)
        else:
            runs.append((text, href))
    if runs and runs[0][1] is None:
        runs[0] = (runs[0][0].lstrip(), None)
    if runs and runs[-1][1] is None:
        runs[-1] = (runs[-1][0].rstrip(), None)
    return [(text, href) for text, href in runs if text]


def plain_text(item: tuple[Inline, ...]) -> str:
    """The text of one item as a reader sees it (links as their text)."""
    return "".join(text for text, _ in inline_runs(item))


# --- dates ----------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_PREFIX = r"(?:(?:published|posted|updated|date)(?:\s+on)?\s*:?\s+)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH_DAY = r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?"
_DAY_MONTH = r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>[a-z]{3,9})\.?,?"
_DATELINE = re.compile(
    rf"{_PREFIX}{_WEEKDAY}(?:{_MONTH_DAY}|{_DAY_MONTH})\s+(?P<y>\d{{4}})"
    r"(?:(?:,|\s+at|\s*[-–—|·])?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<tz>z|utc|gmt|[+-]\d{2}:?\d{2}))?)?\s*",
    re.I,
)


def parse_date(text: str, zone: datetime.tzinfo) -> Date | None:
    """A date, or an aware datetime (naive ones get `zone`), from ISO 8601, RFC 2822 or
    a common English dateline; None when text is not one."""
    text = text.strip()
    try:
        if re.match(r"\d{4}-\d{2}-\d{2}", text):
            if len(text) == 10:
                return datetime.date.fromisoformat(text)
            value = datetime.datetime.fromisoformat(text).replace(microsecond=0)
            return value if value.tzinfo else value.replace(tzinfo=zone)
        m = _DATELINE.fullmatch(text)
        if not m or (month := (m["mon"] or m["mon2"]).lower()) not in _MONTHS:
            return None
        day = datetime.date(int(m["y"]), _MONTHS[month], int(m["d"] or m["d2"]))
        if m["H"] is None:
            return day
        hour = int(m["H"]) % 12 + (12 if m["ampm"][0] in "pP" else 0) if m["ampm"] else int(m["H"])
        tz = zone
        if m["tz"]:
            offset = re.sub("(?i)utc|gmt", "Z", m["tz"]).upper()
            tz = datetime.datetime.strptime(offset, "%z").tzinfo or zone
        clock = datetime.time(hour, int(m["M"]), int(m["S"] or 0))
        return datetime.datetime.combine(day, clock, tzinfo=tz)
    except ValueError:
        return None


# --- site furniture -------------------------------------------------------------------

_ZONE_START = re.compile(  # everything from such a line on is site furniture
    r"(?:more (?:articles|stories|news|from .{1,40})|related(?: (?:articles|posts|stories|"
    r"news|content|coverage|reading|links))?|read (?:more|next|also)|you (?:may|might) also "
    r"like|recommended(?: for you)?|(?:most )?popular(?: now)?|trending(?: now)?|latest "
    r"(?:news|stories|articles|posts)|leave a (?:comment|reply)(?: cancel reply)?|"
    r"\d* ?comments?(?: \(\d+\))?|post a comment|join the discussion|add a comment|"
    r"please enter your comment!?)[:.]?",
    re.I,
)
_DROP_LINE = re.compile(  # single furniture lines, wherever they are
    r"(?:subscribe(?: now| today| here| for free)?|subscribe to (?:our|the|my) .{0,40}"
    r"(?:newsletter|channel|podcast|feed|updates|alerts|mailing list)|sign up (?:for|to) "
    r"(?:our|the) .{0,40}(?:newsletter|briefing|updates|alerts|emails?)|"
    r"your email address will not be published.*|required fields are marked.*|"
    r"(?:comment|name|e-?mail|website|url) ?\*?|save my name, email,? and website.*|"
    r"post comment|submit comment|notify me of .*|please enter your (?:name|email).*|"
    r"you have entered an incorrect email.*|this site is protected by recaptcha.*|"
    r"the recaptcha verification period has expired.*|share(?: this)?(?: (?:article|story|"
    r"post))?(?: on .{1,30})?|click to share on .*|follow us(?: on .{1,40})?|like this|"
    r"like loading.*|facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|print|"
    r"tumblr|pocket|threads|bluesky|mastodon|copy link|tweet|(?:copyright ?(?:©|\(c\)|"
    r"\d{4})|©).*|all rights reserved|advertisement(?: - .*)?|sponsored|(?:tags?|filed "
    r"under|categor(?:y|ies)):.*|(?:read more|read also|also read|see also|related): .+)"
    r"[.!:…]?",
    re.I,
)
_ITEM_START = re.compile(r"(?:[-*+•]|\d+[.)])\s")
_BYLINE_LINE = re.compile(r"(?i:(?:written )?by)\s+([A-Z][^.!?]{1,60})")
_DATE_HINT = "start the file with a dateline such as 'Sunday, June 23, 2024' or '2024-06-23'"


def _label(line: str) -> str:
    """A line as boilerplate patterns see it: list markers and arrows stripped."""
    return collapse(line.lstrip("›»•·|>*#–—-+ \t"))


def read_text(text: str, zone: datetime.tzinfo) -> Draft:
    """Dateline, headline, then paragraphs; the boilerplate zone and lines are dropped.

    Paragraphs are separated by blank lines (lines inside one are hard-wrapped and
    joined); a body with no blank lines at all has one paragraph per line. `text` is
    decoded, newline-normalised and not blank.
    """
    lines = [line.strip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    date = parse_date(lines[filled[0]], zone)
    if date is None:
        found = lines[filled[0]][:60]
        raise ImportFailure(f"no date found: {found!r} is not a dateline", hint=_DATE_HINT)
    if len(filled) < 2 or len(lines[filled[1]]) > 300:
        message = "no headline found on the line after the dateline"
        raise ImportFailure(message, hint="put the headline on its own line after the dateline")
    body: list[str | None] = []  # "" is a blank line, None a dropped boilerplate line
    for raw in lines[filled[1] + 1 :]:
        if _ZONE_START.fullmatch(_label(raw)):
            break
        body.append(None if raw and _DROP_LINE.fullmatch(_label(raw)) else raw)
    kept = [i for i, kept_line in enumerate(body) if kept_line]
    one_per_line = not kept or "" not in body[kept[0] : kept[-1]]
    paragraphs: list[list[str]] = [[]]
    for line in body:  # a line that starts like a list item also starts a paragraph
        if not line or (one_per_line and paragraphs[-1]) or _ITEM_START.match(line):
            paragraphs.append([])
        if line:
            paragraphs[-1].append(line)
    blocks = tuple(Block("p", ((Inline(" ".join(p)),),)) for p in paragraphs if p)
    return Draft(collapse(lines[filled[1]]), date, blocks)


def clean(
    blocks: Sequence[Block], title: str, zone: datetime.tzinfo
) -> tuple[tuple[Block, ...], str | None]:
    """Drop furniture, stop at a trailing zone; before the first paragraph also drop a
    repeated headline or dateline and lift a "By …" line as the author.

    Runs on the blocks of both input shapes: pages carry the same share lines, comment
    forms and "More articles" tails as pasted text does.
    """
    out: list[Block] = []
    author = None
    for block in blocks:
        items = tuple(
            i for i in block.items if (t := plain_text(i)) and not _DROP_LINE.fullmatch(_label(t))
        )
        text = plain_text(items[0]) if items else ""
        if not items or (block.kind == "h1" and title_key(text) == title_key(title)):
            continue
        if block.kind not in ("ul", "ol", "quote") and _ZONE_START.fullmatch(_label(text)):
            break
        if not out and (
            title_key(text) == title_key(title) or len(text) < 60 and parse_date(text, zone)
        ):
            continue
        if not out and author is None and (m := _BYLINE_LINE.fullmatch(text)):
            author = m.group(1).strip()
            continue
        out.append(Block("h2" if block.kind == "h1" else block.kind, items))
    return tuple(out), author
