"""links.py: tracking parameters off published links; repeated links across editions."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

from builder.core.errors import Diagnostics
from builder.core.models import Article, ArticleMeta, OutLink, Rendered, StoredHtml
from builder.core.urls import TRACKING
from builder.site.links import check_repeats, strip_html, strip_tracking, stripped

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "editions.md"


def test_tracking_parameters_go_and_every_other_byte_stays() -> None:
    assert strip_tracking("https://a.example/x?utm_source=news&id=7&UTM_Medium=mail#top") == (
        "https://a.example/x?id=7#top"
    )
    assert strip_tracking("https://a.example/x?fbclid=abc") == "https://a.example/x"
    assert strip_tracking("https://a.example/x?q=a%20b&gclid=1&mc_cid=2") == (
        "https://a.example/x?q=a%20b"
    )
    for kept in (
        "https://a.example/x?q=a+b&page=2",
        "https://a.example/x",
        "mailto:a@b.example",
        "/local?utm_source=x",
        "https://a.example/utm_source",
    ):
        assert strip_tracking(kept) == kept


def test_only_links_with_tracking_parameters_are_rewritten() -> None:
    html = (
        "<p><a href='https://a.example/?utm_source=x&amp;k=1'>a</a> "
        "<a href='https://b.example/?k=2'>b</a> <img src=\"x.png\"></p>"
    )
    assert strip_html(html) == (
        '<p><a href="https://a.example/?k=1">a</a> '
        "<a href='https://b.example/?k=2'>b</a> <img src=\"x.png\"></p>"
    )
    assert strip_html("<p>No query here.</p>") == "<p>No query here.</p>"


class _Store:
    def read_html(self, key: str) -> str:
        return f'<p><a href="https://c.example/{key}?fbclid=1">c</a></p>'


def test_a_body_left_in_the_cache_is_stripped_when_it_is_read() -> None:
    lazy = stripped(Rendered(StoredHtml(_Store(), "k"), "", (), 1, 1))
    assert isinstance(lazy.body, StoredHtml) and lazy.body.key == "k"
    assert lazy.html == '<p><a href="https://c.example/k">c</a></p>'
    eager = stripped(
        Rendered(
            '<a href="https://d.example/?utm_id=3">d</a>',
            '<a href="https://d.example/?utm_id=3&x=1">d</a>',
            (),
            1,
            1,
        )
    )
    assert (eager.html, eager.summary_html) == (
        '<a href="https://d.example/">d</a>',
        '<a href="https://d.example/?x=1">d</a>',
    )


def test_the_one_list_of_tracking_parameters_is_the_documented_one() -> None:
    pattern = TRACKING.pattern.removeprefix("^(").removesuffix(")$")
    names = [name.replace("\\w+", "*") for name in pattern.split("|")]
    documented = re.search(r"<!-- tracking -->\n(.*?)\n<!-- /tracking -->", DOCS.read_text(), re.S)
    assert documented, "docs/editions.md lists the tracking parameters between markers"
    assert documented[1] == ", ".join(f"`{name}`" for name in names)


def item(slug: str, *links: OutLink) -> Article:
    meta = ArticleMeta(
        path=f"content/{slug}.md",
        title=slug,
        summary=None,
        slug=slug,
        draft=False,
        updated=None,
        authors=(),
        image=None,
        source=None,
        date=dt.datetime(2026, 11, 10, tzinfo=BERLIN),
        tags=(),
        links=links,
    )
    return Article(meta, Rendered("", "", (), 0, 1), f"/{slug}/", f"{slug}/index.html", (), slug)


def repeats(
    items: list[Article], periods: list[tuple[str, tuple[int, ...]]], window: int = 8
) -> list[str]:
    diags = Diagnostics()
    check_repeats(items, periods, window, "meridian.example.org", diags)
    return [d.format() for d in diags.sorted()]


def test_a_link_given_in_a_recent_edition_is_a_warning_naming_both_places() -> None:
    items = [
        item("new", OutLink("http://www.report.example/p?utm_source=x", 12, 5)),
        item("old", OutLink("https://report.example/p/", 9, 30)),
    ]
    assert repeats(items, [("2026-w45", (1,)), ("2026-w46", (0,))]) == [
        "content/new.md:12:5: warning: http://www.report.example/p?utm_source=x was already "
        "linked in 2026-w45: content/old.md:9:30\n  hint: readers saw it then: drop it, or "
        "link something new; links.window in site.yaml sets how many editions back this looks"
    ]


def test_only_the_window_of_editions_before_counts() -> None:
    link = OutLink("https://report.example/p", 3, 1)
    items = [item("a", link), item("b"), item("c", link)]
    periods = [("2026-w44", (2,)), ("2026-w45", (1,)), ("2026-w46", (0,))]
    assert len(repeats(items, periods, window=2)) == 1
    assert repeats(items, periods, window=1) == []
    assert repeats(items, periods, window=0) == []


def test_a_repeat_names_the_newest_edition_that_linked_it() -> None:
    link = OutLink("https://report.example/p", 3, 1)
    items = [item("a", link), item("b", link), item("c", link)]
    periods = [("2026-w44", (0,)), ("2026-w45", (1,)), ("2026-w46", (2,))]
    found = repeats(items, periods, window=2)
    assert [line.split("\n")[0] for line in found] == [
        "content/b.md:3:1: warning: https://report.example/p was already linked in "
        "2026-w44: content/a.md:3:1",
        "content/c.md:3:1: warning: https://report.example/p was already linked in "
        "2026-w45: content/b.md:3:1",
    ]


def test_repeats_that_are_not_the_hygiene_checks_business() -> None:
    """Links to the site itself, repeats inside one edition, and two curated URLs (the
    duplicate-source warning's) are not reported."""
    own = OutLink("https://meridian.example.org/2026/11/x/", 3, 1)
    curated = OutLink("https://report.example/p", 4, 1, curated=True)
    items = [item("a", own, curated), item("b", own, curated), item("c", own)]
    assert repeats(items, [("2026-w45", (2, 1)), ("2026-w46", (0,))]) == []
