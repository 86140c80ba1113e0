"""formats.py: dates, the three writers, and the text of HTML for summaries."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Callable
from dataclasses import replace

import feedparser
import pytest

from builder.core.models import Article, FeedOptions, SiteConfig, Source
from builder.core.paths import SiteLayout
from builder.render import formats as feeds
from builder.render.feeds import article_item

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
Config = Callable[..., SiteConfig]
Items = Callable[..., list[feeds.FeedItem]]


def info(cfg: SiteConfig) -> feeds.FeedInfo:
    return feeds.FeedInfo(
        cfg.title,
        cfg.description,
        cfg.base_url,
        cfg.base_url + "feed.xml",
        cfg.language,
        cfg.author,
        dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO),
    )


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2025, 3, 3, 9, 15, tzinfo=TORONTO), "Mon, 03 Mar 2025 09:15:00 -0500"),
        (dt.datetime(2025, 3, 9, 3, 30, tzinfo=TORONTO), "Sun, 09 Mar 2025 03:30:00 -0400"),
        (
            dt.datetime(2024, 2, 29, 23, 59, 59, 999, tzinfo=dt.UTC),
            "Thu, 29 Feb 2024 23:59:59 +0000",
        ),
        (
            dt.datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")),
            "Thu, 01 Jan 2026 00:00:00 +0530",
        ),
    ],
)
def test_rfc822(when: dt.datetime, expected: str) -> None:
    assert feeds.rfc822(when) == expected


def test_rfc3339_keeps_the_offset_and_drops_microseconds() -> None:
    when = dt.datetime(2025, 3, 3, 9, 15, 0, 123456, tzinfo=TORONTO)
    assert feeds.rfc3339(when) == "2025-03-03T09:15:00-05:00"
    assert feeds.rfc3339(when.astimezone(dt.UTC)) == "2025-03-03T14:15:00+00:00"


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
@pytest.fixture
def items(article: Callable[..., Article]) -> Items:
    """`count` articles a day apart, newest first, each with a source, as feed items."""

    def make(cfg: SiteConfig, count: int = 3) -> list[feeds.FeedItem]:
        base = dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO)
        return [
            article_item(
                article(
                    cfg,
                    f"a{n}",
                    when=base - dt.timedelta(days=n),
                    html=f"<p>Full text {n}.</p><p>More.</p>",
                    source=Source(f"https://news.example/{n}", "News"),
                ),
                SiteLayout.of(cfg),
            )
            for n in range(count)
        ]

    return make


def test_rss_structure_and_switches(config: Config, items: Items) -> None:
    cfg = config()
    full = ET.fromstring(feeds.rss(info(cfg), items(cfg), FeedOptions()))
    channel = full.find("channel")
    assert channel.find(f"{ATOM}link").attrib == {
        "href": "https://example.org/feed.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    first = channel.find("item")
    assert [c.text for c in first.findall("category")] == ["Science", "Water"]
    assert first.findtext("guid") == first.findtext("link") == "https://example.org/2025/03/a0/"
    assert first.find("guid").get("isPermaLink") == "true"
    assert first.findtext("pubDate") == "Tue, 11 Mar 2025 07:00:00 -0400"
    assert first.findtext("description") == "<p>Summary.</p>"
    assert first.findtext(CONTENT).startswith("<p>Full text 0.</p>")
    assert first.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ana Writer"
    short = ET.fromstring(
        feeds.rss(info(cfg), items(cfg), FeedOptions(limit=2, full_content=False))
    )
    assert len(short.findall("channel/item")) == 2
    assert short.find(f"channel/item/{CONTENT}") is None
    everything = ET.fromstring(feeds.rss(info(cfg), items(cfg), FeedOptions(limit=0)))
    assert len(everything.findall("channel/item")) == 3


def test_atom_structure_and_switches(config: Config, items: Items) -> None:
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
    short = ET.fromstring(
        feeds.atom(info(cfg), [changed, plain], FeedOptions(limit=1, full_content=False))
    )
    assert len(short.findall(f"{ATOM}entry")) == 1
    assert short.find(f"{ATOM}entry/{ATOM}content") is None


def test_json_feed_structure_and_switches(config: Config, items: Items) -> None:
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
    short = json.loads(
        feeds.json_feed(info(cfg), items(cfg), FeedOptions(limit=1, full_content=False))
    )
    assert len(short["items"]) == 1
    # Summary only, but content_html stays: JSON Feed requires content on every item.
    assert short["items"][0]["content_html"] == (
        '<p>Summary.</p>\n<p class="source">Originally published in '
        '<a href="https://news.example/0">News</a>.</p>'
    )


def test_characters_xml_cannot_carry_are_dropped(config: Config, items: Items) -> None:
    cfg = config()
    item = replace(
        items(cfg, 1)[0], title="Bell\x07 and form\x0c feed", content_html="<p>tab\tkept\x00</p>"
    )
    for writer in (feeds.rss, feeds.atom):
        data = writer(info(cfg), [item], FeedOptions())
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].title == "Bell and form feed"


def test_the_same_items_give_the_same_bytes(config: Config, items: Items) -> None:
    cfg = config()
    for writer in (feeds.rss, feeds.atom, feeds.json_feed):
        assert writer(info(cfg), items(cfg), FeedOptions()) == writer(
            info(cfg), items(cfg), FeedOptions()
        )


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Prices rose <em>sharply</em>, then fell.</p>", "Prices rose sharply, then fell."),
        ("<p>A <a href='/x'>link</a>; <strong>b</strong><em>c</em>.</p>", "A link; bc."),
        ("<p>First.</p><p>Second.</p>", "First. Second."),
        ("<ul><li>one</li><li>two</li></ul>", "one two"),
        ("line<br>break", "line break"),
        ("<h2>Head</h2>Body", "Head Body"),
        ("<p>Fish &amp; chips &lt;3 &#8212; caf&eacute;</p>", "Fish & chips <3 — café"),
        ("<p>  spread\n  over\tlines  </p>", "spread over lines"),
        ("<p>Shown</p><script>hidden()</script><style>p{}</style>", "Shown"),
        ("", ""),
    ],
)
def test_plain_text_joins_inline_elements_and_separates_blocks(html: str, text: str) -> None:
    assert feeds.plain_text(html) == text


def test_json_feed_summary_keeps_words_whole(config: Config, items: Items) -> None:
    cfg = config()
    item = replace(items(cfg, 1)[0], summary_html="<p>Prices rose <em>sharply</em>, then fell.</p>")
    feed = json.loads(feeds.json_feed(info(cfg), [item], FeedOptions()))
    assert feed["items"][0]["summary"] == "Prices rose sharply, then fell."
