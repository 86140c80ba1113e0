"""render.py and render_lists.py: which files a site becomes, and what lists hold.

The site model comes from building tests/fixtures/site-basic once; tests
that need another shape change that model in memory with dataclasses.replace.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from builder.core.errors import Diagnostics
from builder.render import engine as render
from builder.render import formats as feeds
from builder.render import pages as render_lists
from builder.render.theme import load_theme

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://briefing.example.net/"


def _titles(articles: Any) -> list[str]:
    return [a.title for a in articles]


def test_pages_of_splits_lists_and_an_empty_list_has_one_page() -> None:
    assert list(render.pages_of((1, 2, 3, 4, 5), 2)) == [(1, [1, 2]), (2, [3, 4]), (3, [5])]
    assert list(render.pages_of((), 10)) == [(1, [])]


def test_plain_cuts_at_a_word_boundary() -> None:
    assert render.plain("<p>Short &amp; <em>sweet</em>.</p>") == "Short & sweet ."
    text = render.plain("<p>" + "word " * 100 + "</p>", limit=30)
    assert text == "word word word word word…"
    assert len(text) <= 30


def test_the_site_becomes_exactly_these_files(basic_site: Any) -> None:
    files = sorted(p.relative_to(basic_site.out).as_posix()
                   for p in basic_site.out.rglob("*") if p.is_file())
    pages = [f for f in files if f.endswith(".html")]
    assert [f for f in pages if "page/" in f] == ["page/2/index.html",
                                                   "tags/transport/page/2/index.html"]
    assert [f for f in files if f.endswith((".xml", ".json", ".txt"))] == [
        "atom.xml", "editions/feed.xml", "feed.json", "feed.xml", "robots.txt", "sitemap.xml",
        "tags/cities/feed.xml", "tags/data/feed.xml", "tags/québec/feed.xml",
        "tags/science/feed.xml", "tags/transport/feed.xml", "tags/water/feed.xml"]
    assert "2025/03/thaw-chart.svg" in files
    assert {"2025/index.html", "2025/03/index.html", "archive/index.html",
            "editions/index.html", "editions/2025-w10/index.html", "404.html",
            "about/index.html", "tags/index.html"} <= set(pages)


def test_specs_are_stable(basic_site: Any) -> None:
    site = basic_site.result.site
    theme = load_theme(site.config, Diagnostics())
    first = [(s.out_path, s.fingerprint) for s in render.specs(site, theme)]
    again = [(s.out_path, s.fingerprint) for s in render.specs(site, theme)]
    assert first == again
    assert len({path for path, _ in first}) == len(first)


# --------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------
def test_edition_groups_by_first_tag_then_newest_first(basic_site: Any) -> None:
    site = basic_site.result.site
    week12 = next(e for e in site.editions if e.id == "2025-w12")
    groups = render_lists.edition_groups(week12, site)
    assert [(g.name, g.slug, g.url) for g in groups] == [
        ("Cities", "cities", "/tags/cities/"), ("Transport", "transport", "/tags/transport/")]
    assert _titles(groups[0].articles) == ["King Street bike lanes: the construction schedule"]


def test_untagged_articles_form_the_last_group(basic_site: Any) -> None:
    site = basic_site.result.site
    week10 = next(e for e in site.editions if e.id == "2025-w10")
    articles = list(site.articles)
    for i in week10.articles:
        if articles[i].meta.slug == "ferry-operators-trial-battery-crossings":
            articles[i] = replace(articles[i], tags=())
    groups = render_lists.edition_groups(week10, replace(site, articles=tuple(articles)))
    assert [(g.name, g.url) for g in groups] == [("Cities", "/tags/cities/"), ("Other", None)]
    assert groups[-1].slug == "untagged"


def test_edition_item(basic_site: Any) -> None:
    site = basic_site.result.site
    week12 = next(e for e in site.editions if e.id == "2025-w12")
    item = render_lists.edition_item(week12, site)
    assert item.id == item.url == BASE + "editions/2025-w12/"
    assert item.title == "Week 12, 2025"
    assert feeds.rfc3339(item.published) == "2025-03-20T08:00:00-04:00"
    # An article of the edition was updated after the newest one was published.
    assert item.updated is not None and feeds.rfc3339(item.updated) == \
        "2025-03-21T10:30:00-04:00"
    assert item.summary_html.startswith("<p>Northwind Briefing, 17–23 March 2025: 2 articles.</p>")
    assert item.content_html.count("<h3>") == 2
    assert "<p><small>18 March 2025 · 1 min read</small></p>" in item.content_html


def test_edition_title_includes_the_note_title(basic_site: Any) -> None:
    site = basic_site.result.site
    assert [render_lists.edition_title(e) for e in site.editions] == [
        "Week 12, 2025", "Week 11, 2025: Thaw, turnstiles and the night bus", "Week 10, 2025"]


# --------------------------------------------------------------------------
# Sitemap and robots.txt
# --------------------------------------------------------------------------
def test_sitemap_lists_every_page_with_lastmod(basic_site: Any) -> None:
    root = ET.parse(basic_site.out / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
               for u in root.iter(f"{SITEMAP}url")}
    pages = {BASE + p.relative_to(basic_site.out).as_posix().removesuffix("index.html")
             for p in basic_site.out.rglob("index.html") if "/page/" not in p.as_posix()}
    listed = {feeds.to_uri(url) for url in pages}
    assert set(entries) == listed
    assert entries[BASE + "2025/03/king-street-construction-schedule/"] == "2025-03-21"
    assert entries[BASE + "2025/03/ferry-operators-trial-battery-crossings/"] == "2025-03-03"
    assert entries[BASE + "editions/2025-w10/"] == "2025-03-05"
    assert entries[BASE + "tags/qu%C3%A9bec/"] == "2025-03-11"
    assert entries[BASE] == "2025-03-21"
    assert entries[BASE + "about/"] is None


def test_robots_points_at_the_sitemap(basic_site_subpath: Any) -> None:
    assert (basic_site_subpath.out / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\n\nSitemap: https://briefing.example.net/digest/sitemap.xml\n")


# --------------------------------------------------------------------------
# JSON-LD
# --------------------------------------------------------------------------
def test_json_ld_cannot_close_its_script_element(basic_site: Any) -> None:
    site = basic_site.result.site
    article = site.articles[0]
    hostile = replace(article, meta=replace(article.meta, title="</script><b>x</b> & <!--"))
    text = render._json_ld(hostile, site)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><b>x</b> & <!--"


@pytest.mark.parametrize("page", ["2025/03/lake-records-show-earlier-thaw/index.html"])
def test_json_ld_news_article(basic_site: Any, page: str) -> None:
    html = (basic_site.out / page).read_text("utf-8")
    block = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Lake records show the spring thaw arriving earlier"
    assert data["datePublished"] == "2025-03-11T07:00:00-04:00"
    assert data["url"] == BASE + "2025/03/lake-records-show-earlier-thaw/"
    assert data["image"] == BASE + "2025/03/thaw-chart.svg"
    assert [a["name"] for a in data["author"]] == ["Northwind desk", "Léa Gagnon"]
    assert data["isBasedOn"] == "https://www.fieldnotes-science.example/climate/ice-out-dates"
    assert dt.datetime.fromisoformat(data["dateModified"]).utcoffset() is not None
