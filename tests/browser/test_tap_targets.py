"""On a phone (390 CSS px wide) every control a reader taps is at least 44 x 44 px, and the
links between pages look like links.

WCAG 2.5.5 asks 44 x 44 px of a target; 2.5.8 exempts a link inside a sentence
("inline" targets), so links in article prose, summaries and bylines are not measured
here: only the controls the theme draws on its own (navigation, tag pills, the pager and
older/newer links, the search box and its button, "Read the original").

The site is tests/fixtures/site-languages with `paginate: 2`, so the front page and a
tag page have a pager, built and served on 127.0.0.1 (tests/browser/conftest.py).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import Served, serve
from tests.conftest import FIXTURES, build_fixture_copy

TAP = 44  # CSS px, WCAG 2.5.5
PHONE = {"width": 390, "height": 900}
PAGES = {  # page → path below the site's base URL
    "article": "2025/03/lumen-ferry-enters-service/",
    "article (Arabic, right to left)": quote("2025/03/يوقّع-اتفاق-العبّارات/"),
    "front page": "",
    "front page 2": "page/2/",
    "tag page": "tags/ferries/",
    "edition page": "editions/2025-w11/",
}
# What the theme itself draws for a finger; not inline links of running text.
TARGETS = (
    ".site-nav a",
    ".site-search input:not([type=hidden])",  # a hidden one carries the page's language
    ".site-search button",
    ".tags a",
    ".tag-cloud a",
    ".pager a",
    ".prevnext a",
    ".read-original a",
    ".search-again input",
    ".search-again button",
)
# The 404 page's own: its search box, the latest articles, the ways out.
NOT_FOUND = (".search-again input", ".search-again button", ".list a", ".nav-list a")
MEASURE = """selectors => selectors.flatMap(selector =>
  [...document.querySelectorAll(selector)].map(e => {
    const box = e.getBoundingClientRect();
    const name = (e.textContent || e.getAttribute('aria-label') || e.name || '').trim();
    return [selector, name.replace(/\\s+/g, ' ').slice(0, 40), box.width, box.height];
  }))"""


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """site-languages with two articles a page, built and served at /digest/."""
    root = tmp_path_factory.mktemp("paged-served")
    source = root / "source"
    shutil.copytree(FIXTURES / "site-languages", source)
    config = source / "site.yaml"
    text, changed = re.subn(r"(?m)^paginate: \d+$", "paginate: 2", config.read_text("utf-8"))
    assert changed == 1
    config.write_text(text, "utf-8")
    site = build_fixture_copy(root / "site", source=source)
    assert site.result.ok, [d.format() for d in site.result.diagnostics]
    served = serve(site.out, root / "www", "/digest/")
    yield Served(site, next(served))
    served.close()


def test_every_control_is_44_pixels_both_ways_on_a_phone(browser: Any, paged_site: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    small, seen = [], set()
    for name, path in PAGES.items():
        page.goto(paged_site.url + path)
        for selector, text, width, height in page.evaluate(MEASURE, list(TARGETS)):
            seen.add(selector)
            if width < TAP or height < TAP:
                small.append(f"{name}: {selector} {text!r} is {width:.1f} x {height:.1f} px")
    context.close()
    # Each kind of control was on some page, so none passed by being absent.
    assert seen == set(TARGETS) - {".tag-cloud a", ".search-again input", ".search-again button"}
    assert small == [], "targets under 44 x 44 px at 390 px wide:\n" + "\n".join(small)


def test_the_404_pages_controls_are_44_pixels_both_ways_on_a_phone(
    browser: Any, paged_site: Any
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(paged_site.url + "404.html")
    found = page.evaluate(MEASURE, list(NOT_FOUND))
    context.close()
    assert {selector for selector, *_ in found} == set(NOT_FOUND)
    small = [f"{s} {t!r} is {w:.1f} x {h:.1f} px" for s, t, w, h in found if w < TAP or h < TAP]
    assert small == [], "targets under 44 x 44 px at 390 px wide:\n" + "\n".join(small)


AFFORDANCE = """e => {
  const style = getComputedStyle(e);
  const body = getComputedStyle(document.body).backgroundColor;
  return [style.textDecorationLine, style.borderTopStyle, style.borderTopWidth,
          style.borderTopColor, style.backgroundColor, body];
}"""


def looks_like_a_link(
    decoration: str, style: str, width: str, color: str, bg: str, body: str
) -> bool:
    """Underlined, or a visible border, or a background of its own: not plain text."""
    bordered = style != "none" and width != "0px" and color != body
    filled = bg not in ("rgba(0, 0, 0, 0)", "transparent", body)
    return "underline" in decoration or bordered or filled


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pager_links_look_like_links(browser: Any, paged_site: Any, scheme: str) -> None:
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    plain = []
    for name, path, selector in (
        ("front page 2", "page/2/", ".pager a"),
        ("tag page", "tags/ferries/", ".pager a"),
        ("edition page", "editions/2025-w11/", ".prevnext a .title"),
        ("article", PAGES["article"], ".prevnext a .title"),
    ):
        page.goto(paged_site.url + path)
        links = page.locator(selector)
        assert links.count() > 0, f"{name}: no {selector}"
        for link in links.all():
            style = link.evaluate(AFFORDANCE)
            if not looks_like_a_link(*style):
                plain.append(f"{name}: {selector} {link.inner_text()!r}: {style}")
        # The pager's "Page 2 of 3" is plain text, and must not look like its links.
        where = page.locator(".pager .where")
        if where.count():
            assert not looks_like_a_link(*where.evaluate(AFFORDANCE))
    context.close()
    assert plain == [], "pager links that look like plain text:\n" + "\n".join(plain)
