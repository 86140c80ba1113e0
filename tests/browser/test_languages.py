"""A reader in Chromium: search finds the article in its own language and a link item at
its card, Arabic reads right to left, a Chinese page shows its date and reading time the
Chinese way.

The site is tests/fixtures/site-languages (English, Arabic, Persian and
Chinese articles, and an English link item), built and served on 127.0.0.1
(tests/browser/conftest.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

WAIT_MS = 15_000  # an upper bound for each step, never a measured expectation
ARABIC = "2025/03/يوقّع-اتفاق-العبّارات/"
ENGLISH = "2025/03/lumen-ferry-enters-service/"
CHINESE = "2025/03/shanghai-electric-ferries/"


def results(page: Any) -> list[str]:
    """The titles Pagefind's interface lists, once it has answered."""
    page.wait_for_function(
        "(() => { const found = [...document.querySelectorAll('.pagefind-ui__result')];"
        " return found.length > 0 && found.every(r => r.querySelector('.pagefind-ui__result-link')"
        " && !r.querySelector('.pagefind-ui__loading')); })()",
        timeout=WAIT_MS,
    )
    titles = page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title")
    return [t.strip() for t in titles.all_inner_texts()]


def search_from(page: Any, url: str, words: str) -> list[str]:
    """Type `words` into the header's search box of the page at `url`, then read the results."""
    page.goto(url)
    page.fill("#site-search-q", words)
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?**", timeout=WAIT_MS)
    return results(page)


def test_search_finds_the_article_in_the_language_of_the_page(
    browser: Any, languages_site: Any
) -> None:
    page = browser.new_page()
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1:", "data:")) else None
        ),
    )
    base = languages_site.url
    # "Lumen" is in the English article and in the Arabic one: each page searches its own.
    assert search_from(page, base + quote(ARABIC), "Lumen") == [
        "المجلس البلدي يوقّع اتفاق العبّارات الكهربائية"
    ]
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert search_from(page, base + ENGLISH, "Lumen") == [
        "The Lumen ferry enters service on the north crossing"
    ]
    assert search_from(page, base + quote(ARABIC), "الكهربائية") == [
        "المجلس البلدي يوقّع اتفاق العبّارات الكهربائية"
    ]
    assert search_from(page, base + CHINESE, "渡轮") == ["上海电动渡轮春季投入运营"]
    # The results link to the articles, under the sub-path.
    page.click(".pagefind-ui__result-link")
    page.wait_for_url(f"**/digest/{CHINESE}", timeout=WAIT_MS)
    assert outside == []
    page.close()


def test_search_finds_a_link_item_and_leads_to_its_card(browser: Any, languages_site: Any) -> None:
    # "hydrofoil" is only in the comment of a link item, which has no page of its own.
    page = browser.new_page()
    assert search_from(page, languages_site.url + ENGLISH, "hydrofoil") == [
        "The harbour authority publishes its spring timetable"
    ]
    page.click(".pagefind-ui__result-link")
    page.wait_for_url("**/digest/editions/2025-w11/#link-spring-timetable", timeout=WAIT_MS)
    card = page.locator(":target")
    assert card.get_attribute("class") == "card link-item"
    assert "hydrofoil sailings" in card.inner_text()
    page.close()


def test_an_arabic_page_is_laid_out_right_to_left(browser: Any, languages_site: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(languages_site.url + quote(ARABIC))
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    headline = page.locator("h1").bounding_box()
    main = page.locator("main").bounding_box()
    # The headline starts at the right edge of the column.
    assert abs((headline["x"] + headline["width"]) - (main["x"] + main["width"] - 16)) < 2
    # The source box's rule is on its start side: the right.
    box = page.locator(".article-head .original")
    assert box.evaluate("e => getComputedStyle(e).borderRightWidth") == "4px"
    assert box.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    page.close()


def test_a_chinese_page_shows_its_date_and_reading_time(browser: Any, languages_site: Any) -> None:
    page = browser.new_page()
    page.goto(languages_site.url + CHINESE)
    byline = page.locator(".article-head .byline").inner_text()
    assert byline.startswith("2025年3月18日 · 阅读时间 8 分钟")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.close()
