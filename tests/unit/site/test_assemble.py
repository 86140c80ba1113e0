"""The site model: tag spellings merged, collisions reported, order, neighbours, left-outs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.core.models import (
    ArticleMeta,
    BuildOptions,
    Entry,
    LinkItem,
    LinkMeta,
    Meta,
    PageMeta,
    Rendered,
    Site,
    SiteConfig,
    Source,
)
from builder.core.slugs import tag_key
from builder.site.assemble import build_site
from builder.site.items import Placed

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2024, 6, 30, 12, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    root = tmp_path_factory.mktemp("site")
    (root / "site.yaml").write_text(
        'title: T\nbase_url: "https://example.org/sub/"\ntimezone: Europe/Berlin\nrelated: 0\n'
    )
    return load_config(root / "site.yaml")


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def entry(
    path: str,
    day: int,
    *tags: str,
    slug: str | None = None,
    hour: int = 9,
    kind: str = "article",
    draft: bool = False,
    source: str | None = None,
) -> Entry[Meta]:
    name = path.rsplit("/", 1)[-1][:-3]
    meta: Meta
    if kind == "page":
        meta = PageMeta(
            path=path,
            title=name.title(),
            date=None,
            updated=None,
            summary=None,
            slug=slug or name.lower(),
            draft=draft,
            authors=(),
            image=None,
            slug_line=5 if slug else 1,
        )
    elif kind == "link":
        meta = LinkMeta(
            path=path,
            title=name.title(),
            date=dt.datetime(2024, 6, day, hour, tzinfo=BERLIN),
            updated=None,
            tags=tuple((t, 4) for t in tags),
            summary=None,
            slug=slug or name.lower(),
            draft=draft,
            link=f"https://elsewhere.example/{path}",
        )
    else:
        meta = ArticleMeta(
            path=path,
            title=name.title(),
            date=dt.datetime(2024, 6, day, hour, tzinfo=BERLIN),
            updated=None,
            tags=tuple((t, 4) for t in tags),
            summary=None,
            slug=slug or name.lower(),
            draft=draft,
            source=Source(source) if source else None,
            authors=(),
            image=None,
            slug_line=5 if slug else 1,
        )
    return Entry(path, meta, Rendered("<p>x</p>", "<p>x</p>", (), 1, 1))


def site_of(config: SiteConfig, entries: list[Entry], **options: object) -> tuple[Site, list[str]]:
    diags = Diagnostics()
    site = build_site(entries, [], config, BuildOptions(now=NOW, **options), diags)  # type: ignore[arg-type]
    return site, [d.format() for d in diags.sorted()]


def test_tag_key_ignores_case_spacing_and_punctuation_but_not_symbols() -> None:
    assert tag_key("North Sea") == tag_key("north-sea") == tag_key("NORTH  SEA") == "northsea"
    assert tag_key("U.S.") == tag_key("us")
    assert tag_key("Cafe\u0301") == tag_key("café")
    assert tag_key("C++") != tag_key("C")


def test_spellings_of_one_tag_become_one_tag_with_a_warning(config: SiteConfig) -> None:
    site, problems = site_of(
        config,
        [
            entry("content/a.md", 1, "Energy", "north sea"),
            entry("content/b.md", 2, "energy"),
            entry("content/c.md", 3, "Energy", "North-Sea"),
            entry("content/d.md", 4, "ENERGY ", "Energy"),
        ],
    )
    assert problems == [
        "content/b.md:4:1: warning: tag `energy` is treated as `Energy`\n"
        "  hint: use one spelling: `Energy`",
        "content/c.md:4:1: warning: tag `North-Sea` is treated as `north sea`\n"
        "  hint: use one spelling: `north sea`",
        "content/d.md:4:1: warning: tag `ENERGY ` is treated as `Energy`\n"
        "  hint: use one spelling: `Energy`",
    ]
    assert [(t.name, t.slug, t.url, t.articles) for t in site.tags] == [
        ("Energy", "energy", "/sub/tags/energy/", (0, 1, 2, 3)),
        ("north sea", "north-sea", "/sub/tags/north-sea/", (1, 3)),
    ]
    # Each article links a tag once, however many spellings it used.
    assert [t.name for t in site.articles[0].tags] == ["Energy"]
    assert [t.name for t in site.articles[1].tags] == ["Energy", "north sea"]


def test_the_oldest_spelling_wins_a_tie(config: SiteConfig) -> None:
    site, problems = site_of(
        config, [entry("content/new.md", 9, "trade"), entry("content/old.md", 1, "Trade")]
    )
    assert [t.name for t in site.tags] == ["Trade"]
    assert problems == [
        "content/new.md:4:1: warning: tag `trade` is treated as `Trade`\n"
        "  hint: use one spelling: `Trade`"
    ]


def test_tags_whose_slugs_collide_name_both_files(config: SiteConfig) -> None:
    _, problems = site_of(
        config, [entry("content/cpp.md", 1, "C++"), entry("content/c.md", 2, "C")]
    )
    assert problems == [
        "content/cpp.md:4:1: error: tag `C++` would have the same URL /sub/tags/c/ as tag `C` "
        "(content/c.md:4)\n  hint: rename one of the two tags so their URLs differ"
    ]


def test_newest_first_with_slug_tie_break_and_neighbours(config: SiteConfig) -> None:
    site, problems = site_of(
        config,
        [
            entry("content/b.md", 3),
            entry("content/old.md", 1),
            entry("content/a.md", 3),
            entry("content/late.md", 3, hour=18),
        ],
    )
    assert problems == []
    assert [a.meta.slug for a in site.articles] == ["late", "a", "b", "old"]
    assert [a.url for a in site.articles][:2] == ["/sub/2024/06/late/", "/sub/2024/06/a/"]
    assert site.articles[0].out_path == "2024/06/late/index.html"
    first, second, last = site.articles[0], site.articles[1], site.articles[3]
    assert (first.next, first.prev and first.prev.url) == (None, "/sub/2024/06/a/")
    assert (second.next and second.next.url, second.prev and second.prev.url) == (
        "/sub/2024/06/late/",
        "/sub/2024/06/b/",
    )
    assert (last.prev, last.next and last.next.title) == (None, "B")


def test_order_does_not_depend_on_input_order(config: SiteConfig) -> None:
    entries = [entry(f"content/{c}.md", 3) for c in "dcab"]
    one, _ = site_of(config, entries)
    two, _ = site_of(config, list(reversed(entries)))
    assert (
        [a.meta.slug for a in one.articles] == [a.meta.slug for a in two.articles] == list("abcd")
    )


def test_two_articles_on_one_path(config: SiteConfig) -> None:
    site, problems = site_of(
        config,
        [
            entry("content/x/first.md", 3, slug="grid-deal"),
            entry("content/second.md", 20, slug="grid-deal"),
            entry("content/Hello.md", 5),
            entry("content/hello.md", 6),
        ],
    )
    assert problems == [
        "content/hello.md:1:1: error: content/Hello.md and content/hello.md would both write "
        "/2024/06/hello/index.html\n"
        "  hint: the two file names differ only in letter case; rename one",
        "content/x/first.md:5:1: error: content/second.md and content/x/first.md would both "
        "write /2024/06/grid-deal/index.html\n"
        "  hint: give one of them another `slug:`, or put the day in the URLs: "
        'permalinks: {article: "{year}/{month}/{day}/{slug}/"} in site.yaml',
    ]
    assert sorted(a.meta.path for a in site.articles) == ["content/Hello.md", "content/second.md"]


def test_a_page_and_an_article_on_one_path(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text('title: T\npermalinks:\n  article: "{slug}/"\n')
    config = load_config(tmp_path / "site.yaml")
    _, problems = site_of(
        config, [entry("content/about.md", 1), entry("content/pages/about.md", 0, kind="page")]
    )
    assert problems == [
        "content/pages/about.md:1:1: error: content/about.md and content/pages/about.md would "
        "both write /about/index.html\n  hint: give one of them another `slug:`"
    ]


def test_drafts_and_scheduled_articles_are_left_out(config: SiteConfig) -> None:
    entries = [
        entry("content/a.md", 1),
        entry("content/draft.md", 2, draft=True),
        entry("content/d2.md", 3, draft=True),
        entry("content/future.md", 30, hour=13),
    ]  # an hour after NOW
    site, _ = site_of(config, entries)
    assert [a.meta.slug for a in site.articles] == ["a"]
    assert site.left_out == ("2 drafts", "1 scheduled")
    site, _ = site_of(config, entries, drafts=True, future=True)
    assert len(site.articles) == 4 and site.left_out == ()


def test_duplicate_sources_warn(config: SiteConfig) -> None:
    _, problems = site_of(
        config,
        [
            entry("content/a.md", 1, source="https://www.example.com/story/"),
            entry("content/b.md", 2, source="http://example.com/story?utm_source=rss"),
        ],
    )
    assert problems == [
        "content/b.md:1:1: warning: source http://example.com/story?utm_source=rss is also "
        "curated by content/a.md:1:1\n"
        "  hint: link the earlier article instead, or drop one of them"
    ]


def test_build_date_is_never_the_clock(config: SiteConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = site_of(config, [entry("content/a.md", 1), entry("content/b.md", 5)])
    assert site.build_date == dt.datetime(2024, 6, 5, 9, tzinfo=BERLIN)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718000000")
    site, _ = site_of(config, [entry("content/a.md", 1)])
    assert site.build_date == dt.datetime.fromtimestamp(1718000000, dt.UTC)
    assert site.build_date.tzinfo == BERLIN


def test_link_item_anchors_are_unique_and_the_oldest_keeps_its_own(config: SiteConfig) -> None:
    newer = entry("content/b/tip.md", 18, kind="link")
    site, problems = site_of(
        config,
        [newer, entry("content/a/tip.md", 3, kind="link"), entry("content/a/x.md", 4)],
    )
    assert problems == []
    found = {a.meta.path: (a.anchor, a.found_at) for a in site.articles if isinstance(a, LinkItem)}
    assert found == {
        "content/b/tip.md": ("link-tip_1", "/sub/editions/2024-w25/#link-tip_1"),
        "content/a/tip.md": ("link-tip", "/sub/editions/2024-w23/#link-tip"),
    }
    # The anchor is shown on every card, so it is part of the item's key.
    alone, _ = site_of(config, [newer])
    (item,) = alone.articles
    assert isinstance(item, LinkItem) and item.anchor == "link-tip"
    assert item.key != next(a.key for a in site.articles if a.meta.path == "content/b/tip.md")


def test_a_warm_process_keeps_the_items_whose_inputs_did_not_change(config: SiteConfig) -> None:
    """serve's Placed: the same entries give the same item objects; an edited entry, and
    the neighbours whose prev/next link shows its title, are made again."""
    kept = Placed()
    entries = [entry("content/a.md", 1), entry("content/b.md", 2), entry("content/c.md", 3)]

    def build(these: list[Entry], on: SiteConfig = config) -> Site:
        return build_site(these, [], on, BuildOptions(now=NOW), Diagnostics(), None, kept)

    first = build(entries)
    again = build(entries)
    assert [id(a) for a in again.articles] == [id(a) for a in first.articles]
    assert again == first  # and equal to a build made afresh:
    assert again.articles == site_of(config, entries)[0].articles
    renamed = replace(entries[0].meta, title="A, renamed")
    edited = [replace(entries[0], sha256="new", meta=renamed), *entries[1:]]
    third = build(edited)
    assert third.articles == site_of(config, edited)[0].articles
    c, b, a = third.articles  # newest first
    assert a is not first.articles[2] and a.meta.title == "A, renamed"
    assert b is not first.articles[1] and b.prev is not None and b.prev.title == "A, renamed"
    assert c is first.articles[0]  # shows neither the edit nor a neighbour that changed
    other = replace(config, title="Another title")
    assert all(
        x is not y for x, y in zip(build(edited, other).articles, third.articles, strict=True)
    )


def test_a_warm_process_finds_a_changed_slugs_folder_and_a_clash_each_build(
    config: SiteConfig,
) -> None:
    """Placed.folders keeps each article's folder by its front matter: a new slug is
    placed at its new URL, and a clash found from the kept folders is reported again."""
    kept = Placed()

    def build(these: list[Entry]) -> tuple[Site, list[str]]:
        diags = Diagnostics()
        site = build_site(these, [], config, BuildOptions(now=NOW), diags, None, kept)
        return site, [d.format() for d in diags.sorted()]

    entries = [entry("content/a.md", 1), entry("content/b.md", 2)]
    build(entries)
    moved = replace(entries[0], sha256="moved", meta=replace(entries[0].meta, slug="a-moved"))
    site, problems = build([moved, entries[1]])
    assert problems == []
    assert [a.url for a in site.articles] == ["/sub/2024/06/b/", "/sub/2024/06/a-moved/"]
    assert site.articles == site_of(config, [moved, entries[1]])[0].articles
    clash = replace(entries[1], sha256="clash", meta=replace(entries[1].meta, slug="a-moved"))
    clashing = [moved, clash]
    first, second = build(clashing)[1], build(clashing)[1]
    assert first == second == site_of(config, clashing)[1]
    assert first == [
        "content/b.md:1:1: error: content/a.md and content/b.md would both write "
        "/2024/06/a-moved/index.html\n  hint: give one of them another `slug:`, or put the "
        'day in the URLs: permalinks: {article: "{year}/{month}/{day}/{slug}/"} in site.yaml'
    ]


def test_a_preview_takes_the_other_articles_as_the_last_build_completed_them(
    config: SiteConfig,
) -> None:
    """With preview_of, only that article's related links are ranked; every other article
    whose neighbours did not change is the very item the last build made, related links
    and all (its own page is not made), and the new one is ranked as a build would."""
    related = replace(config, related=2)
    kept = Placed()
    entries = [
        entry("content/a.md", 1, "x"),
        entry("content/b.md", 2, "x"),
        entry("content/c.md", 3, "x"),
        entry("content/d.md", 4, "x"),
    ]
    last = build_site(entries, [], related, BuildOptions(now=NOW), Diagnostics(), None, kept)
    assert all(a.related for a in last.articles)  # each has related links to keep
    added = [*entries, entry("content/e.md", 5, "x")]
    preview = build_site(
        added,
        [],
        related,
        BuildOptions(now=NOW),
        Diagnostics(),
        None,
        kept.copy(),
        preview_of="content/e.md",
    )
    full = site_of(related, added)[0]
    e, d, c, b, a = preview.articles  # newest first
    assert e == full.articles[0]  # ranked: the build's own answer
    assert [c, b, a] == [last.articles[1], last.articles[2], last.articles[3]]
    assert all(x is y for x, y in zip([c, b, a], last.articles[1:], strict=True))
    assert d is not last.articles[0] and d.next is not None  # its neighbour changed: made again
    assert d.related == ()  # not ranked in a preview, and not reused: its inputs changed
    assert [x.key for x in preview.articles] == [x.key for x in full.articles]
