"""The settings a build runs with: site.yaml as SiteConfig, the command line as BuildOptions.

Frozen values like the rest of core/models.py (which re-exports them, the one
import point of the data between stages): config.py makes a SiteConfig from
site.yaml, and every stage receives it whole, never a dict of settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
    authors: FeedOptions = FeedOptions(limit=10)


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
class Numbering:
    """`editions.numbering`: the edition holding `first_day` is No. `start`.

    Numbers count periods from there (not editions), so an article added to
    an old week, even one that had no edition yet, never renumbers the later
    ones; a note's `number:` starts the count afresh from its edition.
    """

    first_day: dt.date
    start: int = 1


@dataclass(frozen=True)
class EditionOptions:
    """How editions are run, beside their period (`SiteConfig.editions`)."""

    show_open: bool = False  # show the open edition as "this week so far"
    numbering: Numbering | None = None  # None: editions have no numbers
    sections: tuple[str, ...] = ()  # the editor's order; () groups by first tag


@dataclass(frozen=True)
class LinksConfig:
    """Link hygiene: repeats across recent editions, tracking parameters."""

    window: int = 8  # editions back a link is compared with; 0 for none
    strip_tracking: bool = True  # drop utm_* and friends from published links


@dataclass(frozen=True)
class ContentConfig:
    """What content/ may publish. Contributors' files are untrusted (docs/security.md)."""

    allow_active: bool = False  # .html/.js files and SVGs with scripts


@dataclass(frozen=True)
class AuthorInfo:
    """An entry of `authors:` in site.yaml: a byline with this name links to its page."""

    name: str
    bio: str = ""
    url: str = ""  # their own site, shown on their page


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
    search: bool  # write a Pagefind index and the /search/ page
    authors: tuple[AuthorInfo, ...]  # empty: bylines stay plain text, no author pages
    # With defaults, last: code and tests build a SiteConfig without them.
    content: ContentConfig = ContentConfig()
    edition_options: EditionOptions = EditionOptions()
    links: LinksConfig = LinksConfig()

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
    # serve, after an edit: keep the last build's search index parts where they are out of
    # date, so the page is served without waiting for Pagefind; a build without it (serve's
    # catch-up once the edits stop) brings them up to date. Never for a published build.
    search_later: bool = False


def config_fingerprint(config: SiteConfig) -> str:
    """A stable text of every setting, so cached pages notice any config change."""
    values: dict[str, Any] = {
        k: v for k, v in vars(config).items() if k not in ("root", "config_path", "output_dir")
    }
    return repr(sorted(values.items()))
