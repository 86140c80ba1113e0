"""The generated pages: front page, tags, archives, editions, feeds, sitemap.

Each list page is fingerprinted by the keys of the articles it shows, so
adding one article re-renders only the lists that article appears in (and
the pages after it in those lists), never the whole site.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from itertools import groupby

from builder.core.dates import date_long
from builder.core.models import ArchiveMonth, Article, Edition, FeedOptions, Site
from builder.render import formats as feeds
from builder.render.engine import (
    FeedLink,
    PageInfo,
    Pagination,
    SiteInfo,
    Spec,
    fingerprint,
    pages_of,
)

PageMaker = Callable[[str, str, tuple, str, Callable[[], dict]], Spec]
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
OTHER = "Other"  # the group of an edition's untagged articles


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


def _page_info(site: Site, title: str, description: str, url: str, kind: str,
               feed_links: tuple[FeedLink, ...] = ()) -> PageInfo:
    return PageInfo(title, description, url, feeds.absolute(url, site.config), kind, feed_links)


def _paged(site: Site, page: PageMaker, template: str, base_url: str, items: tuple[int, ...],
           title: str, description: str, extra: dict,
           feed_links: tuple[FeedLink, ...] = ()) -> Iterator[Spec]:
    """A list split into pages: base_url, then base_url + page/N/."""
    config = site.config
    chunks = list(pages_of(items, config.paginate))
    total = len(chunks)

    def url_of(number: int) -> str:
        return base_url if number == 1 else f"{base_url}page/{number}/"

    for number, chunk in chunks:
        url = url_of(number)
        pagination = Pagination(number, total, url_of(number - 1) if number > 1 else None,
                                url_of(number + 1) if number < total else None)
        keys = tuple(site.articles[i].key for i in chunk)
        page_title = title if number == 1 else f"{title} (page {number})"

        def context(chunk: list[int] = chunk, pagination: Pagination = pagination,
                    url: str = url, page_title: str = page_title) -> dict:
            info = _page_info(site, page_title, description, url,
                              template.removesuffix(".html"), feed_links)
            return {"page": info, "articles": [site.articles[i] for i in chunk],
                    "pagination": pagination, **extra}

        out = url.removeprefix(config.base_path) + "index.html"
        yield page(template, out, (keys, pagination, page_title, repr(extra), feed_links),
                   "generated", context)


def list_specs(site: Site, info: SiteInfo, page: PageMaker) -> Iterator[Spec]:
    """The front page, tag pages, archives, editions and the 404 page."""
    config = site.config
    base = config.base_path
    all_items = tuple(range(len(site.articles)))
    latest = {"latest_edition": site.editions[0] if site.editions else None}
    yield from _paged(site, page, "index.html", base, all_items, config.title,
                      config.description, latest, info.feeds)
    tag_counts = tuple((t.name, t.slug, t.url, len(t.articles)) for t in site.tags)

    def tags_context() -> dict:
        return {"page": _page_info(site, "Tags", f"Every tag on {config.title}, with its "
                                   "number of articles", base + "tags/", "tags"),
                "tags": site.tags}

    yield page("tags.html", "tags/index.html", tag_counts, "generated", tags_context)
    for tag in site.tags:
        feed = (FeedLink(f"{config.title}: {tag.name}", feeds.absolute(tag.url, config)
                         + "feed.xml", "application/rss+xml"),) if config.feeds.tags.enabled else ()
        yield from _paged(site, page, "tag.html", tag.url, tag.articles, tag.name,
                          f"Articles tagged {tag.name} on {config.title}", {"tag": tag}, feed)
    yield from _archive_specs(site, page)
    yield from _edition_specs(site, page)

    def not_found() -> dict:
        return {"page": _page_info(site, "Page not found", "", base + "404.html", "404")}

    yield page("404.html", "404.html", (), "generated", not_found)


# --------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------
def _archive_specs(site: Site, page: PageMaker) -> Iterator[Spec]:
    config = site.config
    base = config.base_path
    counts = tuple((y.year, tuple((m.month, len(m.articles)) for m in y.months))
                   for y in site.years)

    def archive() -> dict:
        return {"page": _page_info(site, "Archive", f"Every article on {config.title}, "
                                   "by year and month", base + "archive/", "archive"),
                "years": site.years}

    yield page("archive.html", "archive/index.html", counts, "generated", archive)
    for year in site.years:
        def year_extra(year=year) -> dict:
            return {"year": year, "months": [
                MonthGroup(m, tuple(site.articles[i] for i in m.articles)) for m in year.months]}

        yield _list_page(site, page, "year.html", year.url, str(year.year), year.articles,
                         year_extra)
        for month in year.months:
            yield _list_page(site, page, "month.html", month.url, month.name, month.articles,
                             lambda month=month: {"month": month})


def _list_page(site: Site, page: PageMaker, template: str, url: str, title: str,
               items: tuple[int, ...], extra: Callable[[], dict]) -> Spec:
    config = site.config
    keys = tuple(site.articles[i].key for i in items)

    def context() -> dict:
        return {"page": _page_info(site, title, f"Articles from {title} on {config.title}",
                                   url, template.removesuffix(".html")),
                "articles": [site.articles[i] for i in items], **extra()}

    return page(template, url.removeprefix(config.base_path) + "index.html", (keys, title),
                "generated", context)


# --------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------
def edition_groups(edition: Edition, site: Site) -> list[EditionGroup]:
    """An edition's articles grouped by their first tag, groups by name, untagged last;
    newest first inside each group."""
    items = [site.articles[i] for i in edition.articles]

    def first(article: Article) -> tuple[int, str]:
        return (0, article.tags[0].name.casefold()) if article.tags else (1, "")

    ordered = sorted(items, key=lambda a: (first(a), -a.date.timestamp()))  # type: ignore[union-attr]
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


def _edition_specs(site: Site, page: PageMaker) -> Iterator[Spec]:
    if not site.editions:
        return
    config = site.config
    base = config.base_path
    summary = tuple((e.id, e.title, e.note_title, len(e.articles)) for e in site.editions)
    feed = (FeedLink(f"{config.title}: editions", config.base_url + "editions/feed.xml",
                     "application/rss+xml"),) if config.feeds.editions.enabled else ()

    def index() -> dict:
        return {"page": _page_info(site, "Editions", f"Every edition of {config.title}, "
                                   "newest first", base + "editions/", "editions", feed),
                "editions": site.editions}

    yield page("editions.html", "editions/index.html", (summary, feed), "generated", index)
    for edition in site.editions:
        keys = tuple(site.articles[i].key for i in edition.articles)

        def context(edition: Edition = edition) -> dict:
            count = len(edition.articles)
            description = (f"{config.title}, {edition.span}: {count} "
                           f"article{'' if count == 1 else 's'}.")
            return {"page": _page_info(site, edition_title(edition), description, edition.url,
                                       "edition", feed),
                    "edition": edition, "groups": edition_groups(edition, site)}

        origin = f"content/editions/{edition.id}.md" if edition.note_key else "generated"
        yield page("edition.html", edition.out_path,
                   (keys, edition.note_key, edition.note_title, edition.prev, edition.next,
                    feed), origin, context)


# --------------------------------------------------------------------------
# Feeds, sitemap, robots.txt
# --------------------------------------------------------------------------
def _feed_info(site: Site, title: str, home: str, self_url: str,
               items: list[feeds.FeedItem]) -> feeds.FeedInfo:
    """Channel data; `updated` is the newest item's date, so it never depends on the clock."""
    config = site.config
    newest = max((i.updated or i.published for i in items), default=site.build_date)
    return feeds.FeedInfo(title, config.description, home, self_url, config.language,
                          config.author, newest)


def feed_specs(site: Site, base_fp: str) -> Iterator[Spec]:
    """Every enabled feed, then the sitemap and robots.txt."""
    config = site.config
    opts = config.feeds
    made: dict[str, feeds.FeedItem] = {}

    def item(article: Article) -> feeds.FeedItem:
        """One FeedItem per article per build: most appear in several feeds."""
        found = made.get(article.key)
        if found is None:
            found = made[article.key] = feeds.article_item(article, config)
        return found

    def article_feed(out: str, title: str, home: str, items: tuple[int, ...],
                     options: FeedOptions, writer: Callable) -> Spec:
        shown = items[: options.limit] if options.limit else items
        keys = tuple(site.articles[i].key for i in shown)

        def make() -> bytes:
            entries = [item(site.articles[i]) for i in shown]
            info = _feed_info(site, title, home, feeds.absolute(config.base_path + out, config),
                              entries)
            return writer(info, entries, options)

        # build_date stands in for the feed's date when it has no items.
        empty_date = None if keys else site.build_date
        return Spec(out, fingerprint(base_fp, out, keys, options, empty_date), "generated", make)

    everything = tuple(range(len(site.articles)))
    if opts.rss.enabled:
        yield article_feed("feed.xml", config.title, config.base_url, everything, opts.rss,
                           feeds.rss)
    if opts.atom.enabled:
        yield article_feed("atom.xml", config.title, config.base_url, everything, opts.atom,
                           feeds.atom)
    if opts.json.enabled:
        yield article_feed("feed.json", config.title, config.base_url, everything, opts.json,
                           feeds.json_feed)
    if opts.tags.enabled:
        for tag in site.tags:
            out = tag.url.removeprefix(config.base_path) + "feed.xml"
            yield article_feed(out, f"{config.title}: {tag.name}",
                               feeds.absolute(tag.url, config), tag.articles, opts.tags,
                               feeds.rss)
    if opts.editions.enabled and site.editions:
        yield _editions_feed(site, base_fp)
    yield _sitemap(site, base_fp)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}sitemap.xml\n".encode()
    yield Spec("robots.txt", fingerprint(robots), "generated", lambda: robots)


def edition_item(edition: Edition, site: Site) -> feeds.FeedItem:
    """A whole edition as one feed item, ready for RSS-to-email: the editor's note, then
    each tag group with every article's title, date, summary and source."""
    config = site.config
    url = feeds.absolute(edition.url, config)
    articles = [site.articles[i] for i in edition.articles]
    parts = [f"<p>{escape(config.title)}, {escape(edition.span)}.</p>"]
    if edition.note_html:
        if edition.note_title:
            parts.append(f"<h2>{escape(edition.note_title)}</h2>")
        parts.append(feeds.absolutize(edition.note_html.strip(), url, config))
    for group in edition_groups(edition, site):
        parts.append(f"<h2>{escape(group.name)}</h2>")
        for article in group.articles:
            item = feeds.article_item(article, config)
            assert article.date is not None
            minutes = article.rendered.reading_minutes
            parts.append(f'<h3><a href="{escape(item.url, quote=True)}">'
                         f"{escape(article.title)}</a></h3>")
            parts.append(f"<p><small>{date_long(article.date)} · {minutes} min read"
                         f"</small></p>")
            parts.append(item.summary_html)
            if item.source_html:
                parts.append(item.source_html)
    parts.append(f'<p><a href="{escape(url, quote=True)}">Read this edition on the web</a>'
                 "</p>")
    count = len(articles)
    teaser = "".join(f'<li><a href="{escape(feeds.absolute(a.url, config), quote=True)}">'
                     f"{escape(a.title)}</a></li>" for a in articles)
    newest = max(a.date for a in articles if a.date is not None)
    changed = max((a.meta.updated or a.date) for a in articles if a.date is not None)
    return feeds.FeedItem(
        id=url, url=url, title=edition_title(edition), published=newest,
        updated=changed if changed != newest else None,
        summary_html=(f"<p>{escape(config.title)}, {escape(edition.span)}: {count} "
                      f"article{'' if count == 1 else 's'}.</p><ul>{teaser}</ul>"),
        content_html="\n".join(parts), tags=(), authors=(),
    )


def _editions_feed(site: Site, base_fp: str) -> Spec:
    """One item per edition, newest first."""
    config = site.config
    options = config.feeds.editions
    shown = site.editions[: options.limit] if options.limit else site.editions
    keys = tuple((e.id, e.note_key, tuple(site.articles[i].key for i in e.articles))
                 for e in shown)

    def make() -> bytes:
        items = [edition_item(edition, site) for edition in shown]
        info = _feed_info(site, f"{config.title}: editions", config.base_url + "editions/",
                          config.base_url + "editions/feed.xml", items)
        return feeds.rss(info, items, options)

    return Spec("editions/feed.xml", fingerprint(base_fp, keys, options), "generated", make)


def _sitemap(site: Site, base_fp: str) -> Spec:
    config = site.config
    # Each article's last change, once: list pages take the newest of theirs.
    last = [max(d for d in (a.meta.updated, a.date) if d is not None) for a in site.articles]

    def newest(items: tuple[int, ...] | range) -> str | None:
        """lastmod of a list page: the newest date or `updated` among its articles."""
        return max(last[i] for i in items).date().isoformat() if items else None

    everything = newest(range(len(site.articles)))
    entries: list[tuple[str, str | None]] = [(config.base_url, everything)]
    for article in site.articles + site.pages:
        when = article.meta.updated or article.date
        entries.append((feeds.absolute(article.url, config),
                        when.date().isoformat() if when else None))
    entries.append((config.base_url + "tags/", everything))
    entries.append((config.base_url + "archive/", everything))
    if site.editions:
        entries.append((config.base_url + "editions/", everything))
    entries += [(feeds.absolute(t.url, config), newest(t.articles)) for t in site.tags]
    entries += [(feeds.absolute(e.url, config), newest(e.articles)) for e in site.editions]
    for year in site.years:
        entries.append((feeds.absolute(year.url, config), newest(year.articles)))
        entries += [(feeds.absolute(m.url, config), newest(m.articles)) for m in year.months]

    def make() -> bytes:
        root = ET.Element("urlset", {"xmlns": SITEMAP})
        for loc, lastmod in entries:
            node = ET.SubElement(root, "url")
            ET.SubElement(node, "loc").text = loc
            if lastmod:
                ET.SubElement(node, "lastmod").text = lastmod
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")

    return Spec("sitemap.xml", fingerprint(base_fp, entries), "generated", make)
