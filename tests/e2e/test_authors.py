"""Authors: pages at /authors/<slug>/ with their articles and a feed, and bylines linking there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
import html5lib

SITE = (
    'title: "Authors Digest"\nbase_url: "https://example.org/news/"\ntimezone: UTC\npaginate: 2\n'
)
AUTHORS = (
    "authors:\n  - name: Ana Lucía Ferreira\n    bio: Ana covers the estuary.\n"
    "    url: https://ana.example.net/\n  - {name: Tom Ng}\n"
)


def article(slug: str, day: int, byline: str) -> tuple[str, str]:
    return (
        f"content/2025/05/{slug}.md",
        f"---\ntitle: Story {slug}\ndate: 2025-05-{day:02d}\n{byline}\n---\n\nText {slug}.\n",
    )


FILES = dict(
    [
        article("one", 1, "author: Ana Lucía Ferreira"),
        article("two", 2, "authors: [Ana Lucía Ferreira, Tom Ng]"),
        article("three", 3, "author: Ana Lucía Ferreira"),
        article("four", 4, "author: Someone Else"),
    ]
)


def parse(path: Path) -> object:
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def test_author_pages_list_their_articles_in_pages_with_a_feed(
    make_site: Callable[..., Path], run_build: Callable[..., object]
) -> None:
    site = make_site(FILES, SITE + AUTHORS)
    done = run_build(site)
    assert done.code == 0  # type: ignore[attr-defined]
    out = site / "output"
    ana = out / "authors" / "ana-lucía-ferreira"
    first = parse(ana / "index.html")
    assert [a.text for a in first.iter("a") if (a.get("href") or "").startswith("/news/2025/")][
        :2
    ] == ["Story three", "Story two"]
    assert (ana / "page" / "2" / "index.html").is_file()  # paginate: 2
    assert "Ana covers the estuary." in (ana / "index.html").read_text("utf-8")
    feed = feedparser.parse((ana / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Story three", "Story two", "Story one"]
    assert (out / "authors" / "tom-ng" / "index.html").is_file()
    # Bylines link the names in the list; others stay text.
    two = (out / "2025/05/two/index.html").read_text("utf-8")
    assert (
        'curated by <a href="/news/authors/ana-l%C3%ADa-ferreira/" rel="author">' in two
        or 'curated by <a href="/news/authors/ana-lucía-ferreira/" rel="author">' in two
    )
    four = (out / "2025/05/four/index.html").read_text("utf-8")
    assert "curated by Someone Else</p>" in four


def test_an_unknown_author_is_a_warning_only_when_the_site_lists_authors(
    make_site: Callable[..., Path], run_build: Callable[..., object]
) -> None:
    listed = run_build(make_site(FILES, SITE + AUTHORS))
    assert listed.diags == (  # type: ignore[attr-defined]
        "content/2025/05/four.md:1:1: warning: author `Someone Else` is not in `authors:` of "
        "site.yaml, so the byline links nowhere\n"
        "  hint: add them to `authors:` in site.yaml, or check the spelling\n"
    )
    typo = dict(FILES, **dict([article("four", 4, "author: Tom Nq")]))
    assert "hint: did you mean `Tom Ng`?" in run_build(make_site(typo, SITE + AUTHORS)).diags  # type: ignore[attr-defined]
    unlisted = run_build(make_site(FILES, SITE))
    assert unlisted.diags == ""  # type: ignore[attr-defined]


def test_bad_authors_entries_are_errors_at_their_lines(
    make_site: Callable[..., Path], run_build: Callable[..., object]
) -> None:
    bad = (
        "authors:\n  - name: Ana\n    url: ana.example.net\n  - bio: no name\n"
        "  - Ana Again\n  - {name: ana}\n"
    )
    done = run_build(make_site(FILES, SITE + bad))
    assert done.code == 2  # type: ignore[attr-defined]
    assert done.diags == (  # type: ignore[attr-defined]
        "site.yaml:7:10: error: `url` must be an absolute http(s) URL, found `ana.example.net`\n"
        "site.yaml:8:5: error: an entry of `authors` needs a `name`\n"
        "  hint: add  name: ...  to it\n"
        "site.yaml:9:5: error: an entry of `authors` must be a mapping, found a string "
        "(`Ana Again`)\n  hint: write  authors:  then lines such as  - {name: ...}\n"
        "site.yaml:10:5: error: `ana` is listed twice in `authors`\n"
        "  hint: keep one entry per name\n"
    )
