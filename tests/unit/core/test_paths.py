"""SiteLayout: every URL and output path of a site, at the root and under a sub-path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.config import load_config
from builder.core import paths
from builder.core.models import ArticleMeta, PageMeta
from builder.core.paths import RESERVED, SiteLayout, absolutize, folder_url

Layout = Callable[..., SiteLayout]


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """The layout of a site.yaml with this base_url (and any further lines)."""

    def make(base_url: str = "https://example.org/", extra: str = "") -> SiteLayout:
        root = tmp_path_factory.mktemp("site")
        (root / "site.yaml").write_text(f'title: T\nbase_url: "{base_url}"\n{extra}', "utf-8")
        return SiteLayout.of(load_config(root / "site.yaml"))

    return make


def meta(
    path: str = "content/2025/03/x.md",
    kind: str = "article",
    slug: str = "x",
    image: str | None = None,
) -> ArticleMeta | PageMeta:
    if kind == "page":
        return PageMeta(
            path=path,
            title="X",
            date=None,
            updated=None,
            summary=None,
            slug=slug,
            draft=False,
            authors=(),
            image=image,
        )
    return ArticleMeta(
        path=path,
        title="X",
        date=dt.datetime(2025, 3, 9, 7, tzinfo=dt.UTC),
        updated=None,
        tags=(),
        summary=None,
        slug=slug,
        draft=False,
        source=None,
        authors=(),
        image=image,
    )


@pytest.mark.parametrize(
    ("base", "prefix"), [("https://example.org/", "/"), ("https://example.org/digest/", "/digest/")]
)
def test_every_site_path(layout: Layout, base: str, prefix: str) -> None:
    site = layout(base)
    assert site.home == prefix
    assert site.tags_index == prefix + "tags/"
    assert site.archive == prefix + "archive/"
    assert site.editions_index == prefix + "editions/"
    assert site.not_found == prefix + "404.html"
    assert site.entry(meta()) == prefix + "2025/03/x/"
    assert site.entry(meta("content/pages/about.md", "page", "about")) == prefix + "about/"
    assert site.entry_folder(meta()) == "2025/03/x/"
    assert site.tag("québec") == prefix + "tags/québec/"
    assert site.edition("2025-w10") == prefix + "editions/2025-w10/"
    assert site.year(2025) == prefix + "2025/"
    assert site.month(2025, 3) == prefix + "2025/03/"
    assert site.list_page(prefix + "tags/x/", 1) == prefix + "tags/x/"
    assert site.list_page(prefix + "tags/x/", 3) == prefix + "tags/x/page/3/"
    assert site.list_page(prefix, 2) == prefix + "page/2/"
    assert site.site_path("sitemap.xml") == prefix + "sitemap.xml"


@pytest.mark.parametrize(
    ("base", "prefix"), [("https://example.org/", "/"), ("https://example.org/digest/", "/digest/")]
)
def test_output_paths(layout: Layout, base: str, prefix: str) -> None:
    site = layout(base)
    assert site.output(prefix) == "index.html"
    assert site.output(prefix + "2025/03/x/") == "2025/03/x/index.html"
    assert site.output(prefix + "page/2/") == "page/2/index.html"
    assert site.output(prefix + "404.html") == "404.html"
    assert site.served_at("index.html") == prefix
    assert site.served_at("2025/03/x/index.html") == prefix + "2025/03/x/"
    assert site.served_at("feed.xml") == prefix + "feed.xml"
    assert site.feed_output(prefix, SiteLayout.RSS) == "feed.xml"
    assert site.feed_output(prefix + "tags/x/", SiteLayout.FOLDER_FEED) == "tags/x/feed.xml"
    assert site.feed_output(site.editions_index, SiteLayout.FOLDER_FEED) == "editions/feed.xml"
    assert site.asset_output("content/2025/03/chart.svg") == "2025/03/chart.svg"


def test_fixed_output_names() -> None:
    assert (SiteLayout.RSS, SiteLayout.ATOM, SiteLayout.JSON_FEED) == (
        "feed.xml",
        "atom.xml",
        "feed.json",
    )
    assert (SiteLayout.SITEMAP, SiteLayout.ROBOTS, SiteLayout.NOT_FOUND) == (
        "sitemap.xml",
        "robots.txt",
        "404.html",
    )
    assert SiteLayout.HIGHLIGHT_CSS == "static/highlight.css"
    assert set(SiteLayout.FEED_FILES) == {"feed.xml", "atom.xml", "feed.json", "sitemap.xml"}


def test_permalinks_decide_article_page_tag_and_edition_urls(layout: Layout) -> None:
    site = layout(
        "https://example.org/sub/",
        'permalinks: {article: "{year}/{month}/{day}/'
        '{slug}/", page: "p/{slug}/", tag: "topics/{tag}/", edition: "e/{edition}/"}\n',
    )
    assert site.entry(meta()) == "/sub/2025/03/09/x/"
    assert site.entry(meta("content/pages/about.md", "page", "about")) == "/sub/p/about/"
    assert site.tag("water") == "/sub/topics/water/"
    assert site.edition("2025-03") == "/sub/e/2025-03/"
    assert site.feed_output(site.tag("water"), SiteLayout.FOLDER_FEED) == "topics/water/feed.xml"


def test_the_folder_of_a_source_file(layout: Layout, tmp_path: Path) -> None:
    site = layout("https://example.org/news/")
    assert site.source_folder("content/2024/06/a.md") == "/news/2024/06/"
    assert site.source_folder("content/a.md") == "/news/"
    assert site.source_folder("content/pages/about.md") == "/news/pages/"
    (tmp_path / "site.yaml").write_text('title: T\nbase_url: "https://example.org/news/"\n')
    assert folder_url(load_config(tmp_path / "site.yaml"), "content/a.md") == "/news/"


def test_a_new_article_goes_in_its_year_and_month() -> None:
    assert (
        SiteLayout.new_article(dt.date(2024, 6, 3), "grid-deal") == "content/2024/06/grid-deal.md"
    )


def test_one_layout_per_config_and_it_is_frozen(layout: Layout) -> None:
    site = layout("https://example.org/a/")
    assert site is layout("https://example.org/a/")
    assert site.origin == "https://example.org"
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.base_path = "/b/"  # type: ignore[misc]


def test_reserved_names_are_the_generated_top_level_names() -> None:
    assert set(RESERVED) == {
        "index",
        "tags",
        "page",
        "archive",
        "editions",
        "feed",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "static",
        "pages",
        "404",
        "search",
        "pagefind",
        "authors",
    }


# --------------------------------------------------------------------------
# Absolute URLs
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://example.org/", "/2025/03/x/", "https://example.org/2025/03/x/"),
        (
            "https://example.org/digest/",
            "/digest/2025/03/x/",
            "https://example.org/digest/2025/03/x/",
        ),
        ("https://example.org/digest/", "tags/", "https://example.org/digest/tags/"),
        ("https://example.org/", "/tags/québec/", "https://example.org/tags/qu%C3%A9bec/"),
        (
            "https://example.org/",
            "https://other.example/a?b=1&c=2",
            "https://other.example/a?b=1&c=2",
        ),
        ("https://example.org/", "/a%20b/", "https://example.org/a%20b/"),
    ],
)
def test_absolute(layout: Layout, base: str, path: str, expected: str) -> None:
    assert layout(base).absolute(path) == expected


def test_absolutize_makes_every_kind_of_link_absolute() -> None:
    page = "https://example.org/digest/2025/03/first/"
    html = (
        '<p><a href="#notes">notes</a> <a href="/digest/tags/water/">water</a> '
        '<a href=\'../other/\'>other</a> <img src="chart.png" alt=""> '
        '<img srcset="/digest/a.png 1x, b.png 2x" src="/digest/a.png" alt=""> '
        '<a href="mailto:desk@example.org">mail</a> <a href="https://else.example/">x</a> '
        '<a href="//cdn.example/x.js">y</a> <a href="?page=2&amp;q=1">q</a></p>'
    )
    assert absolutize(html, page) == (
        '<p><a href="https://example.org/digest/2025/03/first/#notes">notes</a> '
        '<a href="https://example.org/digest/tags/water/">water</a> '
        '<a href="https://example.org/digest/2025/03/other/">other</a> '
        '<img src="https://example.org/digest/2025/03/first/chart.png" alt=""> '
        '<img srcset="https://example.org/digest/a.png 1x, '
        'https://example.org/digest/2025/03/first/b.png 2x" '
        'src="https://example.org/digest/a.png" alt=""> '
        '<a href="mailto:desk@example.org">mail</a> <a href="https://else.example/">x</a> '
        '<a href="https://cdn.example/x.js">y</a> '
        '<a href="https://example.org/digest/2025/03/first/?page=2&amp;q=1">q</a></p>'
    )


def test_absolutize_leaves_text_that_only_looks_like_an_attribute() -> None:
    html = "<p>Write href=&quot;/x&quot; in your template.</p>"
    assert absolutize(html, "https://example.org/a/") == html


PAGE = "https://example.org/2025/03/first/"


def test_absolutize_never_starts_inside_an_attribute_value() -> None:
    """The attack: text inside a sanitised value that a regex read as an attribute, then
    closed the value by re-quoting its rewrite, leaving a live `onmouseover`."""
    for tag in (
        "<img alt=\"x href='y' onmouseover='alert(1)'\" src=\"a.png\">",
        "<a title=\"z href='y' onmouseover='alert(1)'\" href=\"/x\">t</a>",
        "<p title=\"z src='y' onmouseover='alert(1)'\">p</p>",
    ):
        out = absolutize(tag, PAGE)
        assert "onmouseover='alert(1)'\"" in out  # still inside the value it came in
        element = html5lib.parseFragment(out, namespaceHTMLElements=False)[0]
        assert not [name for name in element.attrib if name.startswith("on")]
    assert absolutize("<img alt=\"x href='y' onmouseover='alert(1)'\" src=\"a.png\">", PAGE) == (
        "<img alt=\"x href='y' onmouseover='alert(1)'\" "
        'src="https://example.org/2025/03/first/a.png">'
    )


def test_absolutize_leaves_code_samples_alone() -> None:
    code = (
        "<pre><code>&lt;a href=\"rel/x\"&gt;code&lt;/a&gt; href='y'\n</code></pre>"
        "<p><code>&lt;img src='i.png'&gt;</code> and text src='t' here</p>"
    )
    assert absolutize(code, PAGE) == code


def test_absolutize_keeps_urls_with_a_scheme_a_browser_would_see() -> None:
    """`java<TAB>script:` has a scheme to a browser: resolving it as a relative path
    would hide it; it is left for the sanitiser, which removed it from any body."""
    html = '<a href="java\tscript:x">a</a><a href=" \x01javascript:x">b</a>'
    assert absolutize(html, PAGE) == html


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"<>=\"' \n&;:#/.x",
                "href",
                "HREF",
                "src",
                "srcset",
                "poster",
                "https:",
                "mailto:",
                "&#104;",
                "<a ",
                "<img ",
                "\u3000",
                "\t",
                "\x01",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_absolutize_skips_the_parse_only_when_it_would_change_nothing(html: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "_maybe_relative", lambda html: True)
        parsed = absolutize(html, PAGE)
    assert absolutize(html, PAGE) == parsed


def test_image_url_is_relative_to_the_source_folder(layout: Layout) -> None:
    site = layout("https://example.org/digest/")
    assert site.image_url(meta(image="chart.svg")) == "https://example.org/digest/2025/03/chart.svg"
    assert site.image_url(meta(image="https://img.example/a.png")) == "https://img.example/a.png"
    assert site.image_url(meta()) is None
