"""Related articles, ranked by shared tags (rarer tags weigh more), then nearness in date.

Scoring every pair of articles is quadratic. Instead each article looks at
a window of its neighbours in date inside each of its tags' lists, and a
candidate's score is the summed weight (1 / articles in the tag) of the
tags in whose window it appears. The cost is articles × tags × window,
whatever the size of the site.
"""

from __future__ import annotations

from bisect import bisect_left

from builder.models import Article, Link, Tag

WINDOW = 12  # neighbours taken on each side, per tag


def related_articles(
    articles: list[Article], tags: tuple[Tag, ...], count: int
) -> list[tuple[Link, ...]]:
    """For each article (by index), up to `count` related links."""
    window = max(WINDOW, count * 2)
    members = {tag.slug: tag.articles for tag in tags}
    weight = {tag.slug: 1.0 / len(tag.articles) for tag in tags}
    stamps = [a.date.timestamp() if a.date else 0.0 for a in articles]
    links = [Link(a.title, a.url) for a in articles]
    slugs = [a.meta.slug for a in articles]
    result: list[tuple[Link, ...]] = []
    for index, article in enumerate(articles):
        score: dict[int, float] = {}
        for ref in article.tags:
            row = members[ref.slug]
            # Tag lists are in article order (newest first), so an article's
            # place in one is found by bisection on the index.
            where = bisect_left(row, index)
            w = weight[ref.slug]
            for other in row[max(0, where - window): where + window + 1]:
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
        result.append(tuple(links[r[3]] for r in ranked[:count]))
    return result
