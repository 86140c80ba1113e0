"""The data that flows between pipeline stages: plain frozen dataclasses.

Stages never share a mutable dict of settings; each receives exactly these
values, which keeps every stage a function that can be tested alone, cached
by content hash, and run in another process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
    stat: tuple[int, int, int] = field(default=(), compare=False)  # size, mtime_ns, inode
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


@dataclass(frozen=True)
class ArticleMeta:
    """Validated front matter plus the body it introduced."""

    path: str  # site-relative source path, for diagnostics
    kind: str  # article | page | edition
    title: str
    date: dt.datetime | None  # aware, in the site time zone; None for pages
    updated: dt.datetime | None
    tags: tuple[tuple[str, int], ...]  # (tag as written, line)
    summary: str | None
    slug: str
    draft: bool
    source: Source | None
    authors: tuple[str, ...]
    image: str | None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    body: str = ""
    body_line: int = 1  # file line where the body starts
    title_line: int = 1
    slug_line: int = 1


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    """Markdown turned into HTML: everything a template needs from the body.

    The body HTML may stay in the build cache until a page that shows it is
    rendered (`html_source`): an incremental build of 10,000 articles then
    neither reads nor holds 80 MB of HTML it does not need.
    """

    stored_html: str  # "" when html_source supplies it
    summary_html: str
    toc: tuple[TocEntry, ...]
    words: int
    reading_minutes: int
    html_source: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def html(self) -> str:
        if self.html_source is not None and not self.stored_html:
            return self.html_source()
        return self.stored_html


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
    """A published article or page, placed in the site."""

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
    def date(self) -> dt.datetime | None:
        return self.meta.date


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
    pages: tuple[Article, ...]
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


@dataclass(frozen=True)
class Entry:
    """A Markdown source after front matter and Markdown: what site.py assembles."""

    sha256: str
    meta: ArticleMeta
    rendered: Rendered


def config_fingerprint(config: SiteConfig) -> str:
    """A stable text of every setting, so cached pages notice any config change."""
    values: dict[str, Any] = {
        k: v for k, v in vars(config).items() if k not in ("root", "config_path", "output_dir")
    }
    return repr(sorted(values.items()))
