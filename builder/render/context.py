"""What templates see: the values a page is rendered with, beyond the site model itself.

Every template gets `site` (SiteInfo) and `page` (PageInfo); list pages add
`pagination`, edition pages `groups`. These are frozen values documented in
docs/themes.md, so a theme never depends on how the build computes them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import imagesize  # type: ignore[import-untyped]

from builder.core.languages import direction
from builder.core.models import ArchiveMonth, Article, Edition, Listed, Page, Site
from builder.core.paths import SiteLayout
from builder.render.formats import plain_text


@dataclass(frozen=True)
class FeedLink:
    """A `<link rel="alternate">` of a page: a feed that follows it."""

    title: str
    url: str  # absolute
    type: str  # MIME type


@dataclass(frozen=True)
class NavLink:
    """An entry of the site navigation. `section` names what it leads to (`home`,
    `editions`, `archive`, `tags`, `authors`, or `page` for a standalone page), so a
    theme can translate the built-in ones and mark the section a page belongs to."""

    title: str
    url: str
    section: str


@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    base_url: str
    base_path: str
    language: str
    author: str
    nav: tuple[NavLink, ...]
    feeds: tuple[FeedLink, ...]  # the site-wide feeds, linked from every page
    search: str = ""  # the search page's site path; "" when search is off
    pagefind: str = ""  # the folder of Pagefind's scripts and index, beside it
    languages: tuple[str, ...] = ()  # every language of the site's pages, its own first
    author_urls: dict[str, str] = field(default_factory=dict)  # name → the author's page


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
    lang: str = ""  # the page's language: an article's `lang`, else the site's
    dir: str = "ltr"  # `rtl` for a right-to-left language
    section: str = ""  # the NavLink section the page is in (`home`, `tags`, ...)


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class EditionGroup:
    """A section of an edition with its articles; `slug` is an in-page anchor."""

    name: str
    slug: str
    url: str | None  # the tag page of the same name, if there is one
    articles: tuple[Listed, ...]  # articles and link items


@dataclass(frozen=True)
class CoverImage:
    """An article's `image`, ready for <img>: width and height read from the file when it is
    one of the site's own (None for an image elsewhere), so the page does not jump."""

    src: str
    alt: str
    width: int | None
    height: int | None


def cover_finder(site: Site, layout: SiteLayout) -> Callable[[Article | Page], CoverImage | None]:
    """`{{ article | cover }}`: the CoverImage of an article or page, or None.

    Sizes are read from the image's header (imagesize), once per file per build.
    """
    assets = {asset.rel: asset for asset in site.assets}
    sizes: dict[str, tuple[int, int] | None] = {}

    def size(rel: str) -> tuple[int, int] | None:
        if rel not in sizes:
            asset = assets.get(rel)
            found = imagesize.get(io.BytesIO(asset.content())) if asset else (-1, -1)
            # SVG sizes come back as floats; attributes want whole pixels.
            sizes[rel] = (round(found[0]), round(found[1])) if min(found) > 0 else None
        return sizes[rel]

    def cover(entry: Article | Page) -> CoverImage | None:
        image = entry.meta.image
        if not image:
            return None
        src = layout.image_src(entry.meta) or ""
        rel = layout.image_source(entry.meta)
        found = size(rel) if rel else None
        alt = str(entry.meta.extra.get("image_alt", ""))
        return CoverImage(src, alt, *(found or (None, None)))

    return cover


@dataclass(frozen=True)
class MonthGroup:
    """A month of a year page, with its articles resolved."""

    month: ArchiveMonth
    articles: tuple[Listed, ...]


# The section of each kind of page, for the navigation's active state.
SECTIONS = {
    "index": "home",
    "edition": "editions",
    "editions": "editions",
    "archive": "archive",
    "year": "archive",
    "month": "archive",
    "tags": "tags",
    "tag": "tags",
    "author": "authors",
    "authors": "authors",
}


def site_info(site: Site, layout: SiteLayout, feeds: tuple[FeedLink, ...]) -> SiteInfo:
    """`site` in templates: the config values themes show, the navigation and the site feeds."""
    config = site.config
    nav = [NavLink("Latest", layout.home, "home")]
    if site.editions:
        nav.append(NavLink("Editions", layout.editions_index, "editions"))
    nav += [
        NavLink("Archive", layout.archive, "archive"),
        NavLink("Tags", layout.tags_index, "tags"),
    ]
    nav += [NavLink(p.title, p.url, "page") for p in site.pages]
    used = {a.meta.lang or config.language for a in site.articles}
    used |= {p.meta.lang or config.language for p in site.pages}
    return SiteInfo(
        config.title,
        config.description,
        config.base_url,
        layout.base_path,
        config.language,
        config.author,
        tuple(nav),
        feeds,
        layout.search if config.search else "",
        layout.pagefind if config.search else "",
        (config.language, *sorted(used - {config.language})),
        {author.name: author.url for author in site.authors},
    )


def page_info(
    layout: SiteLayout,
    title: str,
    description: str,
    url: str,
    kind: str,
    feeds: tuple[FeedLink, ...] = (),
    *,
    lang: str,
) -> PageInfo:
    """`page` in templates for a generated page (articles add an image and JSON-LD)."""
    return PageInfo(
        title,
        description,
        url,
        layout.absolute(url),
        kind,
        feeds,
        lang=lang,
        dir=direction(lang),
        section=SECTIONS.get(kind, ""),
    )


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
        "inLanguage": article.meta.lang or config.language,
    }
    if article.meta.image:
        data["image"] = layout.image_url(article.meta)
    if article.meta.source and article.meta.source.url:
        data["isBasedOn"] = article.meta.source.url
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Inside <script>, `</` and `<!--` must never appear literally.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def edition_groups(edition: Edition, site: Site) -> list[EditionGroup]:
    """An edition's sections (site/sections.py decides them: featured items, the editor's
    sections, More last) with their articles resolved. The edition page, the editions feed
    and the email show these."""
    return [
        EditionGroup(s.name, s.slug, s.url, tuple(site.articles[i] for i in s.items))
        for s in edition.sections
    ]


def edition_key(edition: Edition, site: Site) -> tuple:
    """Everything an edition's page, feed item and email show of it, but its neighbours."""
    return (
        edition.id,
        edition.title,
        edition.number,
        edition.open,
        edition.note_key,
        tuple(
            (s.name, s.url, tuple(site.articles[i].key for i in s.items)) for s in edition.sections
        ),
        edition.credits,
    )


def thanks_line(credits: tuple[str, ...]) -> str:
    """`Thanks to Ann, Bo and Cy.`: the `via:` credits of an edition, or "" without any."""
    if not credits:
        return ""
    names = ", ".join(credits[:-1]) + " and " + credits[-1] if len(credits) > 1 else credits[0]
    return f"Thanks to {names}."


def sent_editions(site: Site) -> tuple[Edition, ...]:
    """The editions that have gone out, newest first: an open one is never announced,
    fed or mailed, even where `editions.show_open` shows its page."""
    return tuple(e for e in site.editions if not e.open)


def edition_title(edition: Edition) -> str:
    """The edition's heading (`No. 128 · 9–15 November 2026`) and its note's title."""
    return f"{edition.heading}: {edition.note_title}" if edition.note_title else edition.heading
