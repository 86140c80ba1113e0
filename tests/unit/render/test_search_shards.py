"""The parts of the search index: months gathered, oldest first, until a part is full.

That an edit re-indexes only its part, and that a browser searches all
parts as one, is tests/e2e/test_search.py and tests/browser/test_search_parts.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from builder.render import search_shards
from builder.render.search_shards import bundles, shards


@dataclass(frozen=True)
class Item:
    """All the parts look at: an item's date (and a name, to tell them apart here)."""

    name: str
    date: dt.datetime


def items(*months: str) -> list[Any]:
    """One item per month given ("2024-03"), named for its place, newest first as the lists are."""
    made = [
        Item(f"{month}#{i}", dt.datetime.fromisoformat(f"{month}-{10 + i:02d}T12:00"))
        for i, month in enumerate(months)
    ]
    return sorted(made, key=lambda item: item.date, reverse=True)


def names(found: list[search_shards.Shard]) -> list[tuple[str, list[str]]]:
    return [(part.folder, [item.name for item in part.items]) for part in found]


def test_months_are_gathered_until_a_part_holds_its_size() -> None:
    site = items("2024-01", "2024-01", "2024-02", "2024-03", "2024-03", "2024-03", "2024-05")
    assert names(shards(site, 2)) == [
        ("", ["2024-01#1", "2024-01#0"]),  # full at two: February starts the next part
        ("2024-02/", ["2024-03#5", "2024-03#4", "2024-03#3", "2024-02#2"]),  # a month is whole
        ("2024-05/", ["2024-05#6"]),
    ]


def test_a_small_site_is_one_part_at_the_bundles_root() -> None:
    site = items("2023-11", "2024-02", "2024-02")
    assert names(shards(site)) == [("", ["2024-02#2", "2024-02#1", "2023-11#0"])]
    assert bundles(site, "/news/pagefind/") == ("/news/pagefind/",)
    assert shards([]) == []
    assert bundles([], "/pagefind/") == ("/pagefind/",)  # an empty index is still searched


def test_an_item_added_to_the_newest_month_changes_only_the_last_part() -> None:
    site = items("2024-01", "2024-01", "2024-02", "2024-02", "2024-03")
    grown = items("2024-01", "2024-01", "2024-02", "2024-02", "2024-03", "2024-03")
    before, after = shards(site, 2), shards(grown, 2)
    assert before[:-1] == after[:-1]
    assert [p.folder for p in after] == ["", "2024-02/", "2024-03/"]


def test_the_size_is_read_when_parts_are_made(monkeypatch: Any) -> None:
    """A test (or a later setting) can change SHARD: it is not frozen into a default."""
    monkeypatch.setattr(search_shards, "SHARD", 1)
    site = items("2024-01", "2024-02")
    assert bundles(site, "/pagefind/") == ("/pagefind/", "/pagefind/2024-02/")


def test_a_file_of_the_index_is_in_the_part_its_folder_names() -> None:
    assert search_shards.folder_of("2024-03/fragment/en_1a2b.pf_fragment") == "2024-03/"
    assert search_shards.folder_of("2024-03/pagefind-entry.json") == "2024-03/"
    assert search_shards.folder_of("fragment/en_1a2b.pf_fragment") == ""
    assert search_shards.folder_of("pagefind-ui.js") == ""
