"""The data that flows between pipeline stages: plain frozen dataclasses.

Stages never share a mutable dict of settings; each receives exactly these
values, which keeps every stage a function that can be tested alone, cached
by content hash, and run in another process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Generic, Protocol, TypeVar

# The settings and the front matter types are defined in their own modules; this one
# is where every stage imports the data between stages from (hence `__all__`).
from builder.core.errors import SourceChanged
from builder.core.meta import (
    ArticleMeta,
    EditionNote,
    FrontMatter,
    Headed,
    Item,
    LinkMeta,
    Meta,
    OutLink,
    OwnPage,
    PageMeta,
    Source,
)
from builder.core.settings import (
    AuthorInfo,
    BuildOptions,
    ContentConfig,
    EditionOptions,
    FeedOptions,
    FeedsConfig,
    LinksConfig,
    MarkdownConfig,
    Numbering,
    Permalinks,
    SiteConfig,
    config_fingerprint,
)

__all__ = [
    "ArchiveMonth",
    "ArchiveYear",
    "Article",
    "ArticleMeta",
    "Author",
    "AuthorInfo",
    "BuildOptions",
    "ContentConfig",
    "Edition",
    "EditionNote",
    "EditionOptions",
    "Entry",
    "FeedOptions",
    "FeedsConfig",
    "FrontMatter",
    "Headed",
    "HtmlStore",
    "Item",
    "Link",
    "LinkItem",
    "LinkMeta",
    "LinksConfig",
    "Listed",
    "MarkdownConfig",
    "Meta",
    "Numbering",
    "OutLink",
    "OutputFile",
    "OwnPage",
    "Page",
    "PageMeta",
    "Permalinks",
    "Rendered",
    "Section",
    "Site",
    "SiteConfig",
    "Source",
    "SourceFile",
    "StoredHtml",
    "Tag",
    "TagRef",
    "TocEntry",
    "config_fingerprint",
]


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceFile:
    """A file under content/. `rel` is relative to the site root.

    `data` is empty when discovery vouched for the file by its stat alone
    (size, mtime, inode unchanged since the hash was taken): most builds
    never need the bytes of unchanged files. `content()` reads them then.
    """

    rel: str
    data: bytes
    sha256: str
    path: str = field(default="", compare=False)  # absolute, for reading later
    stat: tuple[int, ...] = field(default=(), compare=False)  # size, mtime_ns, inode; or ()
    loaded: bool = field(default=True, compare=False)

    def content(self) -> bytes:
        """The file's bytes, read now if discovery did not keep them.

        Raises SourceChanged if the file has gone since discovery listed it.
        """
        if self.loaded:
            return self.data
        try:
            with open(self.path, "rb") as handle:
                return handle.read()
        except FileNotFoundError as exc:
            raise SourceChanged(self.rel) from exc

    @property
    def kind(self) -> str:
        """article | page | edition | asset, from where the file sits."""
        if not self.rel.endswith(".md"):
            return "asset"
        parts = self.rel.split("/")
        if len(parts) == 3 and parts[1] == "pages":
            return "page"
        if len(parts) == 3 and parts[1] == "editions":
            return "edition"
        return "article"


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


class HtmlStore(Protocol):
    """Where body HTML waits outside memory: the build cache (cache.HtmlReader)."""

    def read_html(self, key: str) -> str: ...  # OSError when it cannot be read


@dataclass(frozen=True)
class StoredHtml:
    """A body HTML left in the build cache: an incremental build of 10,000 articles then
    neither reads nor holds 80 MB of HTML it does not need. `load()` is the I/O."""

    store: HtmlStore = field(compare=False)
    key: str  # the cache key: it names the content, so it alone decides equality

    def load(self) -> str:
        """Read the HTML from the cache now (a database read; the result is not kept)."""
        return self.store.read_html(self.key)


@dataclass(frozen=True)
class Rendered:
    """Markdown turned into HTML: everything a template needs from the body."""

    body: str | StoredHtml  # the body HTML, or where in the cache it waits
    summary_html: str
    toc: tuple[TocEntry, ...]
    words: int
    reading_minutes: int

    @property
    def html(self) -> str:
        """The body HTML; for a StoredHtml body, a cache read on every access."""
        body = self.body
        return body if isinstance(body, str) else body.load()


# --------------------------------------------------------------------------
# The site model
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """A reference to another page: enough to draw a link, no more."""

    title: str
    url: str


@dataclass(frozen=True)
class TagRef:
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class Article:
    """A published article, placed in the site."""

    is_link: ClassVar[bool] = False  # for templates, which cannot ask isinstance
    meta: ArticleMeta
    rendered: Rendered
    url: str  # site path, starting with base_path
    out_path: str  # file inside output/, e.g. 2024/06/slug/index.html
    tags: tuple[TagRef, ...]
    key: str  # digest of everything lists show of this article
    edition: Link | None = None
    prev: Link | None = None  # older
    next: Link | None = None  # newer
    related: tuple[Link, ...] = ()
    page_key: str = ""  # key + neighbours: a digest of everything its own page shows

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def date(self) -> dt.datetime:
        return self.meta.date


@dataclass(frozen=True)
class LinkItem:
    """A published link item: in the lists, tags, feeds and its edition, with no page."""

    is_link: ClassVar[bool] = True
    meta: LinkMeta
    rendered: Rendered  # its comment
    url: str  # absolute: where it points (without tracking parameters, by default)
    tags: tuple[TagRef, ...]
    key: str  # digest of everything lists show of it
    edition: Link | None = None
    anchor: str = ""  # the id of its card on every page showing it, unique in the site

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def found_at(self) -> str:
        """Where a reader finds it (its search result): its card on its edition's page, a
        place that does not move; in no edition, where it points, as its headline does
        (the front and tag pages it is on shift as items are added)."""
        return f"{self.edition.url}#{self.anchor}" if self.edition else self.url

    @property
    def date(self) -> dt.datetime:
        return self.meta.date

    @property
    def host(self) -> str:
        """`example.org`: where the link leads, shown beside its headline."""
        host = self.url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
        return host.lower().removeprefix("www.")


# An item of the site's lists (Site.articles): an article or a link item.
Listed = Article | LinkItem


@dataclass(frozen=True)
class Page:
    """A page of content/pages/, placed in the site: in the navigation, in no list or feed."""

    meta: PageMeta
    rendered: Rendered
    url: str  # site path, starting with base_path
    out_path: str  # file inside output/, e.g. about/index.html
    key: str  # digest of everything its page shows

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    url: str
    articles: tuple[int, ...]  # indexes into Site.articles, newest first


@dataclass(frozen=True)
class Section:
    """A part of an edition: its featured items, a section of the editor's, or More."""

    name: str
    slug: str  # an in-page anchor
    url: str | None  # the tag page of the same name, if there is one
    items: tuple[int, ...]  # indexes into Site.articles, newest first


@dataclass(frozen=True)
class Edition:
    """The articles of one period (an ISO week by default).

    It is open until its period ends in the site time zone (by the build's
    clock) or its note says `closed: true`; an open edition reaches no feed,
    banner or email.
    """

    id: str  # 2024-w25 or 2024-06
    title: str  # "Week 25, 2024", or "No. 128" when numbered
    span: str  # "17–23 June 2024"
    start: dt.date
    end: dt.date
    url: str
    out_path: str
    articles: tuple[int, ...]  # in reading order: featured, then section by section
    note_title: str | None = None
    note_html: str = ""
    note_key: str = ""
    prev: Link | None = None
    next: Link | None = None
    number: int | None = None
    open: bool = False
    closes: dt.datetime | None = None  # the end of its period (site time zone)
    sections: tuple[Section, ...] = ()
    credits: tuple[str, ...] = ()  # the `via:` names of its items, first seen first

    @property
    def heading(self) -> str:
        """`No. 128 · 9–15 November 2026`; an unnumbered title names its period already."""
        return f"{self.title} · {self.span}" if self.number is not None else self.title


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    name: str  # "June 2024"
    url: str
    articles: tuple[int, ...]


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    url: str
    months: tuple[ArchiveMonth, ...]
    articles: tuple[int, ...]


@dataclass(frozen=True)
class Author:
    """An author of `authors:` placed in the site: their page and their articles."""

    name: str
    slug: str
    url: str  # site path of their page
    bio: str
    link: str  # their own site, or ""
    articles: tuple[int, ...]  # indexes into Site.articles, newest first


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Listed, ...]  # articles and link items, newest first
    pages: tuple[Page, ...]
    tags: tuple[Tag, ...]  # by name
    editions: tuple[Edition, ...]  # newest first
    years: tuple[ArchiveYear, ...]  # newest first
    assets: tuple[SourceFile, ...]
    build_date: dt.datetime
    left_out: tuple[str, ...] = ()  # "2 drafts", "1 scheduled"
    # The next moment the clock changes the site: a scheduled article comes due
    # or an open edition closes. The no-change shortcut rebuilds from then on.
    next_due: dt.datetime | None = None
    authors: tuple[Author, ...] = ()  # those of `authors:` in site.yaml, in its order


@dataclass(frozen=True)
class OutputFile:
    """A file of the built site. `data` is None when the previous copy is reused."""

    rel_path: str
    data: bytes | None
    fingerprint: str


M = TypeVar("M", bound=FrontMatter)


@dataclass(frozen=True)
class Entry(Generic[M]):
    """A Markdown source after front matter and Markdown (read: Entry[Meta]), to be placed."""

    sha256: str
    meta: M
    rendered: Rendered
