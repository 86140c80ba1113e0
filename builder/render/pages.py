"""One function per page type, each returning the Specs of its pages.

render/outputs.py lists them; each takes the Job (site, layout, the
template page maker) and yields its pages. Each list page is fingerprinted
by the keys of the articles it shows, so adding one article re-renders
only the lists that article appears in (and the pages after it in those
lists), never the whole site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from builder.core.models import ArchiveMonth, ArchiveYear, Article, Author, Edition, Page, Tag
from builder.render import feeds, i18n, search_shards, shapes
from builder.render.context import (
    MonthGroup,
    edition_groups,
    edition_key,
    edition_title,
    sent_editions,
    thanks_line,
)
from builder.render.engine import Job, Spec

LATEST = 5  # articles the 404 page offers


def articles(job: Job) -> Iterator[Spec]:
    """Each article's own page."""
    for article in job.site.articles:
        if isinstance(article, Article):  # a link item has no page of its own
            yield article_page(job, article)


def article_page(job: Job, article: Article) -> Spec:
    """One article's own page (the search index reads it too: render/search.py)."""
    return shapes.own_page(job, "article.html", article, article.page_key or article.key)


def pages(job: Job) -> Iterator[Spec]:
    """Each page of content/pages/ (About, Contact...)."""
    for page in job.site.pages:
        yield page_page(job, page)


def page_page(job: Job, page: Page) -> Spec:
    """One page's own page."""
    return shapes.own_page(job, "page.html", page, page.key)


def index(job: Job) -> Iterator[Spec]:
    """The front page: every article, newest first, in pages of `paginate`."""
    site, config = job.site, job.site.config
    sent = sent_editions(site)
    latest = {"latest_edition": sent[0] if sent else None}
    yield from shapes.paged(
        job,
        "index.html",
        job.layout.home,
        tuple(range(len(site.articles))),
        config.title,
        config.description,
        latest,
        job.info.feeds,
    )


def tags(job: Job) -> Iterator[Spec]:
    """The list of every tag with its number of articles."""
    site, layout = job.site, job.layout
    counts = tuple((t.name, t.slug, t.url, len(t.articles)) for t in site.tags)

    def context() -> dict:
        return {
            "page": shapes.generated_info(
                job,
                shapes.translate(job, "Tags"),
                shapes.translate(
                    job,
                    "Every tag on %(site)s, with its number of articles",
                    site=site.config.title,
                ),
                layout.tags_index,
                "tags",
            ),
            "tags": site.tags,
        }

    yield job.page("tags.html", layout.output(layout.tags_index), counts, "generated", context)


def tag_pages(job: Job, only: Iterable[Tag] | None = None) -> Iterator[Spec]:
    """Each tag's articles (or `only` these tags'), in pages, linking the tag's feed."""
    site, title = job.site, job.site.config.title
    linked = feeds.alternates(site, job.layout)
    for tag in site.tags if only is None else only:
        yield from shapes.paged(
            job,
            "tag.html",
            tag.url,
            tag.articles,
            tag.name,
            f"Articles tagged {tag.name} on {title}",
            {"tag": tag},
            linked.get(tag.url, ()),
        )


def authors(job: Job, only: Iterable[Author] | None = None) -> Iterator[Spec]:
    """Each author of `authors:` in site.yaml (or `only` these): their articles, in pages,
    linking their feed."""
    site, title = job.site, job.site.config.title
    linked = feeds.alternates(site, job.layout)
    for author in site.authors if only is None else only:
        yield from shapes.paged(
            job,
            "author.html",
            author.url,
            author.articles,
            author.name,
            shapes.translate(job, "Articles by %(name)s on %(site)s", name=author.name, site=title),
            {"author": author},
            linked.get(author.url, ()),
        )


def archive(job: Job) -> Iterator[Spec]:
    """Every year with its months and their numbers of articles."""
    site, layout = job.site, job.layout
    counts = tuple(
        (y.year, tuple((m.month, len(m.articles)) for m in y.months)) for y in site.years
    )

    def context() -> dict:
        return {
            "page": shapes.generated_info(
                job,
                shapes.translate(job, "Archive"),
                shapes.translate(
                    job, "Every article on %(site)s, by year and month", site=site.config.title
                ),
                layout.archive,
                "archive",
            ),
            "years": site.years,
        }

    yield job.page("archive.html", layout.output(layout.archive), counts, "generated", context)


def years(job: Job) -> Iterator[Spec]:
    """A page per year, its articles grouped by month."""
    site = job.site
    for year in site.years:

        def extra(year: ArchiveYear = year) -> dict:
            return {
                "year": year,
                "months": [
                    MonthGroup(m, tuple(site.articles[i] for i in m.articles)) for m in year.months
                ],
            }

        yield shapes.list_page(job, "year.html", year.url, str(year.year), year.articles, extra)


def months(job: Job) -> Iterator[Spec]:
    """A page per month of every year."""
    for year in job.site.years:
        for month in year.months:

            def extra(month: ArchiveMonth = month) -> dict:
                return {"month": month}

            name = i18n.month_year(job.site.config.language, month)
            yield shapes.list_page(job, "month.html", month.url, name, month.articles, extra)


def editions(job: Job) -> Iterator[Spec]:
    """The list of editions, newest first, when the site has any: each with its number,
    dates, note title and first three headlines."""
    site, layout, config = job.site, job.layout, job.site.config
    if not site.editions:
        return
    summary = tuple((edition_key(e, site), e.note_title) for e in site.editions)
    linked = feeds.alternates(site, layout).get(layout.editions_index, ())

    def context() -> dict:
        return {
            "page": shapes.generated_info(
                job,
                shapes.translate(job, "Editions"),
                shapes.translate(job, "Every edition of %(site)s, newest first", site=config.title),
                layout.editions_index,
                "editions",
                linked,
            ),
            "editions": site.editions,
            "headlines": {
                e.id: [site.articles[i] for i in e.articles[:HEADLINES]] for e in site.editions
            },
        }

    yield job.page(
        "editions.html",
        layout.output(layout.editions_index),
        (summary, linked),
        "generated",
        context,
    )


HEADLINES = 3  # the headlines the editions index shows of each edition


def edition_pages(job: Job) -> Iterator[Spec]:
    """Each edition: its note, then its items section by section, and its credits."""
    site, layout, config = job.site, job.layout, job.site.config
    linked = feeds.alternates(site, layout).get(layout.editions_index, ())
    for edition in site.editions:

        def context(edition: Edition = edition) -> dict:
            count = len(edition.articles)
            description = (
                f"{config.title}, {edition.span}: {count} article{'' if count == 1 else 's'}."
            )
            return {
                "page": shapes.generated_info(
                    job, edition_title(edition), description, edition.url, "edition", linked
                ),
                "edition": edition,
                "groups": edition_groups(edition, site),
                "thanks": thanks_line(edition.credits),
            }

        origin = f"content/editions/{edition.id}.md" if edition.note_key else "generated"
        yield job.page(
            "edition.html",
            edition.out_path,
            (edition_key(edition, site), edition.note_title, edition.prev, edition.next, linked),
            origin,
            context,
        )


def not_found(job: Job) -> Iterator[Spec]:
    """The page hosts show for a URL that leads nowhere."""
    layout = job.layout

    def context() -> dict:
        return {
            "page": shapes.generated_info(
                job, shapes.translate(job, "Page not found"), "", layout.not_found, "404"
            ),
            "latest": job.site.articles[:LATEST],
        }

    keys = tuple(a.key for a in job.site.articles[:LATEST])
    yield job.page("404.html", layout.output(layout.not_found), keys, "generated", context)


def search(job: Job) -> Iterator[Spec]:
    """The search page: Pagefind's interface over the index (render/search.py)."""
    layout, config = job.layout, job.site.config
    if not config.search:
        return
    # The index is in parts, searched together: the page names them all, the first first.
    bundles = search_shards.bundles(job.site.articles, layout.pagefind)

    def context() -> dict:
        return {
            "page": shapes.generated_info(
                job,
                shapes.translate(job, "Search"),
                shapes.translate(job, "Search %(site)s", site=config.title),
                layout.search,
                "search",
            ),
            "bundles": bundles,
        }

    yield job.page("search.html", layout.output(layout.search), bundles, "generated", context)
