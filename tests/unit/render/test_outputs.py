"""outputs.py: the catalogue, and which files a site becomes.

The site model comes from building tests/fixtures/site-basic once.
"""

from __future__ import annotations

from typing import Any

from builder.core.errors import Diagnostics
from builder.render import outputs
from builder.render.theme import load_theme


def test_the_site_becomes_exactly_these_files(basic_site: Any) -> None:
    files = sorted(
        p.relative_to(basic_site.out).as_posix() for p in basic_site.out.rglob("*") if p.is_file()
    )
    pages = [f for f in files if f.endswith(".html")]
    assert [f for f in pages if "page/" in f] == [
        "page/2/index.html",
        "tags/transport/page/2/index.html",
    ]
    assert [
        f for f in files if f.endswith((".xml", ".json", ".txt")) and not f.startswith("pagefind/")
    ] == [
        "atom.xml",
        "editions/2025-w10/email.txt",
        "editions/2025-w11/email.txt",
        "editions/2025-w12/email.txt",
        "editions/feed.xml",
        "feed.json",
        "feed.xml",
        "robots.txt",
        "sitemap.xml",
        "tags/cities/feed.xml",
        "tags/data/feed.xml",
        "tags/québec/feed.xml",
        "tags/science/feed.xml",
        "tags/transport/feed.xml",
        "tags/water/feed.xml",
    ]
    assert "2025/03/thaw-chart.svg" in files
    assert {
        "2025/index.html",
        "2025/03/index.html",
        "archive/index.html",
        "editions/index.html",
        "editions/2025-w10/index.html",
        "404.html",
        "about/index.html",
        "tags/index.html",
        "editions/2025-w10/email.html",
        "search/index.html",
    } <= set(pages)
    assert {
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
    } <= set(files)


def test_specs_are_stable(basic_site: Any) -> None:
    site = basic_site.result.site
    theme = load_theme(site.config, Diagnostics())
    first = [(s.out_path, s.fingerprint) for s in outputs.specs(site, theme)]
    again = [(s.out_path, s.fingerprint) for s in outputs.specs(site, theme)]
    assert first == again
    assert len({path for path, _ in first}) == len(first)


def test_the_catalogue_names_every_kind_of_output_once() -> None:
    assert [name for name, _make in outputs.CATALOGUE] == [
        "article pages",
        "pages",
        "index",
        "tags",
        "tag pages",
        "author pages",
        "archive",
        "years",
        "months",
        "editions index",
        "edition pages",
        "edition emails",
        "404",
        "search page",
        "search index",
        "feeds",
        "sitemap",
        "robots",
        "highlight.css",
        "theme statics",
        "assets",
    ]


def test_each_line_of_the_catalogue_makes_its_outputs(basic_site: Any) -> None:
    site = basic_site.result.site
    job = outputs.job_for(site, load_theme(site.config, Diagnostics()))
    made = {name: [spec.out_path for spec in make(job)] for name, make in outputs.CATALOGUE}
    assert made["article pages"] == [a.out_path for a in site.articles]
    assert made["pages"] == ["about/index.html"]
    assert made["index"] == ["index.html", "page/2/index.html"]
    assert made["tags"] == ["tags/index.html"]
    assert made["tag pages"][:2] == ["tags/cities/index.html", "tags/data/index.html"]
    assert made["archive"] == ["archive/index.html"]
    assert made["years"] == ["2025/index.html"]
    assert made["months"] == ["2025/03/index.html"]
    assert made["editions index"] == ["editions/index.html"]
    assert made["edition pages"] == [
        "editions/2025-w12/index.html",
        "editions/2025-w11/index.html",
        "editions/2025-w10/index.html",
    ]
    assert made["edition emails"] == [
        f"editions/2025-w{n}/email.{ext}" for n in (12, 11, 10) for ext in ("html", "txt")
    ]
    assert made["404"] == ["404.html"]
    assert made["search page"] == ["search/index.html"]
    assert "pagefind/pagefind-entry.json" in made["search index"]
    assert made["feeds"][:3] == ["feed.xml", "atom.xml", "feed.json"]
    assert made["sitemap"] == ["sitemap.xml"]
    assert made["robots"] == ["robots.txt"]
    assert made["highlight.css"] == ["static/highlight.css"]
    assert made["theme statics"] and all(p.startswith("static/") for p in made["theme statics"])
    assert "2025/03/thaw-chart.svg" in made["assets"]
    written = {
        p.relative_to(basic_site.out).as_posix()
        for p in basic_site.out.rglob("*")
        if p.is_file() and p.name != ".broadsheet"
    }
    assert sorted(p for paths in made.values() for p in paths) == sorted(written)
