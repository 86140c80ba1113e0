"""The 404 page is a way back in: a search box (when search is on) and the newest articles.

site-basic has six published articles (and one scheduled after the build's
clock); the 404 page lists the five newest, newest first, each linked.
"""

from __future__ import annotations

from collections.abc import Callable

import lxml.html

from tests.conftest import BuiltSite

NEWEST = [
    (
        "/2025/03/king-street-construction-schedule/",
        "King Street bike lanes: the construction schedule",
    ),
    ("/2025/03/night-bus-map-published/", "Transit agency publishes a new night bus map"),
    (
        "/2025/03/counting-riders-with-turnstile-data/",
        "Data note: counting riders with open turnstile data",
    ),
    (
        "/2025/03/lake-records-show-earlier-thaw/",
        "Lake records show the spring thaw arriving earlier",
    ),
    (
        "/2025/03/council-approves-king-street-bike-lanes/",
        "Council approves protected bike lanes on King Street",
    ),
]


def main_of(site: BuiltSite) -> lxml.html.HtmlElement:
    page = lxml.html.fromstring((site.out / "404.html").read_bytes())
    (main,) = page.xpath("//main")
    return main


def test_the_404_page_lists_the_five_newest_articles(basic_site: BuiltSite) -> None:
    main = main_of(basic_site)
    (heading,) = main.xpath(".//h2")
    assert heading.text_content() == "Latest articles"
    (latest,) = heading.xpath("following-sibling::ul[1]")
    links = [(a.get("href"), a.text_content()) for a in latest.xpath("./li//a")]
    assert links == NEWEST  # not the oldest one (3 March), nor the one scheduled for April
    for href, _ in links:  # each one leads to a page that was built
        assert (basic_site.out / href.strip("/") / "index.html").is_file(), href


def test_the_404_page_offers_a_search_box(basic_site: BuiltSite) -> None:
    (form,) = main_of(basic_site).xpath(".//form")
    assert (form.get("role"), form.get("action")) == ("search", "/search/")
    (box,) = form.xpath(".//input")
    assert (box.get("type"), box.get("name")) == ("search", "q")
    (label,) = form.xpath(f".//label[@for='{box.get('id')}']")
    assert label.text_content() == "Search for it"
    assert [b.text_content() for b in form.xpath(".//button[@type='submit']")] == ["Search"]


def test_without_search_the_404_page_has_no_search_box_but_still_the_articles(
    build_basic: Callable[..., BuiltSite],
) -> None:
    site = build_basic(extra_yaml="search: false\n")
    assert site.result.ok, [d.format() for d in site.result.diagnostics]
    main = main_of(site)
    assert main.xpath(".//form") == []
    assert [a.get("href") for a in main.xpath(".//h2/following-sibling::ul[1]/li//a")] == [
        href for href, _ in NEWEST
    ]
