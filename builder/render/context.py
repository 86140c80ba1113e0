"""What templates see: the values a page is rendered with, beyond the site model itself.

Every template gets `site` (SiteInfo) and `page` (PageInfo); list pages add
`pagination`, edition pages `groups`. These are frozen values documented in
docs/themes.md, so a theme never depends on how the build computes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby

from builder.core.models import ArchiveMonth, Article, Edition, Link, Site
from builder.core.paths import SiteLayout
from builder.render.formats import plain_text

OTHER = "Other"  # the group of an edition's untagged articles


@dataclass(frozen=True)
class FeedLink:
    """A `<link rel="alternate">` of a page: a feed that follows it."""

    title: str
    url: str  # absolute
    type: str  # MIME type


@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    base_url: str
    base_path: str
    language: str
    author: str
    nav: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]  # the site-wide feeds, linked from every page


@dataclass(frozen=True)
class PageInfo:
    title: str
    description: str
    url: str
    canonical: str
    kind: str
    feeds: tuple[FeedLink, ...] = ()  # the feeds of this page's tag or of the editions
    image: str | None = None
    json_ld: str = ""


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class EditionGroup:
    """The articles of an edition that share a first tag; `slug` is an in-page anchor."""

    name: str
    slug: str
    url: str | None  # the tag page; None for the untagged group
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class MonthGroup:
    """A month of a year page, with its articles resolved."""

    month: ArchiveMonth
    articles: tuple[Article, ...]


def site_info(site: Site, layout: SiteLayout, feeds: tuple[FeedLink, ...]) -> SiteInfo:
    """`site` in templates: the config values themes show, the navigation and the site feeds."""
    config = site.config
    nav = [Link("Latest", layout.home)]
    if site.editions:
        nav.append(Link("Editions", layout.editions_index))
    nav += [Link("Archive", layout.archive), Link("Tags", layout.tags_index)]
    nav += [Link(p.title, p.url) for p in site.pages]
    return SiteInfo(config.title, config.description, config.base_url, layout.base_path,
                    config.language, config.author, tuple(nav), feeds)


def page_info(layout: SiteLayout, title: str, description: str, url: str, kind: str,
              feeds: tuple[FeedLink, ...] = ()) -> PageInfo:
    """`page` in templates for a generated page (articles add an image and JSON-LD)."""
    return PageInfo(title, description, url, layout.absolute(url), kind, feeds)


def plain(html: str, limit: int = 200) -> str:
    """Text of an HTML fragment, cut at a word boundary, for meta descriptions."""
    text = plain_text(html)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def json_ld(article: Article, site: Site, layout: SiteLayout) -> str:
    """schema.org NewsArticle data for an article page, safe inside a <script> element."""
    config = site.config
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "dateModified": (article.meta.updated or article.date).isoformat(),
        "url": layout.absolute(article.url),
        "description": plain(article.rendered.summary_html),
        "keywords": [t.name for t in article.tags],
        "author": [{"@type": "Person", "name": a} for a in article.meta.authors]
        or {"@type": "Organization", "name": config.author or config.title},
        "publisher": {"@type": "Organization", "name": config.title},
        "inLanguage": config.language,
    }
    if article.meta.image:
        data["image"] = layout.image_url(article.meta)
    if article.meta.source and article.meta.source.url:
        data["isBasedOn"] = article.meta.source.url
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Inside <script>, `</` and `<!--` must never appear literally.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def edition_groups(edition: Edition, site: Site) -> list[EditionGroup]:
    """An edition's articles grouped by their first tag, groups by name, untagged last;
    newest first inside each group. The edition page and the editions feed show these."""
    items = [site.articles[i] for i in edition.articles]

    def first(article: Article) -> tuple[int, str]:
        return (0, article.tags[0].name.casefold()) if article.tags else (1, "")

    ordered = sorted(items, key=lambda a: (first(a), -a.date.timestamp()))
    groups = []
    for _key, members in groupby(ordered, key=first):
        articles = tuple(members)
        tag = articles[0].tags[0] if articles[0].tags else None
        groups.append(EditionGroup(tag.name if tag else OTHER,
                                   tag.slug if tag else "untagged",
                                   tag.url if tag else None, articles))
    return groups


def edition_title(edition: Edition) -> str:
    return f"{edition.title}: {edition.note_title}" if edition.note_title else edition.title
