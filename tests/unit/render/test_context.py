"""context.py: what templates see (meta description text, JSON-LD, edition groups)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from typing import Any

import pytest

from builder.core.paths import SiteLayout
from builder.render import context

BASE = "https://briefing.example.net/"


def _titles(articles: Any) -> list[str]:
    return [a.title for a in articles]


def test_plain_cuts_at_a_word_boundary() -> None:
    assert context.plain("<p>Short &amp; <em>sweet</em>.</p>") == "Short & sweet."
    text = context.plain("<p>" + "word " * 100 + "</p>", limit=30)
    assert text == "word word word word word…"
    assert len(text) <= 30


def test_plain_keeps_words_whole_at_inline_tags() -> None:
    assert (
        context.plain("<p>Prices rose <em>sharply</em>, then fell.</p>")
        == "Prices rose sharply, then fell."
    )


# --------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------
def test_edition_groups_by_first_tag_then_newest_first(basic_site: Any) -> None:
    site = basic_site.result.site
    week12 = next(e for e in site.editions if e.id == "2025-w12")
    groups = context.edition_groups(week12, site)
    assert [(g.name, g.slug, g.url) for g in groups] == [
        ("Cities", "cities", "/tags/cities/"),
        ("Transport", "transport", "/tags/transport/"),
    ]
    assert _titles(groups[0].articles) == ["King Street bike lanes: the construction schedule"]


def test_edition_title_includes_the_note_title(basic_site: Any) -> None:
    site = basic_site.result.site
    assert [context.edition_title(e) for e in site.editions] == [
        "Week 12, 2025",
        "Week 11, 2025: Thaw, turnstiles and the night bus",
        "Week 10, 2025",
    ]
    numbered = replace(site.editions[1], title="No. 128", number=128)
    assert context.edition_title(numbered) == (
        "No. 128 · 10–16 March 2025: Thaw, turnstiles and the night bus"
    )


def test_thanks_line_names_each_credit() -> None:
    assert context.thanks_line(()) == ""
    assert context.thanks_line(("Ann",)) == "Thanks to Ann."
    assert context.thanks_line(("Ann", "Bo", "Cy")) == "Thanks to Ann, Bo and Cy."


# --------------------------------------------------------------------------
# Site and page
# --------------------------------------------------------------------------
def test_site_info_navigation(basic_site_subpath: Any) -> None:
    site = basic_site_subpath.result.site
    info = context.site_info(site, SiteLayout.of(site.config), ())
    assert [(link.title, link.url) for link in info.nav] == [
        ("Latest", "/digest/"),
        ("Editions", "/digest/editions/"),
        ("Archive", "/digest/archive/"),
        ("Tags", "/digest/tags/"),
        ("About this briefing", "/digest/about/"),
    ]
    assert info.base_path == "/digest/"


# --------------------------------------------------------------------------
# JSON-LD
# --------------------------------------------------------------------------
def test_json_ld_cannot_close_its_script_element(basic_site: Any) -> None:
    site = basic_site.result.site
    article = site.articles[0]
    hostile = replace(article, meta=replace(article.meta, title="</script><b>x</b> & <!--"))
    text = context.json_ld(hostile, site, SiteLayout.of(site.config))
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
