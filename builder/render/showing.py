"""Which outputs show one item: the page of each list it is on, and the feeds of those lists.

serve shows an article's lists as soon as it is added or deleted, before
the build that follows (builder/preview.py). A list is newest first, so one
added article shifts every later page of it by one; the page it is on (or
was on) is the one a reader looks for it, and the build brings the rest.
Every output here comes from the catalogue's own page functions (pages.py,
feeds.py), picked by its path: made the way a build makes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from builder.core.models import Article, Site
from builder.render import feeds, pages
from builder.render.engine import Job, Spec
from builder.render.shapes import pages_of


def outputs_showing(job: Job, home: Site, index: int) -> list[Spec]:
    """The outputs of `job`'s site that show the item at `index` of `home`'s articles, or
    that showed it there: its own page (if `job`'s site has it), the page of the front
    page, of each of its tags' and authors' lists it is on, its year's and month's pages,
    its edition's, the 404 page's latest articles, and the feeds of those lists.

    `home` is job.site itself for an added item and the site before for a deleted one:
    the page of a list where the item was is the one that lost it.
    """
    site, layout = job.site, job.layout
    item = home.articles[index]
    size = site.config.paginate
    wanted: set[str] = set()

    def page_with(first: str, items: tuple[int, ...]) -> None:
        for number, chunk in pages_of(items, size):
            if index in chunk:
                wanted.add(layout.output(layout.list_page(first, number)))

    page_with(layout.home, tuple(range(len(home.articles))))
    followed = {layout.home}  # the lists whose feeds show it: their pages' URLs
    slugs = {ref.slug for ref in item.tags}
    authors: set[str] = set()
    for tag in home.tags:
        if tag.slug in slugs:
            page_with(tag.url, tag.articles)
            followed.add(tag.url)
    for author in home.authors:
        if index in author.articles:
            page_with(author.url, author.articles)
            authors.add(author.url)
    followed |= authors
    for year in home.years:
        for month in year.months:
            if index in month.articles:
                wanted |= {layout.output(year.url), layout.output(month.url)}
    editions = [e for e in home.editions if index in e.articles]
    wanted |= {e.out_path for e in editions}
    if editions:
        followed.add(layout.editions_index)
    if index < pages.LATEST:
        wanted.add(layout.output(layout.not_found))
    wanted |= {out for _, subject, out in feeds.enabled(site, layout) if subject.home in followed}
    job = replace(job, only=frozenset(wanted))
    lines: Iterable[Iterable[Spec]] = (
        pages.index(job),
        pages.tag_pages(job, [t for t in site.tags if t.slug in slugs]),
        pages.authors(job, [a for a in site.authors if a.url in authors]),
        pages.years(job),
        pages.months(job),
        pages.edition_pages(job),
        pages.not_found(job),
        feeds.specs(job),
    )
    found = [
        pages.article_page(job, a)
        for a in site.articles
        if isinstance(a, Article) and a.meta.path == item.meta.path
    ]
    return found + [spec for line in lines for spec in line if spec.out_path in wanted]
