"""The data that flows between pipeline stages: plain frozen dataclasses.

Stages never share a mutable dict of settings; each receives exactly these
values, which keeps every stage a function that can be tested alone, cached
by content hash, and run in another process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedOptions:
    """One feed's switches; `limit` 0 means every item."""

    enabled: bool = True
    limit: int = 20
    full_content: bool = True


@dataclass(frozen=True)
class FeedsConfig:
    rss: FeedOptions = FeedOptions()
    atom: FeedOptions = FeedOptions()
    json: FeedOptions = FeedOptions()
    tags: FeedOptions = FeedOptions(limit=10)
    editions: FeedOptions = FeedOptions(limit=10)


@dataclass(frozen=True)
class MarkdownConfig:
    raw_html: str = "sanitize"  # sanitize | allow | escape
    highlight: bool = True
    style_light: str = "friendly"
    style_dark: str = "monokai"
    words_per_minute: int = 220


@dataclass(frozen=True)
class Permalinks:
    """URL patterns relative to base_url; each ends in `/` (a folder with index.html)."""

    article: str = "{year}/{month}/{slug}/"
    page: str = "{slug}/"
    tag: str = "tags/{tag}/"
    edition: str = "editions/{edition}/"


@dataclass(frozen=True)
class ContentConfig:
    """What content/ may publish. Contributors' files are untrusted (docs/security.md)."""

    allow_active: bool = False  # .html/.js files and SVGs with scripts


@dataclass(frozen=True)
class SiteConfig:
    root: Path  # the folder holding site.yaml
    config_path: Path
    title: str
    description: str
    base_url: str  # absolute, exactly one trailing slash
    language: str
    timezone: str  # IANA name
    author: str
    theme: str
    paginate: int
    permalinks: Permalinks
    feeds: FeedsConfig
    markdown: MarkdownConfig
    editions: str  # week | month | off
    related: int
    output_dir: Path
    content: ContentConfig = ContentConfig()  # last: built by code and tests without it

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def base_path(self) -> str:
        """The path part of base_url ('/' or '/sub/'), for links inside the site."""
        rest = self.base_url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked for; separate from the site's own config."""

    drafts: bool = False
    future: bool = False
    strict: bool = False
    jobs: int = 0  # 0 = every core
    cache_dir: Path | None = None  # None = no cache
    now: dt.datetime | None = None  # for "future" checks; None = wall clock


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
        """The file's bytes, read now if discovery did not keep them."""
        if self.loaded:
            return self.data
        with open(self.path, "rb") as handle:
            return handle.read()

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


@dataclass(frozen=True, kw_only=True)
class OwnPage(FrontMatter):
    """The front matter of a source published at a URL of its own: an article or a page."""

    title: str
    updated: dt.datetime | None
    slug: str
    draft: bool
    authors: tuple[str, ...]
    image: str | None
    title_line: int = 1
    slug_line: int = 1


@dataclass(frozen=True, kw_only=True)
class ArticleMeta(OwnPage):
    """An article: dated, tagged, often the curation of a source."""

    date: dt.datetime  # aware, in the site time zone
    tags: tuple[tuple[str, int], ...]  # (tag as written, line)
    source: Source | None


@dataclass(frozen=True, kw_only=True)
class PageMeta(OwnPage):
    """A page of content/pages/ (About, Contact): in no list, feed or edition."""

    date: dt.datetime | None  # optional; it dates the page in the sitemap


@dataclass(frozen=True, kw_only=True)
class EditionNote(FrontMatter):
    """The editor's note of an edition, content/editions/<id>.md: shown atop its edition."""

    title: str | None  # None: the edition keeps its own title alone

    @property
    def id(self) -> str:
        """The edition it belongs to, from the file name: `2024-w25`, `2024-06`."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


# What front matter reading makes of a Markdown source. A fourth kind (a link item: listed,
# in feeds and editions, with no page of its own) is a class here and a placed type beside
# Article in Site.articles; mypy then points at every consumer that must decide about it.
Meta = ArticleMeta | PageMeta | EditionNote


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
class Edition:
    """The articles of one period (an ISO week by default)."""

    id: str  # 2024-w25 or 2024-06
    title: str  # "Week 25, 2024"
    span: str  # "17–23 June 2024"
    start: dt.date
    end: dt.date
    url: str
    out_path: str
    articles: tuple[int, ...]
    note_title: str | None = None
    note_html: str = ""
    note_key: str = ""
    prev: Link | None = None
    next: Link | None = None


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
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    pages: tuple[Page, ...]
    tags: tuple[Tag, ...]  # by name
    editions: tuple[Edition, ...]  # newest first
    years: tuple[ArchiveYear, ...]  # newest first
    assets: tuple[SourceFile, ...]
    build_date: dt.datetime
    left_out: tuple[str, ...] = ()  # "2 drafts", "1 scheduled"
    next_due: dt.datetime | None = None  # when the next scheduled article is due


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


def config_fingerprint(config: SiteConfig) -> str:
    """A stable text of every setting, so cached pages notice any config change."""
    values: dict[str, Any] = {
        k: v for k, v in vars(config).items() if k not in ("root", "config_path", "output_dir")
    }
    return repr(sorted(values.items()))
