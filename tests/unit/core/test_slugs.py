"""Slugs, URL-segment safety, permalink expansion and source-URL normalisation."""

from __future__ import annotations

import pytest

from builder.core.paths import expand, href
from builder.core.slugs import MAX_SLUG, is_device_name, slug_problem, slugify
from builder.core.urls import normalise_url


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Café Prices", "café-prices"),
        ("Cafe\u0301", "café"),  # combining accent: NFKC composes it
        ("ＦＵＬＬ width", "full-width"),  # compatibility forms fold to ASCII
        ("Straße", "strasse"),  # case folding, not just lower()
        ("It\u2019s here", "its-here"),  # apostrophes vanish instead of splitting a word
        ("snake_case_name", "snake-case-name"),
        ("  --x--  ", "x"),
        ("Ünïcödé — dash", "ünïcödé-dash"),
        ("日本語 ニュース", "日本語-ニュース"),
        ("C++", "c"),
        ("🚀", ""),
        ("..", ""),
        # Marks belong to their letter: the shadda does not split يوقّع, nor the virama नमस्ते.
        ("يوقّع الاتفاق", "يوقّع-الاتفاق"),
        ("नमस्ते दुनिया", "नमस्ते-दुनिया"),
        # ZWNJ inside a Persian word is kept, never a hyphen; outside a word it goes.
        ("می\u200cخواهم بروم", "می\u200cخواهم-بروم"),
        ("\u200cنو\u200c خبر", "نو-خبر"),
        ("emoji 👩\u200d💻 dev", "emoji-dev"),  # a ZWJ between symbols goes with them
        ("\u0651x", "x"),  # a mark with no letter before it is dropped
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_case_and_normalisation_variants_share_a_slug() -> None:
    assert slugify("Grid Deal") == slugify("grid deal") == slugify("GRID  DEAL")
    assert slugify("caf\u00e9") == slugify("cafe\u0301")


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("", "is empty once symbols are removed"),
        ("a" * (MAX_SLUG + 1), "is 81 characters long, over the 80-character limit"),
        ("tags", "`tags` is reserved for a page Broadsheet generates"),
        ("page", "`page` is reserved for a page Broadsheet generates"),
        ("feed.xml", "`feed.xml` is reserved for a page Broadsheet generates"),
        ("index", "`index` is reserved for a page Broadsheet generates"),
        ("-lead", "`-lead` is not a safe URL segment"),
        ("a/b", "`a/b` is not a safe URL segment"),
        ("a.b", "`a.b` is not a safe URL segment"),
        ("ok-slug", None),
        ("a" * MAX_SLUG, None),
        ("café-2024", None),
        ("يوقّع-الاتفاق", None),
        ("می\u200cخواهم", None),
        ("a\u200c-b", "`a\u200c-b` is not a safe URL segment"),
    ],
)
def test_slug_problem(slug: str, problem: str | None) -> None:
    assert slug_problem(slug) == problem


def test_reserved_words_only_matter_at_the_root_but_index_always_does() -> None:
    assert slug_problem("tags", reserved=False) is None
    assert slug_problem("page", reserved=False) is None
    assert slug_problem("index", reserved=False) == (
        "`index` is reserved for a page Broadsheet generates"
    )
    assert slug_problem("", reserved=False) == "is empty once symbols are removed"


def test_expand_and_href() -> None:
    assert expand("{year}/{month}/{slug}/", year="2024", month="06", slug="x") == "2024/06/x/"
    assert href("/tags/café/") == "/tags/caf%C3%A9/"
    assert href("/a b/?q=1#top") == "/a%20b/?q=1#top"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.com/a/b/", "example.com/a/b"),
        ("http://example.com/a/b#part", "example.com/a/b"),
        ("https://example.com:443/a?utm_source=x&b=2&a=1&fbclid=z", "example.com/a?a=1&b=2"),
        ("https://example.com/a?ref=rss", "example.com/a"),
    ],
)
def test_normalise_url(url: str, key: str) -> None:
    assert normalise_url(url) == key


def test_slugs_must_fit_a_folder_name_in_bytes() -> None:
    assert slug_problem("中" * 80) is None  # 240 bytes
    linear_b = "\U00010000" * 61  # a letter of four bytes
    assert slugify(linear_b) == linear_b
    assert slug_problem(linear_b) == (
        "is 244 bytes long in UTF-8, over the 240-byte limit of a folder name"
    )


@pytest.mark.parametrize("slug", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_windows_device_names_are_no_slugs_nor_tag_slugs(slug: str) -> None:
    problem = f"`{slug}` is a device name on Windows, where no file or folder can have it"
    assert slug_problem(slug) == problem
    assert slug_problem(slug, reserved=False) == problem
    assert slug_problem(slugify(slug.upper())) == problem


@pytest.mark.parametrize(
    ("name", "device"),
    [
        ("con", True),
        ("CON", True),
        ("Con.md", True),
        ("nul.tar.gz", True),
        ("aux ", True),
        ("com\u00b9.txt", True),
        ("LPT3", True),
        ("com0", False),
        ("lpt10", False),
        ("console", False),
        ("con-x", False),
        ("icon", False),
        (".con", False),
    ],
)
def test_is_device_name(name: str, device: bool) -> None:
    assert is_device_name(name) is device
