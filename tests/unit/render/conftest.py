"""Render-test helpers: a SiteConfig and Articles made in memory, without building a site."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.core.models import (
    Article,
    ArticleMeta,
    FeedsConfig,
    MarkdownConfig,
    Permalinks,
    Rendered,
    SiteConfig,
    Source,
    TagRef,
)

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def make_config(base_url: str = "https://example.org/") -> SiteConfig:
    return SiteConfig(
        root=Path("/site"),
        config_path=Path("/site/site.yaml"),
        title="Test Digest",
        description="A digest for tests.",
        base_url=base_url,
        language="en",
        timezone="America/Toronto",
        author="The desk",
        theme="default",
        paginate=10,
        permalinks=Permalinks(),
        feeds=FeedsConfig(),
        markdown=MarkdownConfig(),
        editions="week",
        related=5,
        output_dir=Path("/site/output"),
        search=True,
        authors=(),
    )


def make_article(
    cfg: SiteConfig,
    slug: str = "first",
    *,
    html: str = "<p>Body.</p>",
    summary: str = "<p>Summary.</p>",
    source: Source | None = None,
    updated: dt.datetime | None = None,
    image: str | None = None,
    when: dt.datetime = dt.datetime(2025, 3, 11, 7, 0, tzinfo=TORONTO),
) -> Article:
    meta = ArticleMeta(
        path=f"content/2025/03/{slug}.md",
        title=f"Title of {slug}",
        date=when,
        updated=updated,
        tags=(("Science", 3), ("Water", 3)),
        summary=None,
        slug=slug,
        draft=False,
        source=source,
        authors=("Ana Writer",),
        image=image,
    )
    url = cfg.base_path + f"2025/03/{slug}/"
    tags = tuple(
        TagRef(t, t.lower(), cfg.base_path + f"tags/{t.lower()}/") for t in ("Science", "Water")
    )
    return Article(
        meta, Rendered(html, summary, (), 2, 1), url, f"2025/03/{slug}/index.html", tags, key=slug
    )


@pytest.fixture
def config() -> Callable[..., SiteConfig]:
    """make_config: a site at this base_url with default settings."""
    return make_config


@pytest.fixture
def article() -> Callable[..., Article]:
    """make_article: an article of that site, tagged Science and Water, by Ana Writer."""
    return make_article
