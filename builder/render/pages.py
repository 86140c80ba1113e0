"""One function per page type, each returning the Specs of its pages.

render/outputs.py lists them; each takes the Job (site, layout, the
template page maker) and yields its pages. Each list page is fingerprinted
by the keys of the articles it shows, so adding one article re-renders
only the lists that article appears in (and the pages after it in those
lists), never the whole site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from markupsafe import Markup

from builder.core.languages import direction
from builder.core.models import ArchiveMonth, ArchiveYear, Article, Edition, Page
from builder.render import feeds, i18n
from builder.render.context import (
    FeedLink,
    MonthGroup,
    PageInfo,
    Pagination,
    edition_groups,
    edition_key,
    edition_title,
    json_ld,
    page_info,
    plain,
    sent_editions,
    thanks_line,
)
from builder.render.engine import Job, Spec

LATEST = 5  # articles the 404 page offers


def articles(job: Job) -> Iterator[Spec]:
    """Each article's own page."""
    for article in job.site.articles:
        if isinstance(article, Article):  # a link item has no page of its own
            yield _own_page(job, "article.html", article, article.page_key or article.key)


def pages(job: Job) -> Iterator[Spec]:
    """Each page of content/pages/ (About, Contact...)."""
    for page in job.site.pages:
        yield _own_page(job, "page.html", page, page.key)


def index(job: Job) -> Iterator[Spec]:
    """The front page: every article, newest first, in pages of `paginate`."""
    site, config = job.site, job.site.config
    sent = sent_editions(site)
    latest = {"latest_edition": sent[0] if sent else None}
    yield from _paged(job, "index.html", job.layout.home, tuple(range(len(site.articles))),
                      config.title, config.description, latest, job.info.feeds)


def tags(job: Job) -> Iterator[Spec]:
    """The list of every tag with its number of articles."""
    site, layout = job.site, job.layout
    counts = tuple((t.name, t.slug, t.url, len(t.articles)) for t in site.tags)

    def context() -> dict:
        return {"page": _info(job, _t(job, "Tags"), _t(
                    job, "Every tag on %(site)s, with its number of articles",
                    site=site.config.title), layout.tags_index, "tags"),
                "tags": site.tags}

    yield job.page("tags.html", layout.output(layout.tags_index), counts, "generated", context)


def tag_pages(job: Job) -> Iterator[Spec]:
    """Each tag's articles, in pages, linking the tag's feed."""
    site, title = job.site, job.site.config.title
    linked = feeds.alternates(site, job.layout)
    for tag in site.tags:
        yield from _paged(job, "tag.html", tag.url, tag.articles, tag.name,
                          f"Articles tagged {tag.name} on {title}", {"tag": tag},
                          linked.get(tag.url, ()))


def authors(job: Job) -> Iterator[Spec]:
    """Each author of `authors:` in site.yaml: their articles, in pages, linking their feed."""
    site, title = job.site, job.site.config.title
    linked = feeds.alternates(site, job.layout)
    for author in site.authors:
        yield from _paged(job, "author.html", author.url, author.articles, author.name,
                          _t(job, "Articles by %(name)s on %(site)s", name=author.name,
                             site=title), {"author": author}, linked.get(author.url, ()))


def archive(job: Job) -> Iterator[Spec]:
    """Every year with its months and their numbers of articles."""
    site, layout = job.site, job.layout
    counts = tuple((y.year, tuple((m.month, len(m.articles)) for m in y.months))
                   for y in site.years)

    def context() -> dict:
        return {"page": _info(job, _t(job, "Archive"), _t(
                    job, "Every article on %(site)s, by year and month",
                    site=site.config.title), layout.archive, "archive"),
                "years": site.years}

    yield job.page("archive.html", layout.output(layout.archive), counts, "generated", context)


def years(job: Job) -> Iterator[Spec]:
    """A page per year, its articles grouped by month."""
    site = job.site
    for year in site.years:
        def extra(year: ArchiveYear = year) -> dict:
            return {"year": year, "months": [
                MonthGroup(m, tuple(site.articles[i] for i in m.articles)) for m in year.months]}

        yield _list_page(job, "year.html", year.url, str(year.year), year.articles, extra)


def months(job: Job) -> Iterator[Spec]:
    """A page per month of every year."""
    for year in job.site.years:
        for month in year.months:
            def extra(month: ArchiveMonth = month) -> dict:
                return {"month": month}

            name = i18n.month_year(job.site.config.language, month)
            yield _list_page(job, "month.html", month.url, name, month.articles, extra)


def editions(job: Job) -> Iterator[Spec]:
    """The list of editions, newest first, when the site has any: each with its number,
    dates, note title and first three headlines."""
    site, layout, config = job.site, job.layout, job.site.config
    if not site.editions:
        return
    summary = tuple((edition_key(e, site), e.note_title) for e in site.editions)
    linked = feeds.alternates(site, layout).get(layout.editions_index, ())

    def context() -> dict:
        return {"page": _info(job, _t(job, "Editions"), _t(
                    job, "Every edition of %(site)s, newest first", site=config.title),
                    layout.editions_index, "editions", linked),
                "editions": site.editions,
                "headlines": {e.id: [site.articles[i] for i in e.articles[:HEADLINES]]
                              for e in site.editions}}

    yield job.page("editions.html", layout.output(layout.editions_index), (summary, linked),
                   "generated", context)


HEADLINES = 3  # the headlines the editions index shows of each edition


def edition_pages(job: Job) -> Iterator[Spec]:
    """Each edition: its note, then its items section by section, and its credits."""
    site, layout, config = job.site, job.layout, job.site.config
    linked = feeds.alternates(site, layout).get(layout.editions_index, ())
    for edition in site.editions:

        def context(edition: Edition = edition) -> dict:
            count = len(edition.articles)
            description = (f"{config.title}, {edition.span}: {count} "
                           f"article{'' if count == 1 else 's'}.")
            return {"page": _info(job, edition_title(edition), description, edition.url,
                                  "edition", linked),
                    "edition": edition, "groups": edition_groups(edition, site),
                    "thanks": thanks_line(edition.credits)}

        origin = f"content/editions/{edition.id}.md" if edition.note_key else "generated"
        yield job.page("edition.html", edition.out_path,
                       (edition_key(edition, site), edition.note_title, edition.prev,
                        edition.next, linked), origin, context)


def not_found(job: Job) -> Iterator[Spec]:
    """The page hosts show for a URL that leads nowhere."""
    layout = job.layout

    def context() -> dict:
        return {"page": _info(job, _t(job, "Page not found"), "", layout.not_found, "404"),
                "latest": job.site.articles[:LATEST]}

    keys = tuple(a.key for a in job.site.articles[:LATEST])
    yield job.page("404.html", layout.output(layout.not_found), keys, "generated", context)


def search(job: Job) -> Iterator[Spec]:
    """The search page: Pagefind's interface over the index (render/search.py)."""
    layout, config = job.layout, job.site.config
    if not config.search:
        return

    def context() -> dict:
        return {"page": _info(job, _t(job, "Search"), _t(job, "Search %(site)s",
                                                          site=config.title),
                              layout.search, "search")}

    yield job.page("search.html", layout.output(layout.search), (), "generated", context)


# --------------------------------------------------------------------------
# Shared by the page types
# --------------------------------------------------------------------------
def _own_page(job: Job, template: str, entry: Article | Page, key: str) -> Spec:
    """An article's or a page's own page; only its `key` says what it shows.

    Templates see either as `article` (docs/themes.md); only an article has JSON-LD.
    """
    site, layout = job.site, job.layout
    lang = entry.meta.lang or site.config.language

    def context() -> dict:
        info = PageInfo(
            title=entry.title,
            description=plain(entry.rendered.summary_html),
            url=entry.url,
            canonical=layout.absolute(entry.url),
            kind="article" if isinstance(entry, Article) else "page",
            image=layout.image_url(entry.meta),
            json_ld=Markup(json_ld(entry, site, layout)) if isinstance(entry, Article) else "",
            lang=lang,
            dir=direction(lang),
        )
        return {"page": info, "article": entry, "content": Markup(entry.rendered.html),
                "summary": Markup(entry.rendered.summary_html)}

    return job.page(template, entry.out_path, (key,), entry.meta.path, context)


def _t(job: Job, message: str, **values: object) -> str:
    """`message` in the site's language, from the theme's catalogues, `values` filled in."""
    text = job.theme.gettext(job.site.config.language, message)
    return text % values if values else text


def _info(job: Job, title: str, description: str, url: str, kind: str,
          feeds: tuple[FeedLink, ...] = ()) -> PageInfo:
    """`page` for a generated page: in the site's language."""
    return page_info(job.layout, title, description, url, kind, feeds,
                     lang=job.site.config.language)


def pages_of(items: tuple[int, ...] | list[int], size: int) -> Iterator[tuple[int, list[int]]]:
    """(page number, indexes) for each page of a list; an empty list has one page."""
    items = list(items)
    total = max(1, -(-len(items) // size))
    for number in range(1, total + 1):
        yield number, items[(number - 1) * size: number * size]


def _paged(job: Job, template: str, first: str, items: tuple[int, ...], title: str,
           description: str, extra: dict, linked: tuple[FeedLink, ...] = ()) -> Iterator[Spec]:
    """A list split into pages: `first`, then its page/N/ (SiteLayout.list_page)."""
    site, layout = job.site, job.layout
    chunks = list(pages_of(items, site.config.paginate))
    total = len(chunks)
    for number, chunk in chunks:
        url = layout.list_page(first, number)
        pagination = Pagination(number, total,
                                layout.list_page(first, number - 1) if number > 1 else None,
                                layout.list_page(first, number + 1) if number < total else None)
        keys = tuple(site.articles[i].key for i in chunk)
        page_title = title if number == 1 else _t(job, "%(title)s (page %(number)s)",
                                                  title=title, number=number)

        def context(chunk: list[int] = chunk, pagination: Pagination = pagination,
                    url: str = url, page_title: str = page_title) -> dict:
            info = _info(job, page_title, description, url, template.removesuffix(".html"),
                         linked)
            return {"page": info, "articles": [site.articles[i] for i in chunk],
                    "pagination": pagination, **extra}

        yield job.page(template, layout.output(url),
                       (keys, pagination, page_title, repr(extra), linked), "generated", context)


def _list_page(job: Job, template: str, url: str, title: str, items: tuple[int, ...],
               extra: Callable[[], dict]) -> Spec:
    """A list on one page (a year, a month)."""
    site, layout = job.site, job.layout
    keys = tuple(site.articles[i].key for i in items)

    def context() -> dict:
        return {"page": _info(job, title, _t(job, "Articles from %(period)s on %(site)s",
                                             period=title, site=site.config.title),
                              url, template.removesuffix(".html")),
                "articles": [site.articles[i] for i in items], **extra()}

    return job.page(template, layout.output(url), (keys, title), "generated", context)
