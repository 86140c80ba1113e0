"""Related articles, ranked by shared tags (rarer tags weigh more), then nearness in date.

Scoring every pair of articles is quadratic; instead each article looks
only at a window of neighbours in date inside each of its tags' lists. The
cost is articles × tags × window, whatever the size of the site.
"""

from __future__ import annotations

from builder.models import Article, Link, Tag

WINDOW = 12  # neighbours taken on each side, per tag


def related_articles(
    articles: list[Article], tags: tuple[Tag, ...], count: int
) -> list[tuple[Link, ...]]:
    """For each article (by index), up to `count` related links."""
    weight = {tag.slug: 1.0 / len(tag.articles) for tag in tags}
    position: dict[str, dict[int, int]] = {
        tag.slug: {a: i for i, a in enumerate(tag.articles)} for tag in tags
    }
    members = {tag.slug: tag.articles for tag in tags}
    tag_sets = [frozenset(ref.slug for ref in a.tags) for a in articles]
    stamps = [a.date.timestamp() if a.date else 0.0 for a in articles]
    window = max(WINDOW, count * 2)
    result: list[tuple[Link, ...]] = []
    for index, own in enumerate(tag_sets):
        candidates: set[int] = set()
        for slug in own:
            where = position[slug][index]
            row = members[slug]
            candidates.update(row[max(0, where - window): where + window + 1])
        candidates.discard(index)
        scored = sorted(
            candidates,
            key=lambda c: (
                -sum(weight[s] for s in own & tag_sets[c]),
                abs(stamps[c] - stamps[index]),
                articles[c].meta.slug,
            ),
        )
        result.append(tuple(Link(articles[c].title, articles[c].url) for c in scored[:count]))
    return result
