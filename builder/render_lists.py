"""The generated pages: front page, tags, archives, editions, feeds, sitemap.

Each list page is fingerprinted by the keys of the articles it shows, so
adding one article re-renders only the lists that article appears in (and
the pages after it in those lists), never the whole site.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from itertools import groupby

from builder import feeds
from builder.models import Article, Edition, Site
from builder.render import FeedLink, PageInfo, Pagination, SiteInfo, Spec, fingerprint, pages_of

PageMaker = Callable[[str, str, tuple, str, Callable[[], dict]], Spec]
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _paged(
    site: Site,
    page: PageMaker,
    template: str,
    base_url: str,
    items: tuple[int, ...],
    title: str,
    description: str,
    extra: dict,
    feed_links: tuple[FeedLink, ...] = (),
) -> Iterator[Spec]:
    """A list split into pages: base_url, then base_url + page/N/."""
    config = site.config
    base_rel = base_url.removeprefix(config.base_path)
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
            info = PageInfo(page_title, description, url, feeds.absolute(url, config),
                            template.removesuffix(".html"), feed_links)
            return {"page": info, "articles": [site.articles[i] for i in chunk],
                    "pagination": pagination, **extra}

        out = url.removeprefix(config.base_path) + "index.html"
        yield page(template, out, (keys, pagination, page_title, repr(extra)), "generated",
                   context)
    del base_rel


def list_specs(site: Site, info: SiteInfo, page: PageMaker) -> Iterator[Spec]:
    config = site.config
    base = config.base_path
    all_items = tuple(range(len(site.articles)))
    yield from _paged(site, page, "index.html", base, all_items, config.title,
                      config.description, {}, info.feeds)
    tag_counts = tuple((t.name, t.slug, t.url, len(t.articles)) for t in site.tags)

    def tags_context() -> dict:
        return {"page": PageInfo("Tags", f"Every tag on {config.title}", base + "tags/",
                                 feeds.absolute(base + "tags/", config), "tags"),
                "tags": site.tags}

    yield page("tags.html", "tags/index.html", tag_counts, "generated", tags_context)
    for tag in site.tags:
        feed = (FeedLink(f"{config.title}: {tag.name}", feeds.absolute(tag.url, config)
                         + "feed.xml", "application/rss+xml"),) if config.feeds.tags.enabled else ()
        yield from _paged(site, page, "tag.html", tag.url, tag.articles, tag.name,
                          f"Articles tagged {tag.name}", {"tag": tag}, feed)
    yield from _archive_specs(site, page)
    yield from _edition_specs(site, page)

    def not_found() -> dict:
        return {"page": PageInfo("Page not found", "", base + "404.html",
                                 feeds.absolute(base + "404.html", config), "404")}

    yield page("404.html", "404.html", (), "generated", not_found)


def _archive_specs(site: Site, page: PageMaker) -> Iterator[Spec]:
    config = site.config
    base = config.base_path
    counts = tuple((y.year, tuple((m.month, len(m.articles)) for m in y.months))
                   for y in site.years)

    def archive() -> dict:
        return {"page": PageInfo("Archive", f"Every article on {config.title} by month",
                                 base + "archive/", feeds.absolute(base + "archive/", config),
                                 "archive"), "years": site.years}

    yield page("archive.html", "archive/index.html", counts, "generated", archive)
    for year in site.years:
        yield _list_page(site, page, "year.html", year.url, str(year.year), year.articles,
                         {"year": year})
        for month in year.months:
            yield _list_page(site, page, "month.html", month.url, month.name, month.articles,
                             {"month": month})


def _list_page(site: Site, page: PageMaker, template: str, url: str, title: str,
               items: tuple[int, ...], extra: dict) -> Spec:
    config = site.config
    keys = tuple(site.articles[i].key for i in items)

    def context() -> dict:
        return {"page": PageInfo(title, f"Articles from {title}", url,
                                 feeds.absolute(url, config), template.removesuffix(".html")),
                "articles": [site.articles[i] for i in items], **extra}

    return page(template, url.removeprefix(config.base_path) + "index.html",
                (keys, title, repr(extra)), "generated", context)


def edition_groups(edition: Edition, site: Site) -> list[tuple[str, list[Article]]]:
    """An edition's articles grouped by their first tag (untagged last), groups by name."""
    items = [site.articles[i] for i in edition.articles]

    def first(article: Article) -> str:
        return article.tags[0].name if article.tags else "\uffffOther"

    ordered = sorted(items, key=lambda a: (first(a).casefold(), -a.date.timestamp()))  # type: ignore[union-attr]
    return [(name.lstrip("\uffff"), list(group)) for name, group in groupby(ordered, key=first)]


def _edition_specs(site: Site, page: PageMaker) -> Iterator[Spec]:
    if not site.editions:
        return
    config = site.config
    base = config.base_path
    summary = tuple((e.id, e.title, len(e.articles)) for e in site.editions)
    feed = (FeedLink(f"{config.title}: editions", config.base_url + "editions/feed.xml",
                     "application/rss+xml"),) if config.feeds.editions.enabled else ()

    def index() -> dict:
        return {"page": PageInfo("Editions", f"Every edition of {config.title}",
                                 base + "editions/", feeds.absolute(base + "editions/", config),
                                 "editions", feed),
                "editions": site.editions}

    yield page("editions.html", "editions/index.html", summary, "generated", index)
    for edition in site.editions:
        keys = tuple(site.articles[i].key for i in edition.articles)

        def context(edition: Edition = edition) -> dict:
            title = f"{edition.title}: {edition.note_title}" if edition.note_title \
                else edition.title
            return {"page": PageInfo(title, f"{config.title}, {edition.span}", edition.url,
                                     feeds.absolute(edition.url, config), "edition", feed),
                    "edition": edition, "groups": edition_groups(edition, site)}

        origin = f"content/editions/{edition.id}.md" if edition.note_key else "generated"
        yield page("edition.html", edition.out_path,
                   (keys, edition.note_key, edition.note_title, edition.prev, edition.next),
                   origin, context)


# --------------------------------------------------------------------------
# Feeds, sitemap, robots.txt
# --------------------------------------------------------------------------
def _feed_info(site: Site, title: str, home: str, self_url: str,
               items: list[feeds.FeedItem]) -> feeds.FeedInfo:
    config = site.config
    newest = max((i.updated or i.published for i in items), default=site.build_date)
    return feeds.FeedInfo(title, config.description, home, self_url, config.language,
                          config.author, newest)


def feed_specs(site: Site, base_fp: str) -> Iterator[Spec]:
    config = site.config
    opts = config.feeds

    def article_feed(out: str, title: str, home: str, items: tuple[int, ...], options,
                     writer: Callable) -> Spec:
        shown = items[: options.limit] if options.limit else items
        keys = tuple(site.articles[i].key for i in shown)

        def make() -> bytes:
            entries = [feeds.article_item(site.articles[i], config) for i in shown]
            info = _feed_info(site, title, home, config.base_url + out, entries)
            return writer(info, entries, options)

        return Spec(out, fingerprint(base_fp, out, keys, options), "generated", make)

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
    robots = (f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}sitemap.xml\n").encode()
    yield Spec("robots.txt", fingerprint(robots), "generated", lambda: robots)


def _editions_feed(site: Site, base_fp: str) -> Spec:
    """One item per edition, its content the whole edition: ready for RSS-to-email."""
    config = site.config
    options = config.feeds.editions
    shown = site.editions[: options.limit] if options.limit else site.editions
    keys = tuple((e.id, e.note_key, tuple(site.articles[i].key for i in e.articles))
                 for e in shown)

    def make() -> bytes:
        from html import escape

        items = []
        for edition in shown:
            url = feeds.absolute(edition.url, config)
            parts = [feeds.absolutize(edition.note_html, url, config)] if edition.note_html \
                else []
            for group, articles in edition_groups(edition, site):
                parts.append(f"<h2>{escape(group)}</h2>")
                for article in articles:
                    item = feeds.article_item(article, config)
                    parts.append(f'<h3><a href="{escape(item.url)}">{escape(article.title)}'
                                 f"</a></h3>{item.summary_html}{feeds.source_line(article)}")
            newest = max(site.articles[i].date for i in edition.articles)  # type: ignore[type-var]
            title = edition.title + (f": {edition.note_title}" if edition.note_title else "")
            items.append(feeds.FeedItem(
                id=url, url=url, title=title, published=newest, updated=None,
                summary_html=f"<p>{escape(config.title)}, {escape(edition.span)}: "
                             f"{len(edition.articles)} articles.</p>",
                content_html="\n".join(parts), tags=(), authors=(),
            ))
        info = _feed_info(site, f"{config.title}: editions", config.base_url + "editions/",
                          config.base_url + "editions/feed.xml", items)
        return feeds.rss(info, items, options)

    return Spec("editions/feed.xml", fingerprint(base_fp, keys, options), "generated", make)


def _sitemap(site: Site, base_fp: str) -> Spec:
    config = site.config
    entries: list[tuple[str, str | None]] = [(config.base_url, None)]
    for article in site.articles + site.pages:
        when = article.meta.updated or article.date
        entries.append((feeds.absolute(article.url, config),
                        when.date().isoformat() if when else None))
    for url in ["tags/", "archive/"] + (["editions/"] if site.editions else []):
        entries.append((config.base_url + url, None))
    entries += [(feeds.absolute(t.url, config), None) for t in site.tags]
    entries += [(feeds.absolute(e.url, config), None) for e in site.editions]
    for year in site.years:
        entries.append((feeds.absolute(year.url, config), None))
        entries += [(feeds.absolute(m.url, config), None) for m in year.months]

    def make() -> bytes:
        ET.register_namespace("", SITEMAP)
        root = ET.Element(f"{{{SITEMAP}}}urlset")
        for loc, lastmod in entries:
            node = ET.SubElement(root, f"{{{SITEMAP}}}url")
            ET.SubElement(node, f"{{{SITEMAP}}}loc").text = loc
            if lastmod:
                ET.SubElement(node, f"{{{SITEMAP}}}lastmod").text = lastmod
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    return Spec("sitemap.xml", fingerprint(base_fp, entries), "generated", make)
