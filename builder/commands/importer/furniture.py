"""Site furniture: what a saved article carries that is not the article, and the one sweep
that removes it from the blocks of both readers, accounting for every piece.

Two kinds of removal, told apart because only one of them can lose text:

- A known wording ("› Subscribe", a comment form, the reCAPTCHA notice, a share bar) is
  furniture wherever it stands, and is removed without a warning.
- A link block ("Read more:", "Related", "More Articles", "Popular") removes what follows
  its heading only while that reads like a list of links: a heading with its list in the
  same paragraph removes that list, a heading on its own removes the link-like paragraphs
  after it, and the first paragraph that reads like body text (or a subhead) ends the
  block, so the article goes on. A comment section ("3 Comments", "Leave a Reply") ends
  the article. These removals are guesses: the report flags any that reads like body text
  and the CLI warns about it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from builder.commands.importer.bylines import read_byline
from builder.commands.importer.dates import parse_date
from builder.commands.importer.model import Block, Removal, block_text, plain_text, title_key

_LINES: tuple[tuple[str, str], ...] = (  # (reason, wording), matched against a whole line
    (
        "subscribe prompt",
        r"subscribe(?: now| today| here| for free)?|subscribe to (?:our|the|my)"
        r" .{0,40}(?:newsletter|channel|podcast|feed|updates|alerts|mailing list)|sign up (?:for"
        r"|to) (?:our|the) .{0,40}(?:newsletter|briefing|updates|alerts|emails?)|get the .{0,30}"
        r"newsletter|already a subscriber\?.*|sign in|log in|register",
    ),
    (
        "share bar",
        r"(?:share|partager|teilen|compartir|condividi)(?: this)?(?: (?:article|story|"
        r"post|page))?(?: on .{1,30})?(?:\s*:?\s*(?:(?:facebook|twitter|x|linkedin|whatsapp|email|"
        r"telegram|reddit|print|copy link)[ ,|·•/]*)+)?|click to "
        r"(?:share|email|print) .*|like this|like loading.*|facebook|twitter|x|linkedin|whatsapp|"
        r"telegram|reddit|pinterest|print|email|e-mail this|tumblr|pocket|threads|bluesky|"
        r"mastodon|copy link|link copied|tweet|(?:(?:facebook|twitter|x|linkedin|whatsapp|email|"
        r"telegram|reddit|print|copy link)[ ,|·•/]+){1,8}(?:facebook|twitter|x|linkedin|whatsapp|"
        r"email|telegram|reddit|print|copy link)",
    ),
    (
        "comment form",
        r"your email address will not be published.*|required fields are marked"
        r".*|(?:comment|name|e-?mail|website|url) ?\*?|save my name, email,? and website.*|post"
        r" comment|submit comment|notify me of .*|please enter your (?:comment|name|email).*|you "
        r"have entered an incorrect email.*|cancel reply|reply",
    ),
    (
        "reCAPTCHA notice",
        r"this site is protected by recaptcha.*|the recaptcha verification "
        r"period has expired.*",
    ),
    (
        "follow prompt",
        r"follow us(?: on .{1,40})?|follow .{1,30} on (?:twitter|x|facebook|"
        r"instagram|telegram|google news)",
    ),
    ("copyright line", r"(?:copyright ?(?:©|\(c\)|\d{4})|©).*|all rights reserved\.?"),
    (
        "advertisement",
        r"advertisement(?: - .*)?|ad|sponsored(?: content)?|scroll to continue"
        r"(?: with content)?|continue reading below",
    ),
    (
        "cookie notice",
        r"(?:we|this (?:site|website)) uses? cookies.*|accept(?: all)? cookies|"
        r"reject all|cookie (?:settings|preferences|policy)|manage (?:cookies|preferences)",
    ),
    (
        "navigation",
        r"home|menu|skip to (?:main )?content|back to top|search|close|next|"
        r"previous|(?:home|news|world)\s*[›»>/|].*|listen to this article|\d+ min(?:ute)? read",
    ),
    ("category line", r"(?:filed under|categor(?:y|ies)|posted in|section):.*"),
)
_FURNITURE = tuple((reason, re.compile(rx, re.I)) for reason, rx in _LINES)
_TAGS_LINE = re.compile(r"(?:tags?|topics?|keywords?)\s*:\s*(?P<tags>.+)", re.I)
_HEADINGS = re.compile(  # the heading of a link block
    r"more (?:articles|stories|news|from .{1,40}|on this (?:story|topic))|related(?: (?:"
    r"articles|posts|stories|news|content|coverage|reading|links|topics))?|read (?:more|next"
    r"|also)|also read|see also|further reading|you (?:may|might) also like|recommended(?: "
    r"for you| stories)?|(?:most )?(?:popular|read|viewed|shared)(?: now| stories| today)?|"
    r"trending(?: now| stories)?|latest(?: (?:news|stories|articles|posts|videos))?|top "
    r"stories|editor'?s? picks|comments",
    re.I,
)
_COMMENTS = re.compile(  # the heading of a comment section, which ends the article
    r"\d+ comments?|comments? \(\d+\)|leave a (?:comment|reply)(?: cancel reply)?|post a "
    r"comment|join the (?:discussion|conversation)|add a comment|what do you think\?",
    re.I,
)
_LINK_LINE = re.compile(  # one link to another article, written in the body
    r"(?:read (?:more|also|next)|also read|see also|related|recommended|watch|listen|more)"
    r"\s*[:›»|]\s*(?P<link>.+)",
    re.I,
)
_MARKERS = "›»•·|>*#–—-+ \t"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def label(text: str) -> str:
    """A line as furniture wordings see it: list markers and arrows stripped, one line."""
    return " ".join(text.lstrip(_MARKERS).split()).rstrip(".!:…") or text.strip()


def furniture(text: str) -> str | None:
    """The reason a line is known site furniture, or None."""
    seen = label(text)
    return next((reason for reason, rx in _FURNITURE if rx.fullmatch(seen)), None)


def source_tags(text: str) -> tuple[str, ...] | None:
    """The tags a "Tags: a, b" line gives, or None for any other line."""
    m = _TAGS_LINE.fullmatch(label(text))
    if not m:
        return None
    found = re.split(r"\s*[,;|•·]\s*|\s+#", m["tags"].strip().lstrip("#"))
    return tuple(dict.fromkeys(t.strip(" #.") for t in found if t.strip(" #.")))


def heading_kind(text: str) -> str | None:
    """ "links" for a link-block heading, "comments" for a comment-section heading."""
    seen = label(text)
    if _COMMENTS.fullmatch(seen):
        return "comments"
    return "links" if _HEADINGS.fullmatch(seen) else None


def body_like(text: str) -> bool:
    """Reads like article text: a sentence of six words or more, or a long run of words."""
    count = len(text.split())
    return count >= 20 or (count >= 6 and _SENTENCE_END.search(text.strip()) is not None)


def block_reads_as_body(block: Block) -> bool:
    """A block with any item that reads like body text."""
    return any(body_like(plain_text(item)) for item in block.items)


@dataclass(frozen=True)
class Swept:
    """The blocks left after the sweep, what was removed, and what the removals gave."""

    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...]
    author: str | None
    tags: tuple[str, ...]


def sweep(blocks: Sequence[Block], title: str, zone: datetime.tzinfo) -> Swept:
    """Remove furniture and link blocks, a repeated headline, dateline or byline at the top,
    lifting "Tags:" lines as tags; every removal is accounted for."""
    out: list[Block] = []
    removals: list[Removal] = []
    author: str | None = None
    tags: list[str] = []
    block_of: tuple[str, str, int] | None = None  # (kind, heading, group or -1)

    def drop(block: Block, reason: str, guess: bool = False, kept_as: str = "") -> None:
        removals.append(Removal(block.line, block_text(block), reason, kept_as, guess))

    for at, block in enumerate(blocks):
        text = block_text(block)
        single = block.kind not in ("ul", "ol", "quote", "table")
        if block_of and block_of[0] == "comments":
            drop(block, f"comments, after “{block_of[1]}”", guess=True)
            continue
        if block_of and (
            block.group == block_of[2]
            or block_of[2] < 0
            and not (block_reads_as_body(block) or block.kind[0] == "h" or block.kind == "image")
        ):
            drop(block, f"link under “{block_of[1]}”", guess=True)
            continue
        block_of = None
        if single and (reason := furniture(text)):
            drop(block, reason)
            continue
        if single and (found := source_tags(text)) is not None:
            tags.extend(found)
            drop(block, "the source's tags", kept_as="tags")
            continue
        if single and (kind := heading_kind(text)):
            nxt = blocks[at + 1] if at + 1 < len(blocks) else None
            group = block.group if nxt and nxt.group == block.group else -1
            block_of = (kind, label(text), group)
            drop(block, "comment section heading" if kind == "comments" else "link block heading")
            continue
        if single and _LINK_LINE.fullmatch(label(text)) and not body_like(text):
            drop(block, "link to another article", guess=True)
            continue
        if not any(b.kind in ("p", "ul", "ol", "quote") for b in out):  # still at the top
            if single and title_key(text) == title_key(title):
                drop(block, "headline, repeated")
                continue
            if single and len(text) < 80 and parse_date(text, zone):
                drop(block, "dateline (the date the page gives is used)")
                continue
            if single and author is None and (found_by := read_byline(text)):
                author = found_by.author
                drop(block, "byline", kept_as="source.author")
                removals.extend(Removal(block.line, x, "byline location") for x in found_by.dropped)
                continue
        items = []
        for item in block.items:  # lists and quotes: drop furniture items one by one
            if not single and (reason := furniture(plain_text(item))):
                removals.append(Removal(block.line, plain_text(item), reason))
            elif plain_text(item) or block.kind in ("image", "table"):
                items.append(item)
        if items:
            out.append(
                Block(block.kind, tuple(items), block.line, block.group, block.columns, block.src)
            )
    return Swept(tuple(out), tuple(removals), author, tuple(dict.fromkeys(tags)))
