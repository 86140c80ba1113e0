"""The build cache: parsed front matter and rendered Markdown, keyed by content hash.

Stored in one SQLite file (`.broadsheet-cache/cache.sqlite`), which is
atomic, fast to read in bulk and safe for CI to save and restore. Values
are JSON, never pickle, so a tampered cache cannot run code; a corrupt or
foreign one is ignored with a warning and rebuilt. Beside the entries it
holds the last build's list of output files and its BuildState (see
state.py), both checked as they are read back: a cache is untrusted input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from builder import code_digest
from builder import state as state_mod
from builder.core.errors import Diagnostic, Diagnostics
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    Item,
    LinkMeta,
    Meta,
    OutLink,
    OwnPage,
    PageMeta,
    Rendered,
    Source,
    StoredHtml,
    TocEntry,
)

FORMAT = "broadsheet-cache-6"  # 5: link items; the fields editions are run with; 6: lang
Value = tuple[Meta | None, Rendered | None, list[Diagnostic]]


def _encode(value: Any) -> Any:
    """JSON for `extra` values, which may hold dates (rare, so the slow path is fine)."""
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dict):
        return {"$map": [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        return {k: _decode(v) for k, v in value["$map"]}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


_KIND_OF: dict[type, str] = {ArticleMeta: "article", LinkMeta: "link", PageMeta: "page",
                             EditionNote: "edition"}


def dump(meta: Meta | None, rendered: Rendered | None,
         diags: list[Diagnostic]) -> tuple[str, str]:
    """An entry as (JSON of everything but the HTML, the HTML).

    Fields are stored positionally and dates as ISO text, because decoding
    10,000 of these is on the path of every incremental build. The body is
    left out: it is only needed to render, and rendering is what is cached.
    The front matter is stored as [kind, fields common to every kind, fields
    of that kind]; `load` rebuilds the same type.
    """
    data: list[Any] = [[list(d.__dict__.values()) for d in diags], None, None]
    if meta is not None:
        common = [meta.path, meta.summary, _encode(meta.extra) if meta.extra else None,
                  meta.body_line]
        own: list[Any]
        if isinstance(meta, EditionNote):
            own = [meta.title, meta.closed, meta.number, meta.number_at]
        else:
            own = [meta.title, _iso(meta.date), _iso(meta.updated), meta.slug, meta.draft,
                   meta.title_line, meta.slug_line, meta.lang]
            if isinstance(meta, OwnPage):
                own += [meta.authors, meta.image]
            if isinstance(meta, Item):
                own += [meta.tags, meta.section, meta.section_at, meta.featured, meta.via,
                        [[o.url, o.line, o.col, o.curated] for o in meta.links]]
            if isinstance(meta, ArticleMeta):
                source = meta.source
                own.append([source.url, source.name, source.author, _iso(source.date),
                            source.key] if source else None)
            elif isinstance(meta, LinkMeta):
                own.append(meta.link)
        data[1] = [_KIND_OF[type(meta)], common, own]
    html = ""
    if rendered is not None:
        data[2] = [rendered.summary_html, [[t.level, t.id, t.title] for t in rendered.toc],
                   rendered.words, rendered.reading_minutes]
        html = rendered.html
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), html


def _datetime(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _meta(kind: str, common: list[Any], own: list[Any]) -> Meta:
    """The front matter `dump` stored; a malformed entry raises (and is a cache miss)."""
    path, summary, extra, body_line = common
    base: dict[str, Any] = {"path": path, "summary": summary,
                            "extra": _decode(extra) if extra else {}, "body_line": body_line}
    if kind == "edition":
        title, closed, number, number_at = own
        return EditionNote(title=title, closed=closed, number=number,
                           number_at=tuple(number_at), **base)
    title, date, updated, slug, draft, title_line, slug_line, lang = own[:8]
    base.update(title=title, updated=_datetime(updated), slug=slug, draft=draft,
                title_line=title_line, slug_line=slug_line, lang=lang)
    rest = own[8:]
    if kind in ("page", "article"):
        authors, image = rest[:2]
        base.update(authors=tuple(authors), image=image)
        rest = rest[2:]
    if kind == "page":
        return PageMeta(date=_datetime(date), **base)
    if kind not in ("article", "link"):
        raise ValueError(f"unknown kind of entry {kind!r}")
    tags, section, section_at, featured, via, links, last = rest
    base.update(date=dt.datetime.fromisoformat(date), tags=tuple((t, n) for t, n in tags),
                section=section, section_at=tuple(section_at), featured=featured, via=via,
                links=tuple(OutLink(*o) for o in links))
    if kind == "link":
        return LinkMeta(link=last, **base)
    return ArticleMeta(
        source=Source(last[0], last[1], last[2],
                      dt.date.fromisoformat(last[3]) if last[3] else None, last[4])
        if last else None,
        **base,
    )


def load(text: str, html: str, stored: StoredHtml | None = None) -> Value:
    """An entry from `dump`'s two parts; with `stored`, the body HTML is left in the cache
    (Rendered.body is then that StoredHtml, and `html` is not used)."""
    diags_data, meta_data, rendered_data = json.loads(text)
    diags = [Diagnostic(*d) for d in diags_data]
    meta = _meta(*meta_data) if meta_data is not None else None
    rendered = None
    if rendered_data is not None:
        summary_html, toc, words, minutes = rendered_data
        rendered = Rendered(stored if stored is not None else html, summary_html,
                            tuple(TocEntry(*t) for t in toc), words, minutes)
    return meta, rendered, diags


class HtmlReader:
    """Reads one entry's body HTML on demand (a StoredHtml's store), with a connection
    per process.

    SQLite connections must not cross fork(); the render workers are forked,
    so each opens its own, read-only.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pid = 0
        self.db: sqlite3.Connection | None = None

    def read_html(self, key: str) -> str:
        if self.pid != os.getpid():
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self.pid = os.getpid()
        assert self.db is not None
        row = self.db.execute("SELECT html FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise OSError(f"{self.path}: cache entry vanished during the build")
        return str(row[0])


class Cache:
    """Content-hash cache; a missing dir means no caching at all."""

    def __init__(self, folder: Path | None, salt: str, diags: Diagnostics) -> None:
        self.folder = folder
        self.salt = salt
        self.diags = diags
        self.db: sqlite3.Connection | None = None
        self.pending: list[tuple[str, str, str]] = []
        self.count = 0  # entries found by get_many
        self.reader: HtmlReader | None = None
        self.manifest_text = ""
        self.distrusted = False  # a value read back failed validation (see distrust)
        if folder is not None:
            self._open(folder)

    def _open(self, folder: Path) -> None:
        path = folder / "cache.sqlite"
        db: sqlite3.Connection | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path)
            db.execute("CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, meta TEXT, html TEXT)"
            )
            row = db.execute("SELECT value FROM info WHERE key='format'").fetchone()
            if row is None:
                db.execute("INSERT INTO info VALUES ('format', ?)", (FORMAT,))
                db.commit()
            elif row[0] != FORMAT:  # an older Broadsheet's cache: start afresh, quietly
                db.close()
                path.unlink()
                self._retry(folder)
                return
            self.db = db
        except (sqlite3.Error, OSError) as exc:
            if db is not None:
                db.close()
            self.diags.warning(str(path), 0, 0, f"cache ignored: {exc}",
                               "it will be rebuilt; delete the folder if this repeats")
            try:
                path.unlink(missing_ok=True)
                self.db = None
                if isinstance(exc, sqlite3.Error):
                    self._retry(folder)
            except OSError:
                self.db = None

    def _retry(self, folder: Path) -> None:
        try:
            db = sqlite3.connect(folder / "cache.sqlite")
            db.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, meta TEXT, html TEXT)")
            db.execute("INSERT INTO info VALUES ('format', ?)", (FORMAT,))
            db.commit()
            self.db = db
        except sqlite3.Error:
            self.db = None

    def distrust(self, problem: str) -> None:
        """A value read back failed validation and was dropped: warn once per build.

        A cache is untrusted input (CI may restore one saved by another
        branch): whatever fails is recomputed, and one warning says so.
        """
        if self.distrusted:
            return
        self.distrusted = True
        where = self.folder / "cache.sqlite" if self.folder else Path("cache")
        self.diags.warning(str(where), 0, 0,
                           f"cache values that failed validation were dropped and will be "
                           f"recomputed; the first: {problem}",
                           "the cache was changed by something other than this Broadsheet "
                           "(restored from another run?); delete the folder if this repeats")

    def key(self, rel: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{rel}\0{sha256}".encode()).hexdigest()

    def get_many(self, keys: list[str], lazy: bool = False) -> dict[str, Value]:
        """Cached values by key; undecodable entries are simply misses.

        With `lazy`, bodies stay in the database and are read when a page
        needs one (a StoredHtml body: see Rendered.html).
        """
        if self.db is None or not keys:
            return {}
        found: dict[str, Value] = {}
        reader = self._reader() if lazy else None
        query = ("SELECT key, meta, '' FROM entries" if lazy
                 else "SELECT key, meta, html FROM entries")
        try:
            wanted = set(keys)
            for key, text, html in self.db.execute(query):
                self.count += 1
                if key in wanted:
                    try:
                        found[key] = load(text, html, StoredHtml(reader, key) if reader else None)
                    except (ValueError, TypeError, KeyError, IndexError):
                        continue
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache ignored: {exc}")
            return {}
        return found

    def put(self, key: str, value: tuple[str, str]) -> None:
        self.pending.append((key, *value))

    def flush(self) -> bool:
        """Write pending entries now, so their bodies need not stay in memory."""
        if self.db is None:
            return False
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                                    self.pending)
            self.pending.clear()
            return True
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache not saved: {exc}")
            return False

    def html_source(self, key: str) -> StoredHtml:
        """Where one entry's body waits in the cache (the entry must have been flushed)."""
        return StoredHtml(self._reader(), key)

    def _reader(self) -> HtmlReader:
        if self.reader is None:
            assert self.folder is not None
            self.reader = HtmlReader(self.folder / "cache.sqlite")
        return self.reader

    def manifest(self, output: Path) -> dict[str, list]:
        """The previous build's list of output files (see write.previous_files)."""
        if self.db is None:
            return {}
        try:
            row = self.db.execute("SELECT value FROM info WHERE key = ?",
                                  (f"manifest:{output}",)).fetchone()
            self.manifest_text = row[0] if row else ""
            data = json.loads(row[0]) if row else {}
            return data if isinstance(data, dict) else {}
        except (sqlite3.Error, ValueError):
            return {}

    def state(self, output: Path, root: Path) -> state_mod.BuildState:
        """The last build's state: its part for `output` and its part for the site at `root`.

        Checked as it is read (see state.from_json): anything malformed is absent.
        """
        return state_mod.from_json(self._info(f"state:{output}"),
                                   {name: self._info(f"{name}:{root}")
                                    for name in state_mod.SITE_PARTS})

    def save(self, output: Path, manifest: dict, live_keys: set[str],
             state: state_mod.BuildState | None = None, root: Path | None = None) -> None:
        """Store new entries, the output manifest and (with a root) the build state.

        Entries no source uses any more are dropped, so the cache does not
        grow without bound as articles are edited.
        """
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                                    self.pending)
                if self.pending or not live_keys or len(live_keys) != self.count:
                    stale = [(k,) for (k,) in self.db.execute("SELECT key FROM entries")
                             if k not in live_keys]
                    self.db.executemany("DELETE FROM entries WHERE key = ?", stale)
                text = json.dumps(manifest)
                if text != self.manifest_text:
                    self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)",
                                    (f"manifest:{output}", text))
                if state is not None and root is not None:
                    # Memos and file stats belong to the site; the rest to the output.
                    of_output, of_site = state_mod.to_json(state)
                    for name, value in of_site.items():
                        self._put_info(f"{name}:{root}", value)
                    self._put_info(f"state:{output}", of_output)
            self.pending.clear()
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache not saved: {exc}")

    def save_stats(self, root: Path, stats: state_mod.SourceStats) -> None:
        """Only the file stats (see discover): for a build that had nothing else to save."""
        if self.db is None:
            return
        try:
            with self.db:
                self._put_info(f"stats:{root}", state_mod.stats_json(stats))
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache not saved: {exc}")

    def _put_info(self, key: str, value: dict) -> None:
        assert self.db is not None
        self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, json.dumps(value)))

    def _info(self, key: str) -> dict:
        if self.db is None:
            return {}
        try:
            row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
            data = json.loads(row[0]) if row else {}
            return data if isinstance(data, dict) else {}
        except (sqlite3.Error, ValueError):
            return {}

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def salt(*parts: object) -> str:
    """Everything besides the file's bytes that changes a parse or render."""
    return hashlib.sha256(repr((FORMAT, code_digest()) + parts).encode()).hexdigest()[:16]
