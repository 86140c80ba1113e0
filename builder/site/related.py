"""Related articles, ranked by shared tags (rarer tags weigh more), then nearness in date.

Scoring every pair of articles is quadratic. Instead each article looks at
a window of its neighbours in date inside each of its tags' lists, and a
candidate's score is the summed weight (1 / articles in the tag) of the
tags in whose window it appears. The cost is articles × tags × window,
whatever the size of the site.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Collection
from typing import TypeVar

from builder.core.models import Article, Link, Tag

T = TypeVar("T")

WINDOW = 12  # neighbours taken on each side, per tag


def related_articles(
    articles: list[Article],
    tags: tuple[Tag, ...],
    count: int,
    memo: dict | None = None,
    only: Collection[int] | None = None,
) -> list[tuple[Link, ...]]:
    """For each article (by index), up to `count` related links.

    `memo` (in and out) keeps the last answer with a digest of everything it
    depends on: each article's slug, date, title, URL and tags. An edit to
    bodies or summaries, the common case, then costs a hash instead of the
    ranking. With `only`, just those articles are ranked (as they would be
    among all) and the others given none: what a preview of one article's
    pages needs, at a thousandth of the cost; the memo is left alone then.
    """
    if only is not None:  # a few rows: their links made alone, not one for every article
        rows = _rank(articles, tags, count, only)
        return [tuple(Link(articles[i].title, articles[i].url) for i in row) for row in rows]
    links = [Link(a.title, a.url) for a in articles]
    digest = _inputs_digest(articles, count)
    if memo is not None and memo.get("digest") == digest:
        try:
            return [tuple(links[i] for i in row) for row in memo["rows"]]
        except (KeyError, IndexError, TypeError):
            pass
    rows = _rank(articles, tags, count)
    if memo is not None:
        memo.clear()
        memo.update(digest=digest, rows=rows)
    return [tuple(links[i] for i in row) for row in rows]


def _inputs_digest(articles: list[Article], count: int) -> str:
    digest = hashlib.sha256(f"{WINDOW}\0{count}".encode())
    for a in articles:
        stamp = a.date.timestamp()
        digest.update(f"{a.meta.slug}\0{stamp}\0{a.title}\0{a.url}\0".encode())
        digest.update("\1".join(t.slug for t in a.tags).encode() + b"\0")
    return digest.hexdigest()


def _rank(
    articles: list[Article],
    tags: tuple[Tag, ...],
    count: int,
    only: Collection[int] | None = None,
) -> list[list[int]]:
    """Each article's related articles by index (an empty row for those not in `only`)."""
    window = max(WINDOW, count * 2)
    members = {tag.slug: tag.articles for tag in tags}
    weight = {tag.slug: 1.0 / len(tag.articles) for tag in tags}
    stamps: list[float] | _Lazy[float]
    slugs: list[str] | _Lazy[str]
    if only is None:
        stamps = [a.date.timestamp() for a in articles]
        slugs = [a.meta.slug for a in articles]
    else:  # a few rows: only their candidates' dates and slugs are read
        stamps = _Lazy(lambda i: articles[i].date.timestamp())
        slugs = _Lazy(lambda i: articles[i].meta.slug)
    result: list[list[int]] = [[] for _ in articles]
    for index in range(len(articles)) if only is None else sorted(only):
        article = articles[index]
        score: dict[int, float] = {}
        for ref in article.tags:
            row = members[ref.slug]
            # Tag lists are in article order (newest first), so an article's
            # place in one is found by bisection on the index.
            where = bisect_left(row, index)
            w = weight[ref.slug]
            for other in row[max(0, where - window) : where + window + 1]:
                score[other] = score.get(other, 0.0) + w
        score.pop(index, None)
        stamp = stamps[index]
        if len(score) > count:
            # Only candidates scoring at least the count-th best can make the list;
            # sorting the bare scores (in C) to find it is far cheaper than ranking all.
            floor = sorted(score.values(), reverse=True)[count - 1]
            pool = [c for c, s in score.items() if s >= floor]
        else:
            pool = list(score)
        ranked = sorted([(-score[c], abs(stamps[c] - stamp), slugs[c], c) for c in pool])
        result[index] = [r[3] for r in ranked[:count]]
    return result


class _Lazy(dict[int, T]):
    """A column of the articles (a date, a slug) read only for the rows asked for."""

    def __init__(self, read: Callable[[int], T]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, index: int) -> T:
        value = self[index] = self._read(index)
        return value
