"""The search index: what Pagefind is given, where its files go, and when it is made again.

The browser side (a query finds the right article in the right language)
is tests/browser/test_languages.py; here the files themselves are read.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import BuildResult, build
from builder.render import search_files

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
SITE = 'title: "Search Digest"\nbase_url: "https://example.org/news/"\ntimezone: UTC\n'


def article(title: str, body: str, tags: str = "[Transport]", day: int = 10) -> str:
    return f"---\ntitle: {title}\ndate: 2025-05-{day:02d}\ntags: {tags}\n---\n\n{body}\n"


FILES = {
    "content/2025/05/ferries.md": article("Ferry fares rise", "Island ferries cost more now."),
    "content/2025/05/lakes.md": article(
        "Lake ice thins", "Ice on the lake melts early.", "[Science, Water]", 20
    ),
    "content/pages/about.md": "---\ntitle: About\n---\n\nWe read the papers so you do not.\n",
}


def run(site: Path, cache: Path | None = None) -> BuildResult:
    config = load_config(site / "site.yaml", site / "output")
    result = build(config, BuildOptions(now=NOW, jobs=1, cache_dir=cache))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def stamps(out: Path) -> dict[str, int]:
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and p.name != ".broadsheet"
    }


def fragments(out: Path) -> list[dict]:
    """The indexed pages as Pagefind stores them: one JSON fragment each."""
    return sorted(
        (
            json.loads(gzip.decompress(p.read_bytes())[len(search_files.MAGIC) :])
            for p in (out / "pagefind" / "fragment").iterdir()
        ),
        key=lambda f: f["url"],
    )


def test_articles_are_indexed_with_their_filters_under_the_sub_path(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(FILES, SITE)
    run(site)
    out = site / "output"
    found = fragments(out)
    assert [f["url"] for f in found] == ["/news/2025/05/ferries/", "/news/2025/05/lakes/"]
    assert [f["meta"]["title"] for f in found] == ["Ferry fares rise", "Lake ice thins"]
    lakes = found[1]
    assert lakes["filters"] == {
        "tag": ["Science", "Water"],
        "edition": ["Week 21, 2025"],
        "year": ["2025"],
    }
    assert "Ice on the lake melts early." in lakes["content"]
    assert "Skip to content" not in lakes["content"]  # only the article is indexed
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en"]
    page = (out / "search" / "index.html").read_text("utf-8")
    assert '<script src="/news/pagefind/pagefind-ui.js"></script>' in page
    assert '<form class="site-search" role="search" action="/news/search/">' in page
    assert not (out / "pagefind" / "pagefind-component-ui.js").exists()  # unused front ends


def test_search_false_leaves_out_the_index_the_page_and_the_box(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(FILES, SITE + "search: false\n")
    run(site)
    out = site / "output"
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    assert "site-search" not in (out / "index.html").read_text("utf-8")


def test_the_index_is_reused_until_an_indexed_page_changes(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = make_site(FILES, SITE)
    cache = tmp_path / "cache"
    run(site, cache)
    out = site / "output"
    before = stamps(out)
    index = {rel for rel in before if rel.startswith("pagefind/")}
    # The About page is not indexed: editing it leaves every index file as it was.
    about = site / "content/pages/about.md"
    about.write_text(about.read_text("utf-8") + "\nAnd a second paragraph.\n", "utf-8")
    run(site, cache)
    after = stamps(out)
    assert {rel: after[rel] for rel in index} == {rel: before[rel] for rel in index}
    # An article's body is: the index is made again, and the old files go.
    ferries = site / "content/2025/05/ferries.md"
    ferries.write_text(ferries.read_text("utf-8") + "\nFares rise by a tenth.\n", "utf-8")
    run(site, cache)
    again = {rel for rel in stamps(out) if rel.startswith("pagefind/")}
    assert again != index
    assert "Fares rise by a tenth." in "".join(f["content"] for f in fragments(out))


def test_an_edit_reindexes_the_unchanged_pages_of_its_part_as_they_were_written(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Pagefind gets the last build's bytes of a page that did not change, not a second
    render of it: a word planted in such a file, its size and mtime kept (as the build's
    own check of an untouched output reads them), is what the new index finds."""
    site = make_site(FILES, SITE)
    cache = tmp_path / "cache"
    run(site, cache)
    out = site / "output"
    lakes = next(p for p in out.rglob("index.html") if "lake" in p.parent.name)
    st = lakes.stat()
    planted = lakes.read_bytes().replace(b"melts early", b"thaws early")
    assert len(planted) == st.st_size and planted != lakes.read_bytes()
    lakes.write_bytes(planted)
    os.utime(lakes, ns=(st.st_atime_ns, st.st_mtime_ns))
    ferries = site / "content/2025/05/ferries.md"
    ferries.write_text(ferries.read_text("utf-8") + "\nFares rise by a tenth.\n", "utf-8")
    run(site, cache)
    content = "".join(f["content"] for f in fragments(out))
    assert "Fares rise by a tenth." in content  # the edited page, rendered now
    assert "thaws early" in content and "melts early" not in content


TIDES = (
    "---\ntitle: Tide tables for the summer\ndate: 2025-05-21\ntags: [Water]\nlang: zh-Hans\n"
    "link: https://tides.example/summer\n---\n\nPrinted <em>weekly</em>, with the neap tides.\n"
)


def test_link_items_are_indexed_at_their_card_in_their_language(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = make_site({**FILES, "content/2025/05/tides.md": TIDES}, SITE)
    cache = tmp_path / "cache"
    run(site, cache)
    out = site / "output"
    (tides,) = [f for f in fragments(out) if "#" in f["url"]]
    assert tides["url"] == "/news/editions/2025-w21/#link-tides"
    assert tides["meta"]["title"] == "Tide tables for the summer"
    assert tides["filters"] == {"tag": ["Water"], "edition": ["Week 21, 2025"], "year": ["2025"]}
    # Pagefind's Chinese word breaker marks the word ends it finds (U+200B).
    assert " ".join(tides["content"].replace("\u200b", "").split()) == (
        "Tide tables for the summer Printed weekly, with the neap tides."
    )
    # The URL leads to the card: its id is the anchor, on the edition page.
    edition = (out / "editions/2025-w21/index.html").read_text("utf-8")
    assert '<article class="card link-item" id="link-tides">' in edition
    # A page lang="zh-Hans" and the record share one index, as Pagefind spells it.
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {"en": 2, "zh-hans": 1}
    # Unchanged, the index is kept; a link item's comment changed, it is made again.
    index = {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")}
    run(site, cache)
    assert {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")} == index
    (site / "content/2025/05/tides.md").write_text(
        TIDES.replace("neap tides", "spring tides"), "utf-8"
    )
    run(site, cache)
    (tides,) = [f for f in fragments(out) if "#" in f["url"]]
    assert "with \u200bthe \u200bspring \u200btides" in tides["content"]


def test_a_damaged_index_is_made_again(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site(FILES, SITE)
    cache = tmp_path / "cache"
    run(site, cache)
    out = site / "output"
    whole = sorted(rel for rel in stamps(out) if rel.startswith("pagefind/"))
    victim = next(out / rel for rel in whole if rel.startswith("pagefind/fragment/"))
    victim.unlink()
    run(site, cache)
    assert sorted(rel for rel in stamps(out) if rel.startswith("pagefind/")) == whole


def test_a_missing_indexer_stops_the_build_with_a_hint(
    make_site: Callable[..., Path],
    run_build: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-pagefind"))
    site = make_site(FILES, SITE)
    done = run_build(site)
    assert done.code == 2  # type: ignore[attr-defined]
    assert done.diags == (  # type: ignore[attr-defined]
        "broadsheet: error: the search index could not be built: cannot run Pagefind "
        f"{tmp_path / 'no-pagefind'}: No such file or directory\n"
        "  hint: reinstall it with  pip install 'pagefind[extended]', or set  search: false  in "
        "site.yaml\n"
    )
    assert not (site / "output").exists()


def test_an_indexer_that_dies_is_an_error_not_a_hang_or_a_traceback(
    make_site: Callable[..., Path],
    run_build: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    dying = tmp_path / "pagefind"
    dying.write_text("#!/bin/sh\nexit 3\n", "utf-8")
    dying.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(dying))
    done = run_build(make_site(FILES, SITE))
    assert done.code == 2  # type: ignore[attr-defined]
    assert done.diags == (  # type: ignore[attr-defined]
        # Whether the death is seen as a closed pipe or as an unanswered request depends on
        # timing; both are one message.
        "broadsheet: error: the search index could not be built: Pagefind: the indexer stopped "
        "before it answered (killed?)\n"
        "  hint: reinstall it with  pip install 'pagefind[extended]', or set  search: false  in "
        "site.yaml\n"
    )


MONTHS = {
    f"content/2025/0{m}/{name}.md": (
        f"---\ntitle: {name.title()} news\ndate: 2025-0{m}-{d:02d}\ntags: [Water]\n---\n\n{body}\n"
    )
    for m, d, name, body in [
        (2, 3, "canal", "The canal reopens to barges."),
        (2, 17, "harbour", "The harbour dredging ends."),
        (3, 9, "weir", "A new weir slows the floods."),
        (4, 2, "locks", "The locks get electric gates."),
        (4, 20, "quay", "The quay is repaved in granite."),
    ]
}


def test_the_index_is_in_parts_and_an_edit_remakes_only_its_own(
    make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.render import search_shards

    monkeypatch.setattr(search_shards, "SHARD", 2)  # parts of two: three parts of five
    site = make_site(MONTHS, SITE)
    cache = tmp_path / "cache"
    run(site, cache)
    out = site / "output"
    entries = sorted(p.relative_to(out).as_posix() for p in out.rglob("pagefind-entry.json"))
    assert entries == [
        "pagefind/2025-03/pagefind-entry.json",
        "pagefind/pagefind-entry.json",
    ]
    # February's two are the first part; March and April the second (a part is full at two
    # or more, and a month is never split).
    first = json.loads((out / "pagefind/pagefind-entry.json").read_text("utf-8"))
    second = json.loads((out / "pagefind/2025-03/pagefind-entry.json").read_text("utf-8"))
    assert first["languages"]["en"]["page_count"] == 2
    assert second["languages"]["en"]["page_count"] == 3
    # The interface is once, in the first part; each part has Pagefind's own script.
    assert (out / "pagefind/pagefind-ui.js").is_file()
    assert not (out / "pagefind/2025-03/pagefind-ui.js").exists()
    assert (out / "pagefind/2025-03/pagefind.js").is_file()
    search = (out / "search/index.html").read_text("utf-8")
    assert 'data-bundles="/news/pagefind/ /news/pagefind/2025-03/"' in search
    # An edit in April remakes the second part; the first keeps every file as it was.
    before = {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")}
    quay = site / "content/2025/04/quay.md"
    quay.write_text(quay.read_text("utf-8") + "\nThe granite came by barge.\n", "utf-8")
    run(site, cache)
    after = {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")}
    kept = {rel for rel in before if not rel.startswith("pagefind/2025-03/")}
    assert {rel: after[rel] for rel in kept} == {rel: before[rel] for rel in kept}
    remade = {rel for rel in after if rel.startswith("pagefind/2025-03/")}
    # The edited page's fragment is new (its name is its content's); the others are the same
    # bytes, which the writer leaves in place.
    assert [rel for rel in remade - set(before) if "/fragment/" in rel]
    parts = [out / "pagefind/fragment", out / "pagefind/2025-03/fragment"]
    texts = [
        json.loads(gzip.decompress(p.read_bytes())[12:])["content"]
        for d in parts
        for p in d.iterdir()
    ]
    assert sum("granite came by barge" in t for t in texts) == 1


def test_search_later_keeps_the_out_of_date_index_until_a_build_without_it(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """serve's edit loop: the page at once, the index when the edits stop."""
    site = make_site(FILES, SITE)
    cache = tmp_path / "cache"
    config = load_config(site / "site.yaml", site / "output")
    options = BuildOptions(now=NOW, jobs=1, cache_dir=cache)
    assert build(config, options).ok
    out = site / "output"
    index = {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")}
    ferries = site / "content/2025/05/ferries.md"
    ferries.write_text(ferries.read_text("utf-8") + "\nFares rise by a tenth.\n", "utf-8")
    later = build(config, replace(options, search_later=True))
    assert later.ok, [d.format() for d in later.diagnostics]
    page = next(p for p in out.rglob("index.html") if "ferr" in p.parent.name).read_text("utf-8")
    assert "Fares rise by a tenth." in page  # the page is new ...
    assert {rel: t for rel, t in stamps(out).items() if rel.startswith("pagefind/")} == index
    assert "Fares rise by a tenth." not in "".join(f["content"] for f in fragments(out))
    # ... and a build without it (nothing else changed) makes the index again.
    caught_up = build(config, options)
    assert caught_up.ok and caught_up.stats is not None and caught_up.stats.written
    assert "Fares rise by a tenth." in "".join(f["content"] for f in fragments(out))


def test_a_stop_asked_for_while_pagefind_works_ends_the_build_and_changes_nothing(
    make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's catch-up gives way to an edit: the build stops while Pagefind is still at
    work (not once it is done), and output/ is as it was."""
    import threading

    from builder.core import interrupts
    from builder.render import pagefind

    site = make_site(FILES, SITE)
    config = load_config(site / "site.yaml", site / "output")
    options = BuildOptions(now=NOW, jobs=1, cache_dir=tmp_path / "cache")
    assert build(config, options).ok
    out = site / "output"
    before = stamps(out)
    ferries = site / "content/2025/05/ferries.md"
    ferries.write_text(ferries.read_text("utf-8") + "\nFares rise by a tenth.\n", "utf-8")

    stop, release = interrupts.Stop(), threading.Event()
    waited_out = []
    real_index = pagefind.index

    def slow_index(*args: object, **kwargs: object) -> list[tuple[str, bytes]]:
        stop.request()  # the edit arrives while this part is being indexed
        if not release.wait(30):
            waited_out.append(True)  # the build sat out the whole index: it did not stop
        return real_index(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pagefind, "index", slow_index)
    try:
        with pytest.raises(interrupts.Cancelled):
            build(config, options, stop=stop)
    finally:
        release.set()
    assert not waited_out
    assert stamps(out) == before
    assert not list(site.glob("**/.broadsheet-tmp-*"))
    monkeypatch.setattr(pagefind, "index", real_index)
    assert build(config, options).ok  # the next build is whole, index and all
    assert "Fares rise by a tenth." in "".join(f["content"] for f in fragments(out))


def test_pagefind_asked_to_stop_gives_way_instead_of_failing_the_build() -> None:
    """A stop is not Pagefind's failure: it is raised as it is, never as a usage error."""
    from builder.core import interrupts
    from builder.render import pagefind

    stop = interrupts.Stop()
    stop.request()
    page = '<html lang="en"><body><main data-pagefind-body><p>Ferries</p></main></body></html>'
    with pytest.raises(interrupts.Cancelled):
        pagefind.index([("/a/", page)], (), stop)
    assert pagefind.index([("/a/", page)], ())  # the same documents, not asked to stop


def test_pagefind_lets_go_of_its_documents_and_answers_without_the_collector() -> None:
    """A build raises the collector's thresholds (core/collector.py), so whatever an
    index's asyncio cycles keep stays to the end of the build: once index() returns,
    neither the documents nor Pagefind's answers may be reachable from them."""
    import asyncio
    import gc
    import sys

    from builder.render import pagefind

    page = '<html lang="en"><body><main data-pagefind-body><p>Tides {}</p></main></body></html>'
    documents = [(f"/t{i}/", page.format(i)) for i in range(3)]
    held = sys.getrefcount(documents)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        assert pagefind.index(documents)
        assert sys.getrefcount(documents) == held
        answered = [
            o
            for o in gc.get_objects()
            if isinstance(o, asyncio.Future) and o.done() and not o.cancelled()
            if isinstance(o.exception() or o.result(), dict)
        ]
        assert answered == []
    finally:
        if was_enabled:
            gc.enable()
