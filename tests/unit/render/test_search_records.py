"""Link items in the search index: each a Pagefind record, found where a reader finds it.

Pagefind itself (the files it writes, the records' way into them) is
tests/e2e/test_search.py; here the records handed to it are checked.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from builder.core.models import Article, Link, LinkItem, LinkMeta, Rendered, SiteConfig, TagRef
from builder.render.search import Record, records

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
WEEK = Link("Week 11, 2025", "/digest/editions/2025-w11/")


def link_item(
    slug: str,
    comment: str,
    *,
    lang: str | None = None,
    edition: Link | None = WEEK,
    tags: tuple[str, ...] = ("Ferries",),
) -> LinkItem:
    meta = LinkMeta(
        path=f"content/2025/03/{slug}.md",
        title=f"Headline of {slug}",
        summary=None,
        slug=slug,
        draft=False,
        updated=None,
        lang=lang,
        date=dt.datetime(2025, 3, 12, 9, tzinfo=TORONTO),
        tags=tuple((t, 4) for t in tags),
        link=f"https://elsewhere.example/{slug}",
    )
    return LinkItem(
        meta=meta,
        rendered=Rendered(comment, "", (), 3, 1),
        url=meta.link,
        tags=tuple(TagRef(t, t.lower(), f"/digest/tags/{t.lower()}/") for t in tags),
        key=slug,
        edition=edition,
        anchor=f"link-{slug}",
    )


def test_a_link_item_is_a_record_at_its_card_on_its_edition_page(
    config: Callable[..., SiteConfig], article: Callable[..., Article]
) -> None:
    item = link_item(
        "timetable",
        "<p>The first <em>hydro</em>foil sailings.</p><ul><li>Fares&nbsp;&amp; times</li></ul>",
        tags=("Ferries", "Timetables"),
    )
    # Articles are Pagefind's to read from their pages: no record of their own.
    got = records([article(config("https://example.org/digest/")), item], "en")
    assert got == [
        Record(
            url="/digest/editions/2025-w11/#link-timetable",
            content="Headline of timetable\nThe first hydrofoil sailings. Fares & times",
            language="en",
            meta={"title": "Headline of timetable"},
            filters={
                "tag": ["Ferries", "Timetables"],
                "year": ["2025"],
                "edition": ["Week 11, 2025"],
            },
        )
    ]


def test_its_language_is_its_lang_else_the_sites_in_pagefinds_spelling() -> None:
    got = records(
        [link_item("a", "", lang="zh-Hans"), link_item("b", "", lang="ar"), link_item("c", "")],
        "fr",
    )
    # Pagefind files <html lang="zh-Hans"> under zh-hans: a record must say the same to
    # land in that index and not in one of its own.
    assert [(r.url.rsplit("#", 1)[1], r.language) for r in got] == [
        ("link-a", "zh-hans"),
        ("link-b", "ar"),
        ("link-c", "fr"),
    ]
    assert got[0].content == "Headline of a"  # no comment: the headline alone


def test_an_item_in_no_edition_is_found_where_it_points_without_edition_or_tag_filters() -> None:
    (got,) = records([link_item("loose", "<p>Words.</p>", edition=None, tags=())], "en")
    assert got.url == "https://elsewhere.example/loose"
    assert got.filters == {"year": ["2025"]}
