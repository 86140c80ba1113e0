"""A reader's search covers every part of the index (render/search_shards.py) as one.

The parts are made small here (two articles) so a five-article site has
three; the files of each part are tests/e2e/test_search.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import build
from builder.render import search_shards
from tests.browser.conftest import serve
from tests.browser.test_languages import results

ARTICLES = [
    (1, 12, "canal", "Canal barges carry grain again"),
    (1, 28, "mill", "The old mill turns for tourists"),
    (2, 9, "weir", "A new weir slows the floods"),
    (2, 21, "bridge", "The footbridge opens in spring"),
    (3, 4, "quay", "The quay is repaved for barges"),
]


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("parts")
    site = root / "site"
    for month, day, slug, title in ARTICLES:
        path = site / f"content/2025/0{month}/{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {title}\ndate: 2025-0{month}-{day:02d}\n---\n\n{title}, said the "
            "river board.\n",
            "utf-8",
        )
    (site / "site.yaml").write_text(
        'title: "River Digest"\nbase_url: "https://example.org/river/"\ntimezone: UTC\n', "utf-8"
    )
    config = load_config(site / "site.yaml", site / "output")
    now = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    with mock.patch.object(search_shards, "SHARD", 2):
        result = build(config, BuildOptions(now=now, jobs=1))
    assert result.ok, [d.format() for d in result.diagnostics]
    # Three parts: January, February, March (each month is a whole part here).
    assert len(list((site / "output/pagefind").rglob("pagefind-entry.json"))) == 3
    served = serve(site / "output", root / "www", "/river/")
    yield next(served)
    served.close()


def test_a_search_finds_articles_in_every_part(browser: Any, parted_site: str) -> None:
    page = browser.new_page()
    page.goto(parted_site + "search/?q=barges")
    # "barges" is in January's part and in March's: both are found, in one list.
    assert sorted(results(page)) == [
        "Canal barges carry grain again",
        "The quay is repaved for barges",
    ]
    page.goto(parted_site + "search/?q=footbridge")
    assert results(page) == ["The footbridge opens in spring"]
