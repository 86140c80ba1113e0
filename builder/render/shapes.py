"""The shapes every page type is built from: an entry's own page, a list split into
pages, a list on one page, and the `page` variable of a generated page.

pages.py says which pages a site has; this module says how one of each shape is
made, so a new page type (docs/architecture.md) is a few lines there, not a copy here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from markupsafe import Markup

from builder.core.languages import direction
from builder.core.models import Article, Page
from builder.render.context import FeedLink, PageInfo, Pagination, json_ld, page_info, plain
from builder.render.engine import Job, Spec


def own_page(job: Job, template: str, entry: Article | Page, key: str) -> Spec:
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
        return {
            "page": info,
            "article": entry,
            "content": Markup(entry.rendered.html),
            "summary": Markup(entry.rendered.summary_html),
        }

    return job.page(template, entry.out_path, (key,), entry.meta.path, context)


def translate(job: Job, message: str, **values: object) -> str:
    """`message` in the site's language, from the theme's catalogues, `values` filled in."""
    text = job.theme.gettext(job.site.config.language, message)
    return text % values if values else text


def generated_info(
    job: Job, title: str, description: str, url: str, kind: str, feeds: tuple[FeedLink, ...] = ()
) -> PageInfo:
    """`page` for a generated page: in the site's language."""
    return page_info(
        job.layout, title, description, url, kind, feeds, lang=job.site.config.language
    )


def pages_of(items: tuple[int, ...] | list[int], size: int) -> Iterator[tuple[int, list[int]]]:
    """(page number, indexes) for each page of a list; an empty list has one page."""
    items = list(items)
    total = max(1, -(-len(items) // size))
    for number in range(1, total + 1):
        yield number, items[(number - 1) * size : number * size]


def as_shown(extra: dict) -> str:
    """What a list page shows of `extra` (its tag, its author), for its fingerprint.

    Their `articles` are indexes into the site's articles, newest first,
    which all shift when a newer article is added: named by them, every page
    of every tag would be made again for one new article. A page shows their
    number; the articles it lists are in its keys.
    """
    shown = {}
    for name, value in sorted(extra.items()):
        if dataclasses.is_dataclass(value) and isinstance(getattr(value, "articles", None), tuple):
            values = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            values["articles"] = len(values["articles"])
            value = (type(value).__name__, *values.values())
        shown[name] = value
    return repr(shown)


def paged(
    job: Job,
    template: str,
    first: str,
    items: tuple[int, ...],
    title: str,
    description: str,
    extra: dict,
    linked: tuple[FeedLink, ...] = (),
) -> Iterator[Spec]:
    """A list split into pages: `first`, then its page/N/ (SiteLayout.list_page)."""
    site, layout = job.site, job.layout
    chunks = list(pages_of(items, site.config.paginate))
    total = len(chunks)
    shown = as_shown(extra)  # once per list
    for number, chunk in chunks:
        url = layout.list_page(first, number)
        pagination = Pagination(
            number,
            total,
            layout.list_page(first, number - 1) if number > 1 else None,
            layout.list_page(first, number + 1) if number < total else None,
        )
        keys = tuple(site.articles[i].key for i in chunk)

        def context(
            chunk: list[int] = chunk,
            pagination: Pagination = pagination,
            url: str = url,
            number: int = number,
        ) -> dict:
            page_title = (
                title
                if number == 1
                else translate(job, "%(title)s (page %(number)s)", title=title, number=number)
            )
            info = generated_info(
                job, page_title, description, url, template.removesuffix(".html"), linked
            )
            return {
                "page": info,
                "articles": [site.articles[i] for i in chunk],
                "pagination": pagination,
                **extra,
            }

        yield job.page(
            template,
            layout.output(url),
            (keys, pagination, title, shown, linked),  # the page's title: (title, number)
            "generated",
            context,
        )


def list_page(
    job: Job, template: str, url: str, title: str, items: tuple[int, ...], extra: Callable[[], dict]
) -> Spec:
    """A list on one page (a year, a month)."""
    site, layout = job.site, job.layout
    keys = tuple(site.articles[i].key for i in items)

    def context() -> dict:
        return {
            "page": generated_info(
                job,
                title,
                translate(
                    job,
                    "Articles from %(period)s on %(site)s",
                    period=title,
                    site=site.config.title,
                ),
                url,
                template.removesuffix(".html"),
            ),
            "articles": [site.articles[i] for i in items],
            **extra(),
        }

    return job.page(template, layout.output(url), (keys, title), "generated", context)
