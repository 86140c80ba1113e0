"""editorial.py: the front matter editions are run with, link items, and outbound links."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    LinkMeta,
    Meta,
    OutLink,
    SiteConfig,
    SourceFile,
)
from builder.core.urls import normalise_url
from builder.read.curation import LINK_WORDS
from builder.read.editorial import outbound_links
from builder.read.frontmatter import parse

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    root = tmp_path_factory.mktemp("editorial")
    (root / "site.yaml").write_text(
        'title: T\nbase_url: "https://example.org/"\ntimezone: Europe/Berlin\n'
    )
    return load_config(root / "site.yaml")


def meta_of(
    config: SiteConfig, text: str, rel: str = "content/2026/11/a.md"
) -> tuple[Meta | None, list[str]]:
    diags = Diagnostics()
    meta = parse(SourceFile(rel, text.encode(), ""), config, diags)
    return meta, [d.format() for d in diags.sorted()]


def test_an_item_names_its_section_is_featured_and_credits_who_sent_it(config) -> None:
    meta, problems = meta_of(
        config,
        "---\ntitle: A\ndate: 2026-11-10\nsection: Energy\n"
        "featured: true\nvia: Ann Example\n---\nBody.\n",
    )
    assert problems == []
    assert isinstance(meta, ArticleMeta)
    assert (meta.section, meta.section_at, meta.featured, meta.via) == (
        "Energy",
        (4, 10),
        True,
        "Ann Example",
    )


def test_a_link_item_has_its_url_a_short_comment_and_no_page(config) -> None:
    meta, problems = meta_of(
        config,
        (
            "---\ntitle: A useful chart\nlink: https://charts.example/grid?utm_source=x\n"
            "date: 2026-11-10\ntags: [Energy]\nvia: Bo\n---\nThe clearest picture of the grid.\n"
        ),
    )
    assert problems == []
    assert isinstance(meta, LinkMeta)
    assert (meta.link, meta.title, meta.date, meta.via) == (
        "https://charts.example/grid?utm_source=x",
        "A useful chart",
        dt.datetime(2026, 11, 10, tzinfo=BERLIN),
        "Bo",
    )
    assert meta.links == (OutLink("https://charts.example/grid?utm_source=x", 3, 7, curated=True),)
    bare, problems = meta_of(
        config, "---\ntitle: T\nlink: https://x.example/\ndate: 2026-11-10\n---\n"
    )
    assert isinstance(bare, LinkMeta) and problems == []  # no comment: no "no text" warning


def test_bad_link_items(config) -> None:
    long_comment = " ".join(["word"] * (LINK_WORDS + 1))
    meta, problems = meta_of(
        config,
        (
            "---\ntitle: T\nlink: ftp://files.example/x\ndate: 2026-11-10\n"
            "source: https://s.example/\nimage: a.png\n---\n\n" + long_comment + "\n"
        ),
    )
    assert meta is None
    assert problems == [
        "content/2026/11/a.md:3:7: error: `link` `ftp://files.example/x` is a `ftp:` URL; "
        "only http:// and https:// URLs are allowed\n  hint: write  link: "
        "https://example.org/story",
        "content/2026/11/a.md:5:9: error: a link item has no `source`: its `link` is what it "
        "points at\n  hint: remove `source:`, or remove `link:` to make it an article",
        "content/2026/11/a.md:6:1: warning: `image` is ignored: a link item has no page of "
        "its own\n  hint: remove `image:`, or remove `link:` to make it an article",
        f"content/2026/11/a.md:9:1: error: a link item's comment is {LINK_WORDS + 1} words; "
        f"at most {LINK_WORDS}\n  hint: shorten it, or remove `link:` to make it an article "
        "with a page",
    ]
    _, problems = meta_of(config, "---\ntitle: T\nlink: [1, 2]\ndate: 2026-11-10\n---\n")
    assert problems == [
        "content/2026/11/a.md:3:7: error: `link` must be an http:// or https:// URL, found a "
        "list\n  hint: write  link: https://example.org/story"
    ]


def test_a_note_closes_its_edition_and_sets_its_number(config) -> None:
    meta, problems = meta_of(
        config,
        "---\ntitle: Hi\nclosed: true\nnumber: 128\n---\nNote.\n",
        "content/editions/2026-w46.md",
    )
    assert problems == []
    assert isinstance(meta, EditionNote)
    assert (meta.closed, meta.number, meta.number_at) == (True, 128, (4, 9))
    _, problems = meta_of(
        config, "---\nclosed: yes\nnumber: '12'\n---\n", "content/editions/2026-w46.md"
    )
    assert problems == [
        "content/editions/2026-w46.md:2:9: error: `closed` must be true or false, found "
        "`yes`, which YAML reads as the boolean true\n  hint: write  closed: true  or  "
        "closed: false",
        "content/editions/2026-w46.md:3:9: error: `number` must be a whole number, found a "
        "string (`12`)\n  hint: write  number: 12",
    ]


def test_outbound_links_with_their_lines_but_not_in_code() -> None:
    body = (
        "\nSee [the report](https://report.example/a_(b)), and <https://b.example/x>.\n"
        'Raw: <a href="https://c.example/?q=1&amp;r=2">c</a> `https://code.example/`\n'
        "```\nhttps://fenced.example/\n```\n"
        "[ref]: https://ref.example/page.\n"
    )
    assert outbound_links(body, 7) == (
        OutLink("https://report.example/a_(b)", 8, 18),
        OutLink("https://b.example/x", 8, 54),
        OutLink("https://c.example/?q=1&r=2", 9, 15),
        OutLink("https://ref.example/page", 13, 8),
    )


def test_each_link_carries_its_normalised_url_for_the_repeat_check() -> None:
    body = "\nSee https://www.Report.example/a?utm_source=x&b=2&a=1 and <http://b.example/x/>.\n"
    assert [link.key for link in outbound_links(body, 1)] == [
        normalise_url("https://www.Report.example/a?utm_source=x&b=2&a=1"),
        normalise_url("http://b.example/x/"),
    ]
    assert normalise_url("https://www.Report.example/a?utm_source=x&b=2&a=1") == (
        normalise_url("https://report.example/a?a=1&b=2")
    )
