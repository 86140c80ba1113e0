"""The pipeline end to end on a tiny site: first, no-change, repaired and scheduled builds,
the cache, and failures that must leave output/ exactly as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import cache as cache_mod
from builder.config import load_config
from builder.core.errors import Diagnostics
from builder.core.models import BuildOptions, SiteConfig, SourceFile
from builder.core.paths import folder_url
from builder.pipeline import BuildResult, build, read_model
from builder.read.entries import load_entries, process
from tests.conftest import CliRun

NOW = dt.datetime(2024, 6, 20, 12, tzinfo=dt.UTC)
LATER = dt.datetime(2024, 7, 2, 12, tzinfo=dt.UTC)

FIRST = (
    "---\ntitle: First light\ndate: 2024-06-10 09:00\ntags: [Energy]\nsumary: oops\n"
    "---\nHello, see [the chart](chart.svg).\n"
)
FILES: dict[str, str | bytes] = {
    "content/2024/06/first.md": FIRST,
    "content/2024/06/chart.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    "content/second.md": "---\ntitle: Second\ndate: 2024-06-12 09:00\ntags: [Energy]\n---\n"
    "Second body.\n",
    "content/later.md": "---\ntitle: Later\ndate: 2024-07-01 09:00\n---\nScheduled body.\n",
    "content/draft.md": "---\ntitle: Draft\ndate: 2024-06-11 09:00\ndraft: true\n---\nNot yet.\n",
    "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
}
UNKNOWN_KEY = (
    "content/2024/06/first.md:5:1: warning: unknown key `sumary` is kept as extra "
    "data\n  hint: did you mean `summary`?"
)


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(FILES)


def config_of(root: Path) -> SiteConfig:
    return load_config(root / "site.yaml", root / "output")


def run(root: Path, now: dt.datetime = NOW, **options: object) -> BuildResult:
    return build(
        config_of(root), BuildOptions(cache_dir=root.parent / "cache", jobs=1, now=now, **options)
    )  # type: ignore[arg-type]


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime: "untouched" means both stay the same."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_first_build_writes_everything(site: Path) -> None:
    result = run(site)
    assert result.ok and result.site is not None
    assert messages(result) == [UNKNOWN_KEY]
    assert result.parsed == 5
    assert result.summary == (
        "2 articles, 1 page, 1 tag, 1 edition "
        "(left out 1 draft, 1 scheduled: use --drafts / --future)"
    )
    files = set(snapshot(site / "output"))
    assert {
        "2024/06/first/index.html",
        "2024/06/second/index.html",
        "2024/06/chart.svg",
        "about/index.html",
        "index.html",
        "tags/energy/index.html",
        "editions/2024-w24/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "sitemap.xml",
        ".broadsheet",
    } <= files
    assert "2024/07/later/index.html" not in files and "2024/06/draft/index.html" not in files
    assert result.stats is not None
    assert (result.stats.written, result.stats.kept, result.stats.removed) == (
        len(files) - 1,
        0,
        0,
    )  # all but the .broadsheet marker
    page = (site / "output/2024/06/first/index.html").read_text("utf-8")
    assert '<a href="/2024/06/chart.svg">the chart</a>' in page


def test_timings_name_each_stage_and_the_search_index_within_render(site: Path) -> None:
    result = run(site)
    names = [name for name, _ in result.timings]
    assert names == [
        "discover",
        "markdown",
        "site",
        "render",
        "search index (in render)",
        "write",
        "save cache",
    ]
    seconds = dict(result.timings)
    assert 0 < seconds["search index (in render)"] <= seconds["render"]
    # The build's time is its stages'; the index is counted once, in render.
    stages = sum(sec for name, sec in result.timings if "(in " not in name)
    assert result.seconds == pytest.approx(stages)


def test_nothing_changed_replays_the_diagnostics(site: Path) -> None:
    first = run(site)
    before = snapshot(site / "output")
    second = run(site)
    assert second.ok and second.site is None
    assert messages(second) == messages(first) == [UNKNOWN_KEY]
    assert second.parsed == 0
    assert second.summary == first.summary
    assert second.stats is not None and second.stats.written == 0
    assert second.stats.kept == len(before) - 1
    assert snapshot(site / "output") == before


def test_a_file_deleted_by_hand_is_restored(site: Path) -> None:
    run(site)
    page = site / "output/2024/06/second/index.html"
    expected = page.read_bytes()
    page.unlink()
    result = run(site)
    assert result.ok and result.site is not None  # a real build, not a replay
    assert result.parsed == 0  # everything came from the cache
    assert result.stats is not None and result.stats.written == 1
    assert page.read_bytes() == expected
    assert run(site).site is None


def test_a_scheduled_article_comes_due(site: Path) -> None:
    run(site)
    assert run(site).site is None
    result = run(site, now=LATER)
    assert result.ok and result.site is not None
    assert [a.meta.slug for a in result.site.articles] == ["later", "second", "first"]
    assert (site / "output/2024/07/later/index.html").is_file()
    # The week of "later" (1–7 July) is still open: its edition is not out yet.
    assert result.summary == (
        "3 articles, 1 page, 1 tag, 1 edition (left out 1 draft: use --drafts / --future)"
    )
    assert run(site, now=LATER).site is None


def test_an_edition_closing_by_the_clock_rebuilds(site: Path) -> None:
    """The shortcut knows when the open edition closes, as it knows when an article is due."""
    week_ends = dt.datetime(2024, 7, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    first = run(site, now=LATER)
    assert first.site is not None and first.site.next_due == week_ends
    assert not (site / "output/editions/2024-w27").exists()
    assert run(site, now=week_ends - dt.timedelta(seconds=1)).site is None
    closed = run(site, now=week_ends)
    assert closed.ok and closed.site is not None
    assert [e.id for e in closed.site.editions] == ["2024-w27", "2024-w24"]
    assert closed.site.next_due is None
    for name in ("index.html", "email.html", "email.txt"):
        assert (site / "output/editions/2024-w27" / name).is_file()
    assert "2024-w27" in (site / "output/editions/feed.xml").read_text()
    assert run(site, now=week_ends).site is None


def test_toggling_drafts_rebuilds(site: Path) -> None:
    draft = site / "output/2024/06/draft/index.html"
    run(site)
    with_drafts = run(site, drafts=True)
    assert with_drafts.site is not None and draft.is_file()
    assert run(site, drafts=True).site is None
    without = run(site)
    assert without.site is not None and not draft.exists()


def test_a_corrupt_cache_warns_once_and_is_rebuilt(site: Path) -> None:
    cache = site.parent / "cache"
    cache.mkdir()
    (cache / "cache.sqlite").write_bytes(b"\x00garbage, not a database\xff" * 64)
    first = run(site)
    assert first.ok and first.site is not None and first.parsed == 5
    assert messages(first) == [
        f"{cache / 'cache.sqlite'}: warning: cache ignored: file is not a database\n"
        "  hint: it will be rebuilt; delete the folder if this repeats",
        UNKNOWN_KEY,
    ]
    second = run(site)
    assert second.site is None  # the rebuilt cache holds this build's state
    assert messages(second) == [UNKNOWN_KEY]  # the cache warning is not replayed


def test_no_cache_dir_always_builds(site: Path) -> None:
    config = config_of(site)
    for _ in range(2):
        result = build(config, BuildOptions(jobs=1, now=NOW))
        assert result.ok and result.site is not None and result.parsed == 5
    assert not (site.parent / "cache").exists()


def test_load_entries_uses_the_cache(site: Path, tmp_path: Path) -> None:
    config = config_of(site)
    texts = []
    for path in sorted((site / "content").rglob("*.md")):
        data = path.read_bytes()
        texts.append(
            SourceFile(path.relative_to(site).as_posix(), data, hashlib.sha256(data).hexdigest())
        )
    salt = cache_mod.salt(config.markdown, config.timezone, config.base_path)

    store = cache_mod.Cache(tmp_path / "store", salt, Diagnostics())
    diags = Diagnostics()
    entries, parsed = load_entries(texts, config, store, 1, diags)
    assert parsed == 5
    assert [e.meta.path for e in entries] == [
        "content/2024/06/first.md",
        "content/draft.md",
        "content/later.md",
        "content/pages/about.md",
        "content/second.md",
    ]
    store.save(config.output_dir, {}, {store.key(t.rel, t.sha256) for t in texts})
    store.close()

    store = cache_mod.Cache(tmp_path / "store", salt, Diagnostics())
    again = Diagnostics()
    cached, parsed = load_entries(texts, config, store, 1, again)
    store.close()
    assert parsed == 0
    assert cached == entries
    assert [d.format() for d in again.items] == [d.format() for d in diags.items] == [UNKNOWN_KEY]


def sources_of(site: Path) -> list[SourceFile]:
    texts = []
    for path in sorted((site / "content").rglob("*.md")):
        data = path.read_bytes()
        texts.append(
            SourceFile(path.relative_to(site).as_posix(), data, hashlib.sha256(data).hexdigest())
        )
    return texts


def test_the_memo_of_a_warm_process_reads_only_the_changed_file_from_the_cache(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_of(site)
    salt = cache_mod.salt(config.markdown, config.timezone, config.base_path)
    store = cache_mod.Cache(tmp_path / "store", salt, Diagnostics())
    memo: dict = {}
    entries, parsed = load_entries(sources_of(site), config, store, 1, Diagnostics(), memo=memo)
    assert parsed == 5 and len(memo) == 5
    second = site / "content" / "second.md"
    second.write_text(second.read_text("utf-8") + "\nOne more line.\n", encoding="utf-8")
    texts = sources_of(site)
    asked: list[list[str]] = []
    real = store.get_many
    monkeypatch.setattr(
        store, "get_many", lambda keys, lazy=False: asked.append(keys) or real(keys, lazy)
    )
    again = Diagnostics()
    warm, parsed = load_entries(texts, config, store, 1, again, memo=memo)
    store.close()
    changed = store.key("content/second.md", next(t.sha256 for t in texts if "second" in t.rel))
    assert asked == [[changed]] and parsed == 1  # the rest came from the memo
    assert [e.meta.path for e in warm] == [e.meta.path for e in entries]
    assert [e.rendered.html for e in warm if "second" not in e.meta.path] == [
        e.rendered.html for e in entries if "second" not in e.meta.path
    ]
    assert "One more line." in next(e.rendered.html for e in warm if "second" in e.meta.path)
    assert set(memo) == {store.key(t.rel, t.sha256) for t in texts}  # the old version gone
    assert [d.format() for d in again.items] == [UNKNOWN_KEY]  # still reported, every build


def test_a_few_keys_are_looked_up_as_a_full_read_finds_them(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_of(site)
    texts = sources_of(site)
    store = cache_mod.Cache(tmp_path / "store", "salt", Diagnostics())
    load_entries(texts, config, store, 1, Diagnostics())
    store.save(config.output_dir, {}, {store.key(t.rel, t.sha256) for t in texts})
    keys = [store.key(t.rel, t.sha256) for t in texts[:3]] + ["no-such-key"]
    looked_up = store.get_many(keys)
    monkeypatch.setattr(cache_mod, "FEW", 0)
    read_through = store.get_many(keys)
    store.close()
    assert len(looked_up) == 3 and looked_up == read_through


def test_warm_forgets_its_entries_when_the_cache_file_is_another(tmp_path: Path) -> None:
    from builder.warm import Warm

    warm = Warm()
    assert warm.entries(None) is None and warm.entries(tmp_path / "none") is None
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "cache.sqlite").write_bytes(b"")
    memo = warm.entries(folder)
    assert memo == {}
    memo["k"] = ("meta", "rendered", ())  # type: ignore[assignment]
    assert warm.entries(folder) == {"k": ("meta", "rendered", ())}
    (folder / "cache.sqlite").rename(folder / "old.sqlite")  # keeps the old file's inode
    (folder / "cache.sqlite").write_bytes(b"")
    assert warm.entries(folder) == {}


def test_folder_url(make_site: Callable[..., Path]) -> None:
    root = make_site({}, 'title: T\nbase_url: "https://example.org/news/"\n')
    config = config_of(root)
    assert folder_url(config, "content/2024/06/a.md") == "/news/2024/06/"
    assert folder_url(config, "content/a.md") == "/news/"
    assert folder_url(config, "content/pages/about.md") == "/news/pages/"


def test_process_returns_an_entry_the_cache_reads_back(site: Path) -> None:
    config = config_of(site)
    data = FIRST.encode()
    src = SourceFile("content/2024/06/first.md", data, hashlib.sha256(data).hexdigest())
    rel, entry = process(src, config)
    assert rel == "content/2024/06/first.md"
    meta, rendered, diags = cache_mod.load(*entry)
    assert meta is not None and rendered is not None
    assert (meta.title, meta.slug, meta.tags, meta.extra) == (
        "First light",
        "first",
        (("Energy", 4),),
        {"sumary": "oops"},
    )
    assert meta.date == dt.datetime.fromisoformat("2024-06-10T09:00:00+02:00")
    assert rendered.html == '<p>Hello, see <a href="/2024/06/chart.svg">the chart</a>.</p>'
    assert [d.format() for d in diags] == [UNKNOWN_KEY]


def test_process_of_a_broken_file_keeps_only_diagnostics(site: Path) -> None:
    data = b"---\ndate: 2024-06-10\n---\nNo title.\n"
    src = SourceFile("content/broken.md", data, hashlib.sha256(data).hexdigest())
    meta, rendered, diags = cache_mod.load(*process(src, config_of(site))[1])
    assert (meta, rendered) == (None, None)
    assert [d.severity for d in diags] == ["error"]


GONE = (
    "{}: error: the file changed while the build was reading it\n"
    "  hint: build again once the editor has finished saving"
)


def test_process_of_a_file_deleted_since_it_was_hashed_says_it_changed(site: Path) -> None:
    """Discovery hashed it, then it went: a change in progress, not a missing-file crash."""
    src = SourceFile("content/gone.md", b"", "0" * 64, str(site / "content/gone.md"), (), False)
    meta, rendered, diags = cache_mod.load(*process(src, config_of(site))[1])
    assert (meta, rendered) == (None, None)
    assert [d.format() for d in diags] == [GONE.format("content/gone.md")]


def test_an_asset_deleted_before_it_is_written_fails_the_build_and_leaves_output(
    site: Path, monkeypatch: pytest.MonkeyPatch, run_build: Callable[..., CliRun]
) -> None:
    """Its bytes are read only as it is written; by then it can be gone. The run stops,
    as on a disk error, and says which file and why."""
    from builder.run import BuildRun

    assert run_build(site).code == 0
    before = snapshot(site / "output")
    photo = site / "content/2024/06/photo.png"
    photo.write_bytes(b"not really a picture")
    read = BuildRun.read

    def read_then_delete(self: BuildRun, sources: list[SourceFile]) -> tuple:
        photo.unlink()
        return read(self, sources)

    monkeypatch.setattr(BuildRun, "read", read_then_delete)
    failed = run_build(site)
    assert failed.code == 1
    assert failed.err.splitlines()[-3:] == [
        *GONE.format("content/2024/06/photo.png").splitlines(),
        "build failed; output/ left as it was",
    ]
    assert snapshot(site / "output") == before


def test_a_theme_error_leaves_output_untouched(site: Path) -> None:
    assert run(site).ok
    before = snapshot(site / "output")
    (site / "content/second.md").write_text(
        "---\ntitle: Second, edited\ndate: 2024-06-12 09:00\n---\nChanged.\n", "utf-8"
    )
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text("{% if %}\n", "utf-8")
    result = run(site)
    assert not result.ok
    assert messages(result) == [
        UNKNOWN_KEY,
        "templates/article.html:1: error: template syntax error: Expected an expression, "
        "got 'end of statement block'",
    ]
    assert snapshot(site / "output") == before


def test_strict_fails_on_a_warning_and_leaves_output_untouched(site: Path) -> None:
    first = site / "content/2024/06/first.md"
    first.write_text(FIRST.replace("sumary: oops\n", ""), "utf-8")
    assert run(site, strict=True).ok
    before = snapshot(site / "output")
    first.write_text(FIRST, "utf-8")
    result = run(site, strict=True)
    assert not result.ok
    assert messages(result) == [UNKNOWN_KEY.replace("warning:", "error:")]
    assert snapshot(site / "output") == before
    assert run(site).ok  # the same input without --strict builds


def test_strict_fails_on_a_replayed_warning(make_site) -> None:
    root = make_site({"content/a.md": "---\ntitle: A\ndate: 2024-06-10\nsumary: x\n---\nA.\n"})
    config = load_config(root / "site.yaml", root / "output")
    cache = root.parent / "cache"
    assert build(config, BuildOptions(cache_dir=cache, jobs=1, now=NOW)).ok
    strict = build(config, BuildOptions(cache_dir=cache, jobs=1, now=NOW, strict=True))
    assert strict.site is None
    assert [d.severity for d in strict.diagnostics] == ["error"]
    assert not strict.ok


# --------------------------------------------------------------------------
# The state a build leaves for the next (typed, through the cache)
# --------------------------------------------------------------------------
def test_the_build_leaves_its_state_for_the_next(site: Path) -> None:
    first = run(site)
    config = config_of(site)
    store = cache_mod.Cache(site.parent / "cache", "unused", Diagnostics())
    state = store.state(config.output_dir, config.root)
    store.close()
    assert state.counts == first.summary
    assert [d.format() for d in state.diagnostics] == [UNKNOWN_KEY]
    assert state.next_due == dt.datetime.fromisoformat("2024-07-01T09:00:00+02:00")
    assert set(state.sources.known) == set(FILES)
    assert state.theme is not None and "article.html" in state.theme.fingerprints
    assert state.related is not None and len(state.related.rows) == 2  # per article shown


def test_a_tampered_state_means_a_rebuild_not_a_crash(site: Path) -> None:
    run(site)
    config = config_of(site)
    store = cache_mod.Cache(site.parent / "cache", "unused", Diagnostics())
    assert store.db is not None
    with store.db:
        store.db.execute(
            "UPDATE info SET value = ? WHERE key = ?",
            ('{"signature": 5, "diagnostics": "x"}', f"state:{config.output_dir}"),
        )
        store.db.execute(
            "UPDATE info SET value = ? WHERE key = ?",
            ('{"at": 1, "files": {"content/second.md": [1]}}', f"stats:{config.root}"),
        )
    store.close()
    before = snapshot(site / "output")
    result = run(site)
    assert result.ok and result.site is not None and result.parsed == 0
    assert messages(result) == [UNKNOWN_KEY]
    assert snapshot(site / "output") == before  # the same bytes: nothing rewritten
    assert run(site).site is None


def test_files_touched_but_not_changed_are_hashed_once(site: Path) -> None:
    config = config_of(site)
    run(site)
    page = site / "content/second.md"
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))
    assert run(site).site is None  # same bytes: nothing to build
    store = cache_mod.Cache(site.parent / "cache", "unused", Diagnostics())
    known = store.state(config.output_dir, config.root).sources.known
    store.close()
    assert known["content/second.md"][1] == stat.st_mtime_ns - 10_000_000_000


# --------------------------------------------------------------------------
# read_model: the front half alone, writing nothing
# --------------------------------------------------------------------------
def test_read_model_reads_the_site_and_writes_nothing(site: Path) -> None:
    config = config_of(site)
    diags = Diagnostics()
    cache = site.parent / "cache"
    model = read_model(config, BuildOptions(now=NOW, jobs=1, cache_dir=cache), diags)
    assert [d.format() for d in diags.items] == [UNKNOWN_KEY]
    assert [s.rel for s in model.sources] == sorted(FILES)
    assert [e.meta.path for e in model.entries] == sorted(
        rel for rel in FILES if rel.endswith(".md")
    )
    assert set(model.metas) == {e.meta.path for e in model.entries}
    assert model.site is not None
    assert [a.meta.slug for a in model.site.articles] == ["second", "first"]  # as built now
    assert not (site / "output").exists() and not cache.exists()


def test_read_model_may_read_a_cache_but_never_saves_to_it(site: Path) -> None:
    assert run(site).ok
    config = config_of(site)
    cache = site.parent / "cache" / "cache.sqlite"
    saved = cache.read_bytes()
    (site / "content/2024/06/first.md").write_text(FIRST.replace("First light", "Relit"))
    model = read_model(
        config,
        BuildOptions(drafts=True, future=True, jobs=1, cache_dir=cache.parent),
        Diagnostics(),
    )
    assert model.site is not None
    assert {a.title for a in model.site.articles} == {"Relit", "Second", "Later", "Draft"}
    assert cache.read_bytes() == saved


def test_read_model_without_markdown_reads_only_front_matter_of_articles(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({**FILES, "content/broken.md": "---\ndate: 2024-06-10\n---\nNo title.\n"})
    diags = Diagnostics()
    model = read_model(config_of(root), BuildOptions(), diags, markdown=False)
    assert model.entries == [] and model.site is None
    metas = {rel: meta.title if meta else None for rel, meta in model.metas.items()}
    assert metas == {
        "content/2024/06/first.md": "First light",
        "content/broken.md": None,
        "content/draft.md": "Draft",
        "content/later.md": "Later",
        "content/second.md": "Second",
    }  # no page, no asset
    assert [d.path for d in diags.items if d.severity == "error"] == ["content/broken.md"]


def test_a_requested_stop_ends_the_build_at_its_next_stage_leaving_output(site: Path) -> None:
    from builder.core import interrupts

    assert run(site).ok
    before = snapshot(site / "output")
    (site / "content" / "late.md").write_text(
        '---\ntitle: "Late"\ndate: 2024-06-12\n---\nA late item.\n', encoding="utf-8"
    )
    stop = interrupts.Stop()
    stop.request()
    config = config_of(site)
    options = BuildOptions(cache_dir=site.parent / "cache", jobs=1, now=NOW)
    with pytest.raises(interrupts.Cancelled):
        build(config, options, stop=stop)
    assert snapshot(site / "output") == before
    assert build(config, options).ok and snapshot(site / "output") != before
