"""Which part of the search index each item is in: the index in parts of about SHARD items.

Pagefind cannot change an index in place, and indexing costs about 4 ms
and a third of a megabyte of the indexer's memory per page (measured:
docs/performance.md). One index for the whole site would mean that one
edit re-indexes every article, and that the indexer's memory grows with
the site without bound (3 GiB at 10,000 articles). So the index is made
in parts: the items, oldest month first, are gathered month by month into
a part until it holds SHARD or more, and the next month starts the next
part. Each part is a whole Pagefind bundle with its own fingerprint
(render/search.py), so an edit re-indexes only its part, and the reader's
search merges the parts (Pagefind's `mergeIndex`, static/search.js).

The first part is the bundle at pagefind/ (with the search interface's
own scripts); each later one is at pagefind/<year>-<month>/, named for its
first month. Items are added to the newest month, so it is the last part
that grows; the earlier parts only change when an old item does, or when
a month gains so many items that a boundary moves. A site of fewer than
SHARD items has one part, at pagefind/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from builder.core.models import Listed

# Items per part: a bigger part costs more to re-index after an edit and more indexer
# memory; a smaller one means more parts for a reader's browser to load and merge.
SHARD = 1000
_LATER = re.compile(r"\d{4}-\d{2}/")  # a later part's folder, as shards() names it


@dataclass(frozen=True)
class Shard:
    """One part of the index: where it goes under pagefind/ and what it holds."""

    folder: str  # "" for the first part, "2024-03/" for a later one
    items: tuple[Listed, ...]  # in the order of the site's lists


def shards(items: Sequence[Listed], size: int = 0) -> list[Shard]:
    """The parts of the index of `items`, oldest first (see the module's docstring), of
    `size` items (SHARD if 0)."""
    size = size or SHARD
    months: dict[tuple[int, int], list[int]] = {}
    for i, item in enumerate(items):
        months.setdefault((item.date.year, item.date.month), []).append(i)
    parts: list[tuple[tuple[int, int], list[int]]] = []
    for month in sorted(months):
        if not parts or len(parts[-1][1]) >= size:
            parts.append((month, []))
        parts[-1][1].extend(months[month])
    return [
        Shard(
            "" if n == 0 else f"{first[0]:04d}-{first[1]:02d}/",  # as _LATER reads it
            tuple(items[i] for i in sorted(indexes)),
        )
        for n, (first, indexes) in enumerate(parts)
    ]


def folder_of(path: str) -> str:
    """The part a file of the index is in, from its path under pagefind/: "" for the first
    part, "2024-03/" for a later one."""
    later = _LATER.match(path)
    return later.group() if later else ""


def bundles(items: Sequence[Listed], pagefind: str) -> tuple[str, ...]:
    """The site paths of the parts' bundles, the first one first: what the search page merges.

    `pagefind` is the site path of pagefind/ (SiteLayout.pagefind).
    """
    found = shards(items)
    return tuple(pagefind + part.folder for part in found) if found else (pagefind,)
