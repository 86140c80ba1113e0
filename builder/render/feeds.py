"""Feeds: ONE table of every feed a site offers, and the items they carry.

Each row of FEEDS names a feed once: its section under `feeds:` in
site.yaml, what it follows (the whole site, each tag, the editions), its
file name, writer, MIME type and `<link>` title. Both the feed files
(`specs`) and the `<link rel="alternate">` entries of the pages they follow
(`alternates`) are made from the table, so a feed cannot be written without
being linked, or linked without being written. Adding a feed is one row.

Feed readers resolve nothing relative, so every URL in an item is absolute,
links and images inside the content included. Ids are permalinks: they
change only when an article's URL does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from builder.core.dates import date_long
from builder.core.models import Article, Edition, FeedOptions, LinkItem, Listed, Site, SiteConfig
from builder.core.paths import SiteLayout, absolutize
from builder.render import formats
from builder.render.context import (
    FeedLink,
    edition_groups,
    edition_key,
    edition_title,
    sent_editions,
    thanks_line,
)
from builder.render.engine import Job, Spec, fingerprint


@dataclass(frozen=True)
class Subject:
    """What one feed file follows: its feed sits in the folder of the page at `home`."""

    home: str  # site path of the page the feed follows
    title: str  # the channel's title
    entries: tuple[int, ...] | tuple[Edition, ...]  # article indexes or editions, newest first


def _whole_site(site: Site, layout: SiteLayout) -> list[Subject]:
    return [Subject(layout.home, site.config.title, tuple(range(len(site.articles))))]


def _each_tag(site: Site, layout: SiteLayout) -> list[Subject]:
    return [Subject(tag.url, f"{site.config.title}: {tag.name}", tag.articles) for tag in site.tags]


def _editions(site: Site, layout: SiteLayout) -> list[Subject]:
    """One item per closed edition, each a whole edition (ready for RSS-to-email)."""
    if not site.editions:
        return []
    return [Subject(layout.editions_index, f"{site.config.title}: editions", sent_editions(site))]


def _each_author(site: Site, layout: SiteLayout) -> list[Subject]:
    return [
        Subject(author.url, f"{site.config.title}: {author.name}", author.articles)
        for author in site.authors
    ]


Writer = Callable[[formats.FeedInfo, list[formats.FeedItem], FeedOptions], bytes]


@dataclass(frozen=True)
class Feed:
    """A row of the table: one kind of feed."""

    name: str  # its section under `feeds:` in site.yaml (a field of FeedsConfig)
    follows: Callable[[Site, SiteLayout], list[Subject]]
    file: str  # its file name, in the folder of the page it follows (a SiteLayout name)
    writer: Writer
    type: str  # MIME type
    link_title: str  # the <link> title; {title} is the channel's

    def options(self, config: SiteConfig) -> FeedOptions:
        options: FeedOptions = getattr(config.feeds, self.name)
        return options


FEEDS: tuple[Feed, ...] = (
    Feed("rss", _whole_site, SiteLayout.RSS, formats.rss, formats.RSS_TYPE, "{title} (RSS)"),
    Feed("atom", _whole_site, SiteLayout.ATOM, formats.atom, formats.ATOM_TYPE, "{title} (Atom)"),
    Feed(
        "json",
        _whole_site,
        SiteLayout.JSON_FEED,
        formats.json_feed,
        formats.JSON_TYPE,
        "{title} (JSON Feed)",
    ),
    Feed("tags", _each_tag, SiteLayout.FOLDER_FEED, formats.rss, formats.RSS_TYPE, "{title}"),
    Feed("editions", _editions, SiteLayout.FOLDER_FEED, formats.rss, formats.RSS_TYPE, "{title}"),
    Feed("authors", _each_author, SiteLayout.FOLDER_FEED, formats.rss, formats.RSS_TYPE, "{title}"),
)


def enabled(site: Site, layout: SiteLayout) -> Iterator[tuple[Feed, Subject, str]]:
    """(row, subject, output path) of every feed file the site has, in table order."""
    for feed in FEEDS:
        if feed.options(site.config).enabled:
            for subject in feed.follows(site, layout):
                yield feed, subject, layout.feed_output(subject.home, feed.file)


def alternates(site: Site, layout: SiteLayout) -> dict[str, tuple[FeedLink, ...]]:
    """The `<link rel="alternate">`s of the pages under each subject, by its home.

    The site's feeds (home: the front page) are linked from every page; a
    tag's from that tag's pages; the editions feed from the editions pages.
    """
    found: dict[str, list[FeedLink]] = defaultdict(list)
    for feed, subject, out in enabled(site, layout):
        found[subject.home].append(
            FeedLink(
                feed.link_title.format(title=subject.title),
                layout.absolute(layout.site_path(out)),
                feed.type,
            )
        )
    return {home: tuple(links) for home, links in found.items()}


def specs(job: Job) -> Iterator[Spec]:
    """Every enabled feed of the table, one file per subject."""
    site, layout = job.site, job.layout
    made: dict[str, formats.FeedItem] = {}  # one item per article per build: most are in several

    def item(entry: int | Edition) -> formats.FeedItem:
        if isinstance(entry, Edition):
            return edition_item(entry, site)
        article = site.articles[entry]
        found = made.get(article.key)
        if found is None:
            found = made[article.key] = feed_item(article, layout)
        return found

    def spec(feed: Feed, subject: Subject, out: str) -> Spec:
        options = feed.options(site.config)
        shown = subject.entries[: options.limit] if options.limit else subject.entries
        keys = tuple(_key(site, entry) for entry in shown)

        def make() -> bytes:
            items = [item(entry) for entry in shown]
            newest = max((i.updated or i.published for i in items), default=site.build_date)
            config = site.config
            info = formats.FeedInfo(
                subject.title,
                config.description,
                layout.absolute(subject.home),
                layout.absolute(layout.site_path(out)),
                config.language,
                config.author,
                newest,
            )
            return feed.writer(info, items, options)

        # build_date stands in for the feed's date (`updated`) when it has no items.
        empty_date = None if keys else site.build_date
        return Spec(
            out, fingerprint(job.base_fp, out, keys, options, empty_date), "generated", make
        )

    for feed, subject, out in enabled(site, layout):
        yield spec(feed, subject, out)


def _key(site: Site, entry: int | Edition) -> object:
    """What a feed shows of an entry: an article's key; an edition's note and articles."""
    if isinstance(entry, Edition):
        return edition_key(entry, site)
    return site.articles[entry].key


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------
def source_line(article: Article) -> str:
    """The attribution paragraph, worded as on the article page (feed readers show no theme)."""
    source = article.meta.source
    if source is None:
        return ""
    by = f" by {escape(source.author)}" if source.author else ""
    where = "in" if source.name else "at"
    link = f'<a href="{escape(source.url, quote=True)}">{escape(source.name or source.url)}</a>'
    # An import may credit a publication or writer without a URL: then there is no link.
    place = f" {where} {link}" if source.url else f" in {escape(source.name)}" * bool(source.name)
    when = f", on {date_long(source.date)}" if source.date else ""
    return f'<p class="source">Originally published{by}{place}{when}.</p>'


def _link_base(item: LinkItem, layout: SiteLayout) -> str:
    """What a link item's relative URLs are resolved against: its edition's page, else the
    front page (it has no page of its own)."""
    return layout.absolute(item.edition.url if item.edition else layout.home)


def summary_of(entry: Listed, layout: SiteLayout) -> str:
    """An article's or link item's summary as feeds show it, every URL absolute; empty for
    a link item without one. It needs no body: an edition's item is made of these."""
    if isinstance(entry, LinkItem):
        return absolutize(entry.rendered.summary_html.strip(), _link_base(entry, layout))
    return absolutize(entry.rendered.summary_html.strip(), layout.absolute(entry.url))


def article_item(article: Article, layout: SiteLayout) -> formats.FeedItem:
    """An article as a feed entry: the summary, and the full body with its attribution."""
    url = layout.absolute(article.url)
    source = article.meta.source
    attribution = source_line(article)
    body = article.rendered.html.strip()
    return formats.FeedItem(
        id=url,
        url=url,
        title=article.title,
        published=article.date,
        updated=article.meta.updated,
        summary_html=summary_of(article, layout),
        content_html=absolutize(body, url) + ("\n" + attribution if attribution else ""),
        tags=tuple(t.name for t in article.tags),
        authors=article.meta.authors,
        external_url=(source.url or None) if source else None,
        image=layout.image_url(article.meta),
        source_html=attribution,
    )


def link_item(item: LinkItem, layout: SiteLayout) -> formats.FeedItem:
    """A link item as a feed entry: its headline linking where it points, then its comment.

    It has no page, so its id is a tag URI (RFC 4151) made of the site's host,
    its date and its slug: stable, and never mistaken for a page's URL.
    """
    base = _link_base(item, layout)
    lead = (
        f'<p><a href="{escape(item.url, quote=True)}">{escape(item.title)}</a> '
        f"({escape(item.host)})</p>"
    )
    comment = absolutize(item.rendered.html.strip(), base)
    via = f"<p>Via {escape(item.meta.via)}.</p>" if item.meta.via else ""
    host = layout.origin.split("://", 1)[1]
    return formats.FeedItem(
        id=f"tag:{host},{item.date:%Y-%m-%d}:{item.meta.slug}",
        url=item.url,
        title=item.title,
        published=item.date,
        updated=item.meta.updated,
        summary_html=summary_of(item, layout) or lead,
        content_html="\n".join(part for part in (lead, comment, via) if part),
        tags=tuple(t.name for t in item.tags),
        authors=(),
        external_url=item.url,
    )


def feed_item(entry: Listed, layout: SiteLayout) -> formats.FeedItem:
    """An article or a link item as a feed entry."""
    if isinstance(entry, LinkItem):
        return link_item(entry, layout)
    return article_item(entry, layout)


def edition_item(edition: Edition, site: Site) -> formats.FeedItem:
    """A whole edition as one feed item, ready for RSS-to-email: the editor's note, then
    each tag group with every article's title, date, summary and source. No article's body
    is read: a site's editions feed shows hundreds of articles, and serve remakes it
    whenever an article is added."""
    config = site.config
    layout = SiteLayout.of(config)
    url = layout.absolute(edition.url)
    articles = [site.articles[i] for i in edition.articles]
    parts = [f"<p>{escape(config.title)}, {escape(edition.span)}.</p>"]
    if edition.note_html:
        if edition.note_title:
            parts.append(f"<h2>{escape(edition.note_title)}</h2>")
        parts.append(absolutize(edition.note_html.strip(), url))
    for group in edition_groups(edition, site):
        parts.append(f"<h2>{escape(group.name)}</h2>")
        for article in group.articles:
            link = article.url if isinstance(article, LinkItem) else layout.absolute(article.url)
            what = (
                escape(article.host)
                if isinstance(article, LinkItem)
                else f"{article.rendered.reading_minutes} min read"
            )
            via = f" · via {escape(article.meta.via)}" if article.meta.via else ""
            parts.append(
                f'<h3><a href="{escape(link, quote=True)}">{escape(article.title)}</a></h3>'
            )
            parts.append(f"<p><small>{date_long(article.date)} · {what}{via}</small></p>")
            if not isinstance(article, LinkItem):
                parts.append(summary_of(article, layout))
                if attribution := source_line(article):
                    parts.append(attribution)
            elif article.rendered.summary_html:
                parts.append(summary_of(article, layout))
    if edition.credits:
        parts.append(f"<p>{escape(thanks_line(edition.credits))}</p>")
    parts.append(f'<p><a href="{escape(url, quote=True)}">Read this edition on the web</a></p>')
    count = len(articles)
    teaser = "".join(
        f'<li><a href="{escape(layout.absolute(a.url), quote=True)}">{escape(a.title)}</a></li>'
        for a in articles
    )
    newest = max(a.date for a in articles)
    changed = max((a.meta.updated or a.date) for a in articles)
    return formats.FeedItem(
        id=url,
        url=url,
        title=edition_title(edition),
        published=newest,
        updated=changed if changed != newest else None,
        summary_html=(
            f"<p>{escape(config.title)}, {escape(edition.span)}: {count} "
            f"article{'' if count == 1 else 's'}.</p><ul>{teaser}</ul>"
        ),
        content_html="\n".join(parts),
        tags=(),
        authors=(),
    )
