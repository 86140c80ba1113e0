"""Related articles: rarer shared tags weigh more, then nearness in date, then slug.

Each article only looks at WINDOW neighbours on each side in each of its tags'
lists (or 2 × count, if larger), which keeps the cost linear in the size of
the site; an article outside every window is not a candidate, however many
tags it shares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from builder.core.models import Article, ArticleMeta, Link, Rendered, Tag, TagRef
from builder.site.related import WINDOW, related_articles

START = dt.datetime(2024, 6, 30, 12, tzinfo=dt.UTC)


def make(specs: list[tuple[str, float, tuple[str, ...]]]) -> tuple[list[Article], tuple[Tag, ...]]:
    """Articles from (slug, days before START, tags), given newest first, plus their tags."""
    articles: list[Article] = []
    members: dict[str, list[int]] = defaultdict(list)
    for index, (slug, days_ago, tags) in enumerate(specs):
        meta = ArticleMeta(
            path=f"content/{slug}.md",
            title=slug.upper(),
            date=START - dt.timedelta(days=days_ago),
            updated=None,
            tags=tuple((t, 1) for t in tags),
            summary=None,
            slug=slug,
            draft=False,
            source=None,
            authors=(),
            image=None,
        )
        refs = tuple(TagRef(t, t, f"/tags/{t}/") for t in tags)
        articles.append(
            Article(meta, Rendered("", "", (), 0, 1), f"/{slug}/", f"{slug}/index.html", refs, slug)
        )
        for t in tags:
            members[t].append(index)
    tags = tuple(Tag(t, t, f"/tags/{t}/", tuple(ix)) for t, ix in sorted(members.items()))
    return articles, tags


def slugs(links: tuple[Link, ...]) -> list[str]:
    return [link.url.strip("/") for link in links]


def test_a_rarer_shared_tag_beats_a_common_one() -> None:
    articles, tags = make(
        [
            ("common-near", 0, ("common",)),
            ("me", 1, ("common", "rare")),
            ("rare-far", 20, ("rare",)),
            ("c3", 21, ("common",)),
            ("c4", 22, ("common",)),
        ]
    )
    related = related_articles(articles, tags, 5)
    # rare: 2 articles (weight 1/2); common: 4 articles (weight 1/4)
    assert slugs(related[1]) == ["rare-far", "common-near", "c3", "c4"]
    assert slugs(related[2]) == ["me"]


def test_more_shared_weight_ranks_first() -> None:
    articles, tags = make(
        [
            ("a", 0, ("x", "y")),
            ("b", 1, ("x",)),
            ("c", 2, ("x", "y")),
            ("d", 3, ("y",)),
        ]
    )
    assert slugs(related_articles(articles, tags, 5)[0]) == ["c", "b", "d"]


def test_equal_scores_go_by_nearness_in_date_either_way_then_slug() -> None:
    articles, tags = make(
        [
            ("newer-far", 0, ("t",)),
            ("newer-near", 8, ("t",)),
            ("me", 10, ("t",)),
            ("b-older", 12, ("t",)),
            ("a-older", 12, ("t",)),
            ("older-far", 30, ("t",)),
        ]
    )
    related = related_articles(articles, tags, 5)
    assert slugs(related[2]) == ["a-older", "b-older", "newer-near", "newer-far", "older-far"]


def test_never_itself_and_at_most_count() -> None:
    articles, tags = make([(f"a{i}", i, ("t", "u")) for i in range(8)])
    related = related_articles(articles, tags, 3)
    assert len(related) == 8
    for index, links in enumerate(related):
        assert len(links) == 3
        assert f"a{index}" not in slugs(links)
    assert slugs(related[0]) == ["a1", "a2", "a3"]
    assert slugs(related[7]) == ["a6", "a5", "a4"]


def test_articles_without_shared_tags_have_no_related() -> None:
    articles, tags = make([("a", 0, ("x",)), ("b", 1, ("y",)), ("c", 2, ())])
    assert related_articles(articles, tags, 5) == [(), (), ()]


def _far_neighbour_site() -> tuple[list[Article], tuple[Tag, ...]]:
    """`me` and `twin` share both tags, but WINDOW + 1 others of each tag lie between them.

    x: me, x1 … x13, twin    y: me, y1 … y13, twin  (in date order, newest first)
    """
    n = WINDOW + 1
    specs: list[tuple[str, float, tuple[str, ...]]] = [("me", 0, ("x", "y"))]
    specs += [(f"x{i:02d}", i, ("x",)) for i in range(1, n + 1)]
    specs += [(f"y{i:02d}", n + i, ("y",)) for i in range(1, n + 1)]
    specs += [("twin", 100, ("x", "y"))]
    return make(specs)


def test_only_a_window_of_neighbours_per_tag_is_considered() -> None:
    articles, tags = _far_neighbour_site()
    related = related_articles(articles, tags, 5)
    # `twin` would score highest (both tags), but lies outside every window.
    assert "twin" not in slugs(related[0])
    assert slugs(related[0]) == ["x01", "x02", "x03", "x04", "x05"]
    assert "me" not in slugs(related[-1])


def test_the_window_reaches_exactly_window_places_each_way() -> None:
    """`edge-in` is WINDOW places from `me` in tag x, `edge-out` one further.

    Both share x and y with `me`; `y-before` and `y-between` share only y and
    sit just before and between them in date. Inside its window a candidate
    gets x's weight on top of y's and outranks both; outside, it ties with
    them on y's weight alone and is placed by nearness.
    """
    specs: list[tuple[str, float, tuple[str, ...]]] = [("me", 0, ("x", "y"))]
    specs += [(f"f{i:02d}", i, ("x",)) for i in range(1, WINDOW)]
    specs += [
        ("y-before", WINDOW - 0.5, ("y",)),
        ("edge-in", WINDOW, ("x", "y")),
        ("y-between", WINDOW + 0.5, ("y",)),
        ("edge-out", WINDOW + 1, ("x", "y")),
    ]
    articles, tags = make(specs)
    assert slugs(related_articles(articles, tags, 4)[0]) == [
        "edge-in",
        "y-before",
        "y-between",
        "edge-out",
    ]


def test_a_large_count_widens_the_window() -> None:
    articles, tags = _far_neighbour_site()
    # count 10 → a window of 20 places each way, which reaches `twin` in both tags.
    assert slugs(related_articles(articles, tags, 10)[0])[0] == "twin"


def test_the_memo_is_reused_only_while_its_inputs_are_the_same(monkeypatch) -> None:
    import builder.site.related as related_mod

    specs = [("a", 0, ("x", "y")), ("b", 1, ("x",)), ("c", 2, ("y",)), ("d", 3, ("x", "y"))]
    articles, tags = make(specs)
    memo: dict = {}
    first = related_articles(articles, tags, 2, memo)
    assert memo["rows"] and memo["digest"]

    def no_ranking(*args: object) -> None:
        raise AssertionError("ranked again although nothing it depends on changed")

    monkeypatch.setattr(related_mod, "_rank", no_ranking)
    assert related_articles(articles, tags, 2, memo) == first
    # A new title is shown in the links, so the memo no longer answers.
    renamed = [("a", 0, ("x", "y")), ("b", 1, ("x",)), ("c", 2, ("y",)), ("e", 3, ("x", "y"))]
    articles2, tags2 = make(renamed)
    monkeypatch.undo()
    assert slugs(related_articles(articles2, tags2, 2, memo)[0]) == ["e", "b"]
    assert slugs(first[0]) == ["d", "b"]


def test_only_ranks_those_articles_as_among_all_and_leaves_the_memo() -> None:
    """serve's preview of one article's pages ranks that article alone: the same links as
    ranking every article, none for the others, and the build's memo untouched."""
    specs = [(f"s{i}", i, ("x", "y") if i % 3 else ("x",)) for i in range(30)]
    articles, tags = make(specs)
    every = related_articles(articles, tags, 3)
    memo = {"digest": "kept", "rows": [[1]]}
    some = related_articles(articles, tags, 3, memo, only=[4, 17])
    assert some[4] == every[4] and some[17] == every[17] and every[4]
    assert all(row == () for i, row in enumerate(some) if i not in (4, 17))
    assert memo == {"digest": "kept", "rows": [[1]]}
