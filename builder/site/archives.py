"""Date archives: the articles of each year and month, newest first.

A grouping of the already sorted article list by year and month in the
site time zone, built in one pass; the year and month pages list them.
Link items are left out: the archive lists the pages of the site.
"""

from __future__ import annotations

from collections import defaultdict

from builder.core.dates import MONTHS
from builder.core.models import ArchiveMonth, ArchiveYear, LinkItem, Listed, SiteConfig
from builder.core.paths import SiteLayout


def archives(articles: list[Listed], config: SiteConfig) -> tuple[ArchiveYear, ...]:
    """Years and months, newest first, each with its articles (indexes, newest first)."""
    layout = SiteLayout.of(config)
    months: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        if isinstance(article, LinkItem):
            continue
        months[(article.date.year, article.date.month)].append(index)
    years: dict[int, list[ArchiveMonth]] = defaultdict(list)
    for year, month in sorted(months, reverse=True):
        years[year].append(
            ArchiveMonth(
                year,
                month,
                f"{MONTHS[month - 1]} {year}",
                layout.month(year, month),
                tuple(months[(year, month)]),
            )
        )
    return tuple(
        ArchiveYear(year, layout.year(year), tuple(ms), tuple(i for m in ms for i in m.articles))
        for year, ms in sorted(years.items(), reverse=True)
    )
