"""feeds.py: the one table of feeds, the feed items, and every per-feed switch of site.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser
import pytest

from builder.core.errors import Diagnostics
from builder.core.models import Article, FeedsConfig, SiteConfig, Source, StoredHtml
from builder.core.paths import SiteLayout
from builder.render import feeds, formats, outputs
from builder.render.context import FeedLink
from builder.render.engine import Job
from builder.render.theme import load_theme

BASE = "https://briefing.example.net/"
RSS, ATOM, JSON = "application/rss+xml", "application/atom+xml", "application/feed+json"


def job_of(site: Any) -> Job:
    """A Job for feed specs alone: they render no template."""
    return Job(site, SiteLayout.of(site.config), None, None, "base")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------
def test_one_row_per_feed_section_of_site_yaml() -> None:
    assert [feed.name for feed in feeds.FEEDS] == [
        field.name for field in dataclasses.fields(FeedsConfig)
    ]


def test_the_table_gives_every_feed_file(basic_site: Any) -> None:
    site = basic_site.result.site
    layout = SiteLayout.of(site.config)
    expected = [("rss", "feed.xml"), ("atom", "atom.xml"), ("json", "feed.json")]
    expected += [("tags", f"tags/{tag.slug}/feed.xml") for tag in site.tags]
    expected += [("editions", "editions/feed.xml")]
    assert [(feed.name, out) for feed, _subject, out in feeds.enabled(site, layout)] == expected
    assert [spec.out_path for spec in feeds.specs(job_of(site))] == [out for _n, out in expected]


def test_the_table_gives_every_alternate_link(basic_site: Any) -> None:
    site = basic_site.result.site
    layout = SiteLayout.of(site.config)
    linked = feeds.alternates(site, layout)
    assert linked[layout.home] == (
        FeedLink("Northwind Briefing (RSS)", BASE + "feed.xml", RSS),
        FeedLink("Northwind Briefing (Atom)", BASE + "atom.xml", ATOM),
        FeedLink("Northwind Briefing (JSON Feed)", BASE + "feed.json", JSON),
    )
    assert linked["/tags/québec/"] == (
        FeedLink("Northwind Briefing: Québec", BASE + "tags/qu%C3%A9bec/feed.xml", RSS),
    )
    assert linked[layout.editions_index] == (
        FeedLink("Northwind Briefing: editions", BASE + "editions/feed.xml", RSS),
    )
    assert set(linked) == {layout.home, layout.editions_index} | {t.url for t in site.tags}


def test_adding_a_feed_is_one_row(basic_site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    site = basic_site.result.site
    row = feeds.Feed(
        "tags", feeds._each_tag, SiteLayout.ATOM, formats.atom, formats.ATOM_TYPE, "{title} (Atom)"
    )
    monkeypatch.setattr(feeds, "FEEDS", (*feeds.FEEDS, row))
    made = {spec.out_path: spec for spec in feeds.specs(job_of(site))}
    parsed = feedparser.parse(made["tags/transport/atom.xml"].make())
    assert not parsed.bozo and parsed.feed.title == "Northwind Briefing: Transport"
    assert len(parsed.entries) == 4
    theme = load_theme(site.config, Diagnostics())
    page = next(s for s in outputs.specs(site, theme) if s.out_path == "tags/transport/index.html")
    assert (
        f'<link rel="alternate" type="{ATOM}" title="Northwind Briefing: Transport (Atom)" '
        f'href="{BASE}tags/transport/atom.xml">'
    ) in page.make().decode()


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------
def test_source_line_matches_the_article_page_wording(
    config: Callable[..., SiteConfig], article: Callable[..., Article]
) -> None:
    cfg = config()
    full = article(
        cfg,
        source=Source(
            "https://news.example/a?x=1&y=2", "News & Co", "Jo <Reporter>", dt.date(2025, 3, 2)
        ),
    )
    assert feeds.source_line(full) == (
        '<p class="source">Originally published by Jo &lt;Reporter&gt; in '
        '<a href="https://news.example/a?x=1&amp;y=2">News &amp; Co</a>, on 2 March 2025.</p>'
    )
    bare = article(cfg, source=Source("https://news.example/b"))
    assert feeds.source_line(bare) == (
        '<p class="source">Originally published at '
        '<a href="https://news.example/b">'
        "https://news.example/b</a>.</p>"
    )
    assert feeds.source_line(article(cfg)) == ""


def test_article_item(config: Callable[..., SiteConfig], article: Callable[..., Article]) -> None:
    cfg = config("https://example.org/digest/")
    item = feeds.article_item(
        article(
            cfg, html='<p><a href="#x">x</a></p>', source=Source("https://news.example/a", "News")
        ),
        SiteLayout.of(cfg),
    )
    assert item.id == item.url == "https://example.org/digest/2025/03/first/"
    assert item.content_html == (
        '<p><a href="https://example.org/digest/2025/03/first/#x">x</a></p>\n'
        '<p class="source">Originally published in <a href="https://news.example/a">News</a>.</p>'
    )
    assert item.summary_html == "<p>Summary.</p>"
    assert item.external_url == "https://news.example/a"
    assert item.tags == ("Science", "Water")


def test_edition_item(basic_site: Any) -> None:
    site = basic_site.result.site
    week12 = next(e for e in site.editions if e.id == "2025-w12")
    item = feeds.edition_item(week12, site)
    assert item.id == item.url == BASE + "editions/2025-w12/"
    assert item.title == "Week 12, 2025"
    assert formats.rfc3339(item.published) == "2025-03-20T08:00:00-04:00"
    # An article of the edition was updated after the newest one was published.
    assert item.updated is not None and formats.rfc3339(item.updated) == "2025-03-21T10:30:00-04:00"
    assert item.summary_html.startswith("<p>Northwind Briefing, 17–23 March 2025: 2 articles.</p>")
    assert item.content_html.count("<h3>") == 2
    assert "<p><small>18 March 2025 · 1 min read</small></p>" in item.content_html


def test_an_edition_item_reads_no_article_body(basic_site: Any) -> None:
    """Its articles' summaries and sources are all it shows: a body left in the cache is
    never read (serve remakes the editions feed whenever an article is added)."""
    site = basic_site.result.site
    week12 = next(e for e in site.editions if e.id == "2025-w12")

    class Unreadable:
        def read_html(self, key: str) -> str:
            raise AssertionError(f"the body {key} was read")

    unread = tuple(
        dataclasses.replace(
            a,
            rendered=dataclasses.replace(a.rendered, body=StoredHtml(Unreadable(), a.key)),
        )
        if i in week12.articles
        else a
        for i, a in enumerate(site.articles)
    )
    item = feeds.edition_item(week12, dataclasses.replace(site, articles=unread))
    assert item == feeds.edition_item(week12, site)


# --------------------------------------------------------------------------
# site.yaml switches, end to end on the fixture site
# --------------------------------------------------------------------------
def _yaml(**sections: str) -> str:
    return "feeds:\n" + "".join(f"  {name}: {{{body}}}\n" for name, body in sections.items())


def _alternates(out: Path, page: str) -> list[str]:
    html = (out / page).read_text("utf-8")
    return [line for line in html.splitlines() if 'rel="alternate"' in line]


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("rss", ["feed.xml"]),
        ("atom", ["atom.xml"]),
        ("json", ["feed.json"]),
        ("tags", ["tags/transport/feed.xml", "tags/qu%C3%A9bec/feed.xml"]),
        ("editions", ["editions/feed.xml"]),
    ],
)
def test_a_disabled_feed_is_not_written_nor_linked(
    build_basic: Any, name: str, files: list[str]
) -> None:
    on = build_basic()
    off = build_basic(extra_yaml=_yaml(**{name: "enabled: false"}))
    assert off.result.ok
    pages = [
        "index.html",
        "tags/transport/index.html",
        "tags/québec/index.html",
        "editions/index.html",
        "editions/2025-w11/index.html",
    ]
    for file in files:
        url = "https://briefing.example.net/" + file
        assert (on.out / unquote(file)).exists()
        assert any(url in line for page in pages for line in _alternates(on.out, page))
        assert not (off.out / unquote(file)).exists(), file
        assert not any(url in line for page in pages for line in _alternates(off.out, page))
    every = {"feed.xml", "atom.xml", "feed.json", "editions/feed.xml"} - set(files)
    assert all((off.out / other).exists() for other in every)


def test_feed_links_follow_the_switches(build_basic: Any) -> None:
    built = build_basic(extra_yaml=_yaml(rss="enabled: false", tags="enabled: false"))
    home = "\n".join(_alternates(built.out, "index.html"))
    assert "https://briefing.example.net/feed.xml" not in home
    assert "https://briefing.example.net/atom.xml" in home
    assert "tags/transport/feed.xml" not in "\n".join(
        _alternates(built.out, "tags/transport/index.html")
    )


FEED_FILES = [
    ("rss", "feed.xml"),
    ("atom", "atom.xml"),
    ("json", "feed.json"),
    ("tags", "tags/transport/feed.xml"),
    ("editions", "editions/feed.xml"),
]
SHORT = _yaml(**{name: "limit: 2, full_content: false" for name, _ in FEED_FILES})
LONG = _yaml(**{name: "limit: 0, full_content: true" for name, _ in FEED_FILES})


def _count(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix == ".json":
        return len(json.loads(data)["items"])
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    return len(parsed.entries)


@pytest.mark.parametrize(("name", "file"), FEED_FILES)
def test_limit(build_basic: Any, name: str, file: str) -> None:
    assert _count(build_basic(extra_yaml=SHORT).out / file) == 2
    everything = {"tags/transport/feed.xml": 4, "editions/feed.xml": 3}.get(file, 6)
    assert _count(build_basic(extra_yaml=LONG).out / file) == everything


@pytest.mark.parametrize(("name", "file"), FEED_FILES)
def test_full_content_switch(build_basic: Any, name: str, file: str) -> None:
    # Text from below the summary of one of the two newest items, or an edition's body.
    deep = {"editions": "Read this edition", "tags": "Night workers had long asked"}.get(
        name, "Update: the city corrected"
    )
    full = build_basic(extra_yaml=LONG).out / file
    short = build_basic(extra_yaml=SHORT).out / file
    assert deep in full.read_text("utf-8")
    assert deep not in short.read_text("utf-8")
