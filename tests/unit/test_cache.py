"""The build cache: entry encoding, the SQLite store, and what it does with bad files."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest

from builder import cache
from builder.cache import FORMAT, Cache, dump, load
from builder.core.errors import Diagnostic, Diagnostics
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    LinkMeta,
    MarkdownConfig,
    OutLink,
    PageMeta,
    Rendered,
    Source,
    StoredHtml,
    TocEntry,
)
from builder.state import BuildState, RelatedMemo, SourceStats, ThemeMemo

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
OUT = Path("/site/output")
ROOT = Path("/site")

META = ArticleMeta(
    path="content/2024/06/grid.md",
    title="Grid “storage” & <friends>",
    date=dt.datetime(2024, 6, 17, 9, 30, tzinfo=BERLIN),
    updated=dt.datetime(2024, 6, 18, 23, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
    tags=(("Energy", 5), ("North Sea", 6)),
    summary="A *short* one",
    slug="grid",
    draft=True,
    source=Source(
        "https://news.example.com/a",
        "Example News",
        "R. Writer",
        dt.date(2024, 6, 16),
        "news.example.com/a",
    ),
    authors=("Ana", "Ben"),
    image="lead.jpg",
    extra={
        "when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "day": dt.date(2023, 12, 31),
        "naive": dt.datetime(2024, 1, 2, 3, 4),
        "nested": {
            "dates": [dt.date(2024, 2, 29), {"at": dt.date(2020, 1, 1)}],
            "none": None,
            "n": 3,
            "x": 1.5,
            "ok": True,
        },
        "list": ["a", 1, None],
        "$dt": "not a date",
        "empty": {},
    },
    body="The body is not cached.",
    body_line=9,
    title_line=2,
    slug_line=7,
)
RENDERED = Rendered(
    "<p>Body “html”</p>",
    "<p>A <em>short</em> one</p>",
    (TocEntry(2, "one", "One"), TocEntry(3, "two", "Two & more")),
    412,
    2,
)
DIAGS = [
    Diagnostic("content/2024/06/grid.md", 4, 1, "warning", "unknown key", "did you mean"),
    Diagnostic("content/2024/06/grid.md", 0, 0, "error", "whole file"),
]


def test_round_trip_of_meta_rendered_and_diagnostics() -> None:
    meta, rendered, diags = load(*dump(META, RENDERED, DIAGS))
    assert meta == replace(META, body="")  # the body is only needed to render
    assert rendered == RENDERED
    assert diags == DIAGS


def test_dates_keep_their_offsets() -> None:
    meta, _, _ = load(*dump(META, RENDERED, []))
    assert meta is not None and meta.date is not None and meta.updated is not None
    assert meta.date.isoformat() == "2024-06-17T09:30:00+02:00"
    assert meta.updated.isoformat() == "2024-06-18T23:05:07-04:00"
    assert meta.source is not None
    assert type(meta.source.date) is dt.date and meta.source.date == dt.date(2024, 6, 16)


def test_the_source_key_round_trips() -> None:
    meta, _, _ = load(*dump(META, RENDERED, []))
    assert meta is not None and meta.source is not None
    assert meta.source.key == "news.example.com/a"  # not part of Source's ==


def test_extra_values_round_trip_with_their_types() -> None:
    meta, _, _ = load(*dump(META, RENDERED, []))
    assert meta is not None
    assert meta.extra == META.extra  # `extra` is left out of ArticleMeta's ==
    assert meta.extra["when"].utcoffset() == dt.timedelta(0)
    assert type(meta.extra["day"]) is dt.date
    assert meta.extra["naive"].tzinfo is None
    assert type(meta.extra["nested"]["dates"][1]["at"]) is dt.date


def test_round_trip_without_optional_parts() -> None:
    bare = PageMeta(
        path="content/pages/about.md",
        title="About",
        date=None,
        updated=None,
        summary=None,
        slug="about",
        draft=False,
        authors=(),
        image=None,
        extra={},
        body="",
    )
    source_without_date = replace(META, source=Source("https://e.org/"), body="")
    assert load(*dump(bare, RENDERED, [])) == (bare, RENDERED, [])
    assert load(*dump(source_without_date, RENDERED, []))[0] == source_without_date
    assert load(*dump(None, None, DIAGS)) == (None, None, DIAGS)


def test_each_kind_of_front_matter_comes_back_as_its_own_type() -> None:
    page = PageMeta(
        path="content/pages/about.md",
        title="About",
        date=dt.datetime(2024, 1, 2, tzinfo=BERLIN),
        updated=None,
        summary="Us",
        slug="about",
        draft=True,
        authors=("Ana",),
        image="us.jpg",
        extra={"menu": 2},
        body_line=5,
        title_line=2,
        slug_line=3,
    )
    note = EditionNote(path="content/editions/2024-w25.md", title=None, summary=None, body_line=3)
    titled = replace(note, title="From the desk", extra={"mood": "calm"})
    for meta in (META, page, note, titled):
        again = load(*dump(meta, RENDERED, []))[0]
        assert type(again) is type(meta)
        assert again == replace(meta, body="") and again.extra == meta.extra


def test_the_fields_editions_are_run_with_round_trip() -> None:
    placed = replace(
        META,
        section="Energy",
        section_at=(8, 10),
        featured=True,
        via="Ann",
        links=(
            OutLink("https://news.example.com/a", 9, 8, curated=True),
            OutLink("https://other.example/b?x=1", 14, 22, key="https://other.example/b?x=1"),
        ),
    )
    link = LinkMeta(
        path="content/2024/06/tip.md",
        title="A tip",
        summary=None,
        slug="tip",
        draft=False,
        updated=None,
        date=dt.datetime(2024, 6, 18, tzinfo=BERLIN),
        tags=(("Trade", 4),),
        link="https://tips.example/x",
        via="Bo",
        section="Trade",
        section_at=(6, 10),
        featured=False,
        links=(OutLink("https://tips.example/x", 3, 7, curated=True),),
        body_line=8,
        title_line=2,
        slug_line=1,
    )
    note = EditionNote(
        path="content/editions/2024-w25.md",
        title="Hi",
        summary=None,
        closed=True,
        number=128,
        number_at=(3, 9),
    )
    for meta in (placed, link, note):
        again = load(*dump(meta, RENDERED, []))[0]
        assert type(again) is type(meta)
        assert again == replace(meta, body="")
        links = getattr(meta, "links", ())
        assert [o.key for o in getattr(again, "links", ())] == [o.key for o in links]


def test_a_stored_body_is_read_from_the_cache_only_when_asked(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    key = store.key("content/a.md", "a")
    store.put(key, dump(META, RENDERED, []))
    assert store.flush()
    _, rendered, _ = store.get_many([key], lazy=True)[key]
    assert rendered is not None and rendered.body == StoredHtml(store.reader, key)
    assert rendered.html == "<p>Body “html”</p>"  # read now, from the database
    assert store.html_source(key).load() == "<p>Body “html”</p>"
    store.close()


def test_a_stored_body_can_be_read_from_another_thread_later(tmp_path: Path) -> None:
    """serve keeps entries between builds, and builds after an edit run in its watcher's
    thread: a body first read in one thread is read again in another."""
    import threading

    store = Cache(tmp_path, "salt", Diagnostics())
    key = store.key("content/a.md", "a")
    store.put(key, dump(META, RENDERED, []))
    assert store.flush()
    _, rendered, _ = store.get_many([key], lazy=True)[key]
    assert rendered is not None and rendered.html == "<p>Body “html”</p>"
    store.close()
    seen: list[object] = []

    def read() -> None:
        try:
            seen.append(rendered.html)
        except Exception as exc:  # what a build in that thread would have failed with
            seen.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen == ["<p>Body “html”</p>"]


def test_the_html_is_stored_apart_from_the_rest() -> None:
    text, html = dump(META, RENDERED, [])
    assert html == "<p>Body “html”</p>"
    assert "Body" not in text and "not cached" not in text


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------
def test_put_save_and_get_many_round_trip(tmp_path: Path) -> None:
    store = Cache(tmp_path / "c", "salt", Diagnostics())
    key = store.key("content/a.md", "aaa")
    store.put(key, dump(META, RENDERED, DIAGS))
    store.save(OUT, {}, {key})
    store.close()
    again = Cache(tmp_path / "c", "salt", Diagnostics())
    assert again.get_many([key, "missing"]) == {key: (replace(META, body=""), RENDERED, DIAGS)}
    assert again.get_many([]) == {}
    again.close()


def test_entries_no_source_uses_are_dropped_on_save(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    old, kept, new = (store.key(f"content/{n}.md", n) for n in ("old", "kept", "new"))
    store.put(old, dump(None, None, []))
    store.put(kept, dump(None, None, []))
    store.save(OUT, {}, {old, kept})
    store.close()

    store = Cache(tmp_path, "salt", Diagnostics())
    assert set(store.get_many([kept, new])) == {kept}
    store.put(new, dump(None, None, []))
    store.save(OUT, {}, {kept, new})
    store.close()

    store = Cache(tmp_path, "salt", Diagnostics())
    assert set(store.get_many([old, kept, new])) == {kept, new}
    store.close()


def test_a_deletion_alone_also_drops_the_entry(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    a, b = store.key("content/a.md", "a"), store.key("content/b.md", "b")
    store.put(a, dump(None, None, []))
    store.put(b, dump(None, None, []))
    store.save(OUT, {}, {a, b})
    store.close()
    store = Cache(tmp_path, "salt", Diagnostics())
    store.get_many([a])  # b's source was deleted: nothing new to put
    store.save(OUT, {}, {a})
    store.close()
    store = Cache(tmp_path, "salt", Diagnostics())
    assert set(store.get_many([a, b])) == {a}
    store.close()


def test_manifest_and_state_round_trip_per_output_folder(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    manifest = {"id": "abc", "files": {"index.html": ["f1", 10, 123]}}
    state = BuildState(
        signature="s",
        counts="1 article",
        diagnostics=(Diagnostic("p", 1, 2, "warning", "m", None),),
    )
    store.save(OUT, manifest, set(), state, ROOT)
    store.close()
    store = Cache(tmp_path, "salt", Diagnostics())
    assert store.manifest(OUT) == manifest
    assert store.state(OUT, ROOT) == state
    assert store.manifest(Path("/elsewhere/output")) == {}
    assert store.state(Path("/elsewhere/output"), ROOT) == BuildState()
    store.close()


FULL = BuildState(
    signature="sig",
    counts="2 articles, 0 pages, 1 tag, 1 edition",
    next_due=dt.datetime(2024, 7, 1, 9, tzinfo=BERLIN),
    diagnostics=(
        Diagnostic("content/a.md", 3, 7, "error", "bad", "fix it"),
        Diagnostic("content/b.md", 0, 0, "warning", "odd", None),
    ),
    sources=SourceStats(
        1_700_000_000_000_000_000, {"content/a.md": (10, 1_600_000_000_000_000_000, 42, "ab" * 32)}
    ),
    related=RelatedMemo("d", [[1], [0]]),
    theme=ThemeMemo("t", {"article.html": "f1", "base.html": "f2"}),
)


def test_the_whole_build_state_round_trips_as_typed_data(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    store.save(OUT, {}, set(), FULL, ROOT)
    store.close()
    store = Cache(tmp_path, "salt", Diagnostics())
    assert store.state(OUT, ROOT) == FULL
    # The memos and file stats belong to the site; another output folder shares them.
    other = store.state(Path("/site/public"), ROOT)
    assert other == BuildState(sources=FULL.sources, related=FULL.related, theme=FULL.theme)
    store.close()


def test_only_json_is_stored_for_the_state(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    store.save(OUT, {}, set(), FULL, ROOT)
    assert store.db is not None
    rows = dict(store.db.execute("SELECT key, value FROM info WHERE key != 'format'"))
    store.close()
    assert set(rows) == {
        f"manifest:{OUT}",
        f"state:{OUT}",
        f"stats:{ROOT}",
        f"related:{ROOT}",
        f"theme:{ROOT}",
    }
    assert json.loads(rows[f"state:{OUT}"]) == {
        "signature": "sig",
        "counts": "2 articles, 0 pages, 1 tag, 1 edition",
        "next_due": "2024-07-01T09:00:00+02:00",
        "diagnostics": [
            ["content/a.md", 3, 7, "error", "bad", "fix it"],
            ["content/b.md", 0, 0, "warning", "odd", None],
        ],
    }
    assert json.loads(rows[f"related:{ROOT}"]) == {"digest": "d", "rows": [[1], [0]]}


@pytest.mark.parametrize(
    "key, value",
    [
        ("state", {"signature": 1, "counts": "", "next_due": None, "diagnostics": []}),
        (
            "state",
            {
                "signature": "s",
                "counts": "",
                "next_due": "2024-07-01T09:00",  # naive
                "diagnostics": [],
            },
        ),
        (
            "state",
            {
                "signature": "s",
                "counts": "",
                "next_due": None,
                "diagnostics": [["p", "1", 0, "error", "m", None]],
            },
        ),
        (
            "state",
            {
                "signature": "s",
                "counts": "",
                "next_due": None,
                "diagnostics": [["p", 1, 0, "fatal", "m", None]],
            },
        ),
        ("state", {"signature": "s"}),
        ("state", ["not", "a", "mapping"]),
        ("stats", {"at": 1, "files": {"content/a.md": [10, 1, 2]}}),
        ("stats", {"at": 1, "files": {"content/a.md": [10, True, 2, "x"]}}),
        ("stats", {"at": 1, "files": ["content/a.md"]}),
        ("related", {"digest": "d", "rows": [[0, -1]]}),
        ("related", {"digest": "d", "rows": [[0, "1"]]}),
        ("theme", {"signature": "t", "fingerprints": {"a.html": 5}}),
    ],
)
def test_a_tampered_part_of_the_state_counts_as_absent(
    tmp_path: Path, key: str, value: object
) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    store.save(OUT, {}, set(), FULL, ROOT)
    assert store.db is not None
    row = f"{key}:{OUT if key == 'state' else ROOT}"
    with store.db:
        store.db.execute("UPDATE info SET value = ? WHERE key = ?", (json.dumps(value), row))
    got = store.state(OUT, ROOT)
    store.close()
    absent = {
        "state": replace(FULL, signature="", counts="", next_due=None, diagnostics=()),
        "stats": replace(FULL, sources=SourceStats()),
        "related": replace(FULL, related=None),
        "theme": replace(FULL, theme=None),
    }
    assert got == absent[key]


def test_a_corrupt_file_is_ignored_with_a_warning_and_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "cache.sqlite").write_bytes(b"certainly not SQLite " * 200)
    diags = Diagnostics()
    store = Cache(tmp_path, "salt", diags)
    assert [d.format() for d in diags.items] == [
        f"{tmp_path / 'cache.sqlite'}: warning: cache ignored: file is not a database\n"
        "  hint: it will be rebuilt; delete the folder if this repeats"
    ]
    key = store.key("content/a.md", "a")
    store.put(key, dump(META, RENDERED, []))
    store.save(OUT, {"id": "x"}, {key})
    store.close()
    diags = Diagnostics()
    store = Cache(tmp_path, "salt", diags)
    assert diags.items == []
    assert set(store.get_many([key])) == {key}
    assert store.manifest(OUT) == {"id": "x"}
    store.close()


def test_an_older_format_is_replaced_quietly(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    db.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO info VALUES ('format', 'broadsheet-cache-1')")
    db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, data BLOB)")
    db.execute("INSERT INTO entries VALUES ('k', x'00')")
    db.commit()
    db.close()
    diags = Diagnostics()
    store = Cache(tmp_path, "salt", diags)
    assert diags.items == []
    assert store.db is not None
    assert store.db.execute("SELECT * FROM info").fetchall() == [("format", FORMAT)]
    assert store.db.execute("SELECT count(*) FROM entries").fetchone() == (0,)
    store.put("k2", dump(None, None, []))
    store.save(OUT, {}, {"k2"})
    assert set(store.get_many(["k", "k2"])) == {"k2"}
    store.close()


def test_an_undecodable_entry_is_a_miss(tmp_path: Path) -> None:
    store = Cache(tmp_path, "salt", Diagnostics())
    store.put("bad", ("[1, 2]", ""))
    store.put("good", dump(None, None, []))
    store.save(OUT, {}, {"bad", "good"})
    assert set(store.get_many(["bad", "good"])) == {"good"}
    store.close()


def test_no_folder_caches_nothing(tmp_path: Path) -> None:
    store = Cache(None, "salt", Diagnostics())
    key = store.key("content/a.md", "a")
    store.put(key, dump(META, RENDERED, []))
    store.save(OUT, {"id": "x"}, {key}, BuildState(signature="s"), ROOT)
    assert store.get_many([key]) == {}
    assert store.manifest(OUT) == {}
    assert store.state(OUT, ROOT) == BuildState()
    store.close()
    assert list(tmp_path.iterdir()) == []


def test_salt_changes_with_its_inputs() -> None:
    base = cache.salt(MarkdownConfig(), "Europe/Berlin", "/")
    assert base == cache.salt(MarkdownConfig(), "Europe/Berlin", "/")
    assert len(base) == 16
    others = {
        cache.salt(MarkdownConfig(raw_html="allow"), "Europe/Berlin", "/"),
        cache.salt(MarkdownConfig(words_per_minute=200), "Europe/Berlin", "/"),
        cache.salt(MarkdownConfig(), "Europe/Lisbon", "/"),
        cache.salt(MarkdownConfig(), "Europe/Berlin", "/sub/"),
    }
    assert len(others) == 4 and base not in others


def test_key_differs_per_path_content_and_salt() -> None:
    one = Cache(None, "one", Diagnostics())
    two = Cache(None, "two", Diagnostics())
    key = one.key("content/a.md", "abc")
    assert key == one.key("content/a.md", "abc")
    assert (
        len(
            {
                key,
                one.key("content/b.md", "abc"),
                one.key("content/a.md", "abd"),
                two.key("content/a.md", "abc"),
            }
        )
        == 4
    )
