"""feeds.py: URLs made absolute, dates, the three writers, and every per-feed switch."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser
import pytest

from builder.core.models import (
    Article,
    ArticleMeta,
    FeedOptions,
    FeedsConfig,
    MarkdownConfig,
    Permalinks,
    Rendered,
    SiteConfig,
    Source,
    TagRef,
)
from builder.render import formats as feeds

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def config(base_url: str = "https://example.org/") -> SiteConfig:
    return SiteConfig(
        root=Path("/site"), config_path=Path("/site/site.yaml"), title="Test Digest",
        description="A digest for tests.", base_url=base_url, language="en",
        timezone="America/Toronto", author="The desk", theme="default", paginate=10,
        permalinks=Permalinks(), feeds=FeedsConfig(), markdown=MarkdownConfig(),
        editions="week", related=5, output_dir=Path("/site/output"),
    )


def article(cfg: SiteConfig, slug: str = "first", *, html: str = "<p>Body.</p>",
            summary: str = "<p>Summary.</p>", source: Source | None = None,
            updated: dt.datetime | None = None, image: str | None = None,
            when: dt.datetime = dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO)) -> Article:
    meta = ArticleMeta(
        path=f"content/2025/03/{slug}.md", kind="article", title=f"Title of {slug}",
        date=when, updated=updated, tags=(("Science", 3), ("Water", 3)), summary=None,
        slug=slug, draft=False, source=source, authors=("Ana Writer",), image=image,
    )
    url = cfg.base_path + f"2025/03/{slug}/"
    tags = tuple(TagRef(t, t.lower(), cfg.base_path + f"tags/{t.lower()}/")
                 for t in ("Science", "Water"))
    return Article(meta, Rendered(html, summary, (), 2, 1), url, f"2025/03/{slug}/index.html",
                   tags, key=slug)


def info(cfg: SiteConfig) -> feeds.FeedInfo:
    return feeds.FeedInfo(cfg.title, cfg.description, cfg.base_url, cfg.base_url + "feed.xml",
                          cfg.language, cfg.author,
                          dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO))


# --------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------
@pytest.mark.parametrize(("base", "path", "expected"), [
    ("https://example.org/", "/2025/03/x/", "https://example.org/2025/03/x/"),
    ("https://example.org/digest/", "/digest/2025/03/x/", "https://example.org/digest/2025/03/x/"),
    ("https://example.org/digest/", "tags/", "https://example.org/digest/tags/"),
    ("https://example.org/", "/tags/québec/", "https://example.org/tags/qu%C3%A9bec/"),
    ("https://example.org/", "https://other.example/a?b=1&c=2", "https://other.example/a?b=1&c=2"),
    ("https://example.org/", "/a%20b/", "https://example.org/a%20b/"),
])
def test_absolute(base: str, path: str, expected: str) -> None:
    assert feeds.absolute(path, config(base)) == expected


def test_absolutize_makes_every_kind_of_link_absolute() -> None:
    cfg = config("https://example.org/digest/")
    page = "https://example.org/digest/2025/03/first/"
    html = ('<p><a href="#notes">notes</a> <a href="/digest/tags/water/">water</a> '
            "<a href='../other/'>other</a> <img src=\"chart.png\" alt=\"\"> "
            '<img srcset="/digest/a.png 1x, b.png 2x" src="/digest/a.png" alt=""> '
            '<a href="mailto:desk@example.org">mail</a> <a href="https://else.example/">x</a> '
            '<a href="//cdn.example/x.js">y</a> <a href="?page=2&amp;q=1">q</a></p>')
    assert feeds.absolutize(html, page, cfg) == (
        '<p><a href="https://example.org/digest/2025/03/first/#notes">notes</a> '
        '<a href="https://example.org/digest/tags/water/">water</a> '
        '<a href="https://example.org/digest/2025/03/other/">other</a> '
        '<img src="https://example.org/digest/2025/03/first/chart.png" alt=""> '
        '<img srcset="https://example.org/digest/a.png 1x, '
        'https://example.org/digest/2025/03/first/b.png 2x" '
        'src="https://example.org/digest/a.png" alt=""> '
        '<a href="mailto:desk@example.org">mail</a> <a href="https://else.example/">x</a> '
        '<a href="https://cdn.example/x.js">y</a> '
        '<a href="https://example.org/digest/2025/03/first/?page=2&amp;q=1">q</a></p>')


def test_absolutize_leaves_text_that_only_looks_like_an_attribute() -> None:
    cfg = config()
    html = "<p>Write href=&quot;/x&quot; in your template.</p>"
    assert feeds.absolutize(html, "https://example.org/a/", cfg) == html


def test_image_url_is_relative_to_the_source_folder() -> None:
    cfg = config("https://example.org/digest/")
    assert feeds.image_url(article(cfg, image="chart.svg"), cfg) == \
        "https://example.org/digest/2025/03/chart.svg"
    assert feeds.image_url(article(cfg, image="https://img.example/a.png"), cfg) == \
        "https://img.example/a.png"
    assert feeds.image_url(article(cfg), cfg) is None


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------
@pytest.mark.parametrize(("when", "expected"), [
    (dt.datetime(2025, 3, 3, 9, 15, tzinfo=TORONTO), "Mon, 03 Mar 2025 09:15:00 -0500"),
    (dt.datetime(2025, 3, 9, 3, 30, tzinfo=TORONTO), "Sun, 09 Mar 2025 03:30:00 -0400"),
    (dt.datetime(2024, 2, 29, 23, 59, 59, 999, tzinfo=dt.UTC),
     "Thu, 29 Feb 2024 23:59:59 +0000"),
    (dt.datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")),
     "Thu, 01 Jan 2026 00:00:00 +0530"),
])
def test_rfc822(when: dt.datetime, expected: str) -> None:
    assert feeds.rfc822(when) == expected


def test_rfc3339_keeps_the_offset_and_drops_microseconds() -> None:
    when = dt.datetime(2025, 3, 3, 9, 15, 0, 123456, tzinfo=TORONTO)
    assert feeds.rfc3339(when) == "2025-03-03T09:15:00-05:00"
    assert feeds.rfc3339(when.astimezone(dt.UTC)) == "2025-03-03T14:15:00+00:00"


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------
def test_source_line_matches_the_article_page_wording() -> None:
    cfg = config()
    full = article(cfg, source=Source("https://news.example/a?x=1&y=2", "News & Co",
                                      "Jo <Reporter>", dt.date(2025, 3, 2)))
    assert feeds.source_line(full) == (
        '<p class="source">Originally published by Jo &lt;Reporter&gt; in '
        '<a href="https://news.example/a?x=1&amp;y=2">News &amp; Co</a>, on 2 March 2025.</p>')
    bare = article(cfg, source=Source("https://news.example/b"))
    assert feeds.source_line(bare) == ('<p class="source">Originally published at '
                                       '<a href="https://news.example/b">'
                                       "https://news.example/b</a>.</p>")
    assert feeds.source_line(article(cfg)) == ""


def test_article_item() -> None:
    cfg = config("https://example.org/digest/")
    item = feeds.article_item(article(cfg, html='<p><a href="#x">x</a></p>',
                                      source=Source("https://news.example/a", "News")), cfg)
    assert item.id == item.url == "https://example.org/digest/2025/03/first/"
    assert item.content_html == (
        '<p><a href="https://example.org/digest/2025/03/first/#x">x</a></p>\n'
        '<p class="source">Originally published in <a href="https://news.example/a">News</a>.</p>')
    assert item.summary_html == "<p>Summary.</p>"
    assert item.external_url == "https://news.example/a"
    assert item.tags == ("Science", "Water")


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def items(cfg: SiteConfig, count: int = 3) -> list[feeds.FeedItem]:
    base = dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO)
    return [feeds.article_item(article(cfg, f"a{n}", when=base - dt.timedelta(days=n),
                                       html=f"<p>Full text {n}.</p><p>More.</p>",
                                       source=Source(f"https://news.example/{n}", "News")),
                               cfg)
            for n in range(count)]


def test_rss_structure_and_switches() -> None:
    cfg = config()
    full = ET.fromstring(feeds.rss(info(cfg), items(cfg), FeedOptions()))
    channel = full.find("channel")
    assert channel.find(f"{ATOM}link").attrib == {
        "href": "https://example.org/feed.xml", "rel": "self", "type": "application/rss+xml"}
    first = channel.find("item")
    assert [c.text for c in first.findall("category")] == ["Science", "Water"]
    assert first.findtext("guid") == first.findtext("link") == "https://example.org/2025/03/a0/"
    assert first.find("guid").get("isPermaLink") == "true"
    assert first.findtext("pubDate") == "Tue, 11 Mar 2025 07:00:00 -0400"
    assert first.findtext("description") == "<p>Summary.</p>"
    assert first.findtext(CONTENT).startswith("<p>Full text 0.</p>")
    assert first.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ana Writer"
    short = ET.fromstring(feeds.rss(info(cfg), items(cfg), FeedOptions(limit=2,
                                                                       full_content=False)))
    assert len(short.findall("channel/item")) == 2
    assert short.find(f"channel/item/{CONTENT}") is None
    everything = ET.fromstring(feeds.rss(info(cfg), items(cfg), FeedOptions(limit=0)))
    assert len(everything.findall("channel/item")) == 3


def test_atom_structure_and_switches() -> None:
    cfg = config()
    changed = replace(items(cfg, 1)[0], updated=dt.datetime(2025, 3, 12, 8, tzinfo=TORONTO))
    plain = replace(items(cfg, 2)[1], authors=())
    root = ET.fromstring(feeds.atom(info(cfg), [changed, plain], FeedOptions()))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    first, second = root.findall(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}published") == "2025-03-11T07:00:00-04:00"
    assert first.findtext(f"{ATOM}updated") == "2025-03-12T08:00:00-04:00"
    assert second.findtext(f"{ATOM}updated") == second.findtext(f"{ATOM}published")
    # An entry without authors names the site's author rather than relying on inheritance.
    assert second.findtext(f"{ATOM}author/{ATOM}name") == "The desk"
    assert first.find(f"{ATOM}link[@rel='via']").get("href") == "https://news.example/0"
    assert first.find(f"{ATOM}summary").get("type") == "html"
    assert first.find(f"{ATOM}content").get("type") == "html"
    short = ET.fromstring(feeds.atom(info(cfg), [changed, plain],
                                     FeedOptions(limit=1, full_content=False)))
    assert len(short.findall(f"{ATOM}entry")) == 1
    assert short.find(f"{ATOM}entry/{ATOM}content") is None


def test_json_feed_structure_and_switches() -> None:
    cfg = config()
    full = json.loads(feeds.json_feed(info(cfg), items(cfg), FeedOptions()))
    assert full["version"] == "https://jsonfeed.org/version/1.1"
    assert full["feed_url"] == "https://example.org/feed.xml"
    first = full["items"][0]
    assert first["id"] == first["url"] == "https://example.org/2025/03/a0/"
    assert first["external_url"] == "https://news.example/0"
    assert first["content_html"].startswith("<p>Full text 0.</p><p>More.</p>")
    assert first["summary"] == "Summary."
    assert first["date_published"] == "2025-03-11T07:00:00-04:00"
    assert "date_modified" not in first
    short = json.loads(feeds.json_feed(info(cfg), items(cfg),
                                       FeedOptions(limit=1, full_content=False)))
    assert len(short["items"]) == 1
    # Summary only, but content_html stays: JSON Feed requires content on every item.
    assert short["items"][0]["content_html"] == (
        '<p>Summary.</p>\n<p class="source">Originally published in '
        '<a href="https://news.example/0">News</a>.</p>')


def test_characters_xml_cannot_carry_are_dropped() -> None:
    cfg = config()
    item = replace(items(cfg, 1)[0], title="Bell\x07 and form\x0c feed",
                   content_html="<p>tab\tkept\x00</p>")
    for writer in (feeds.rss, feeds.atom):
        data = writer(info(cfg), [item], FeedOptions())
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].title == "Bell and form feed"


def test_the_same_items_give_the_same_bytes() -> None:
    cfg = config()
    for writer in (feeds.rss, feeds.atom, feeds.json_feed):
        assert writer(info(cfg), items(cfg), FeedOptions()) == \
            writer(info(cfg), items(cfg), FeedOptions())


# --------------------------------------------------------------------------
# site.yaml switches, end to end on the fixture site
# --------------------------------------------------------------------------
def _yaml(**sections: str) -> str:
    return "feeds:\n" + "".join(f"  {name}: {{{body}}}\n" for name, body in sections.items())


def _alternates(out: Path, page: str) -> list[str]:
    html = (out / page).read_text("utf-8")
    return [line for line in html.splitlines() if 'rel="alternate"' in line]


@pytest.mark.parametrize(("name", "files"), [
    ("rss", ["feed.xml"]),
    ("atom", ["atom.xml"]),
    ("json", ["feed.json"]),
    ("tags", ["tags/transport/feed.xml", "tags/qu%C3%A9bec/feed.xml"]),
    ("editions", ["editions/feed.xml"]),
])
def test_a_disabled_feed_is_not_written_nor_linked(build_basic: Any, name: str,
                                                   files: list[str]) -> None:
    on = build_basic()
    off = build_basic(extra_yaml=_yaml(**{name: "enabled: false"}))
    assert off.result.ok
    pages = ["index.html", "tags/transport/index.html", "tags/québec/index.html",
             "editions/index.html", "editions/2025-w11/index.html"]
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
        _alternates(built.out, "tags/transport/index.html"))


FEED_FILES = [("rss", "feed.xml"), ("atom", "atom.xml"), ("json", "feed.json"),
              ("tags", "tags/transport/feed.xml"), ("editions", "editions/feed.xml")]
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
    deep = {"editions": "Read this edition",
            "tags": "Night workers had long asked"}.get(name, "Update: the city corrected")
    full = build_basic(extra_yaml=LONG).out / file
    short = build_basic(extra_yaml=SHORT).out / file
    assert deep in full.read_text("utf-8")
    assert deep not in short.read_text("utf-8")
