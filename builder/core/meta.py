"""What front matter reading makes of a Markdown source: a type per kind of source.

Its folder says article, page or note (SourceFile.kind), and an article's
`link:` makes it a link item; so no later stage asks "is this a page?" or
"has it a date?". Re-exported by core/models.py, the one import point of the
data between stages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from builder.core.urls import normalise_url


@dataclass(frozen=True)
class Source:
    """The original article being curated."""

    url: str
    name: str = ""
    author: str = ""
    date: dt.date | None = None
    # urls.normalise_url(url), computed once at parse time: how duplicate
    # sources are spotted. Derived from url, so not part of equality.
    key: str = field(default="", compare=False)


# Front matter: a type per kind of Markdown source (its folder says which: SourceFile.kind),
# so no later stage asks "is this a page?" or "has it a date?".
@dataclass(frozen=True, kw_only=True)
class FrontMatter:
    """What every Markdown source has: where it is, and the body below its front matter."""

    path: str  # site-relative source path, for diagnostics
    summary: str | None  # as written; rendered with the body (Rendered.summary_html)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    body: str = ""
    body_line: int = 1  # file line where the body starts


@dataclass(frozen=True)
class OutLink:
    """A link to another site, where its source file writes it: what link hygiene compares."""

    url: str  # as written
    line: int
    col: int
    curated: bool = False  # the item's own `source:` or `link:`, not a link in its text
    # urls.normalise_url(url), computed when the link is read (in the Markdown workers) and
    # cached with it, so that the repeat check of every build does not parse every link again.
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", normalise_url(self.url))


@dataclass(frozen=True, kw_only=True)
class Headed(FrontMatter):
    """The front matter of a source with a headline: an article, a page or a link item."""

    title: str
    updated: dt.datetime | None
    slug: str
    draft: bool
    lang: str | None = None  # a BCP 47 tag; None: the site's `language`
    title_line: int = 1
    slug_line: int = 1


@dataclass(frozen=True, kw_only=True)
class OwnPage(Headed):
    """The front matter of a source published at a URL of its own: an article or a page."""

    authors: tuple[str, ...]
    image: str | None


@dataclass(frozen=True, kw_only=True)
class Item:
    """What an item of the lists, feeds and editions has: an article or a link item."""

    date: dt.datetime  # aware, in the site time zone
    tags: tuple[tuple[str, int], ...]  # (tag as written, line)
    section: str | None = None  # a name of editions.sections
    section_at: tuple[int, int] = (1, 1)  # line and column of `section:`
    featured: bool = False  # at the top of its edition
    via: str | None = None  # who pointed the editors to it, for "Thanks to …"
    links: tuple[OutLink, ...] = ()  # its links to other sites, curated one first


@dataclass(frozen=True, kw_only=True)
class ArticleMeta(OwnPage, Item):
    """An article: dated, tagged, often the curation of a source."""

    source: Source | None


@dataclass(frozen=True, kw_only=True)
class LinkMeta(Headed, Item):
    """A link item: a `link:` with a headline and at most a short comment, and no page of
    its own; it is listed, fed and put in its edition like an article."""

    link: str  # the URL it points at, as written


@dataclass(frozen=True, kw_only=True)
class PageMeta(OwnPage):
    """A page of content/pages/ (About, Contact): in no list, feed or edition."""

    date: dt.datetime | None  # optional; it dates the page in the sitemap


@dataclass(frozen=True, kw_only=True)
class EditionNote(FrontMatter):
    """The editor's note of an edition, content/editions/<id>.md: shown atop its edition."""

    title: str | None  # None: the edition keeps its own title alone
    closed: bool = False  # closed before its period ends: it goes out now
    number: int | None = None  # the edition's number, counting on from here
    number_at: tuple[int, int] = (1, 1)  # line and column of `number:`

    @property
    def id(self) -> str:
        """The edition it belongs to, from the file name: `2024-w25`, `2024-06`."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


# What front matter reading makes of a Markdown source: its folder says article, page or
# note, and an article's `link:` makes it a link item.
Meta = ArticleMeta | LinkMeta | PageMeta | EditionNote
