"""The build cache: parsed front matter and rendered Markdown, keyed by content hash.

Stored in one SQLite file (`.broadsheet-cache/cache.sqlite`), which is
atomic, fast to read in bulk and safe for CI to save and restore. Values
are JSON, never pickle, so a tampered cache cannot run code; a corrupt or
foreign one is ignored with a warning and rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from builder import __version__
from builder.errors import Diagnostic, Diagnostics
from builder.models import ArticleMeta, Rendered, Source, TocEntry

FORMAT = "broadsheet-cache-1"
Value = tuple[ArticleMeta | None, Rendered | None, list[Diagnostic]]


def _encode(value: Any) -> Any:
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


def dump(meta: ArticleMeta | None, rendered: Rendered | None, diags: list[Diagnostic]) -> str:
    """An entry as JSON (the body is left out: it is only needed to render)."""
    data: dict[str, Any] = {"diags": [list(d.__dict__.values()) for d in diags]}
    if meta is not None:
        fields = dict(meta.__dict__)
        fields["body"] = ""
        fields["source"] = meta.source.__dict__ if meta.source else None
        data["meta"] = _encode(fields)
    if rendered is not None:
        data["rendered"] = [rendered.html, rendered.summary_html,
                            [list(t.__dict__.values()) for t in rendered.toc],
                            rendered.words, rendered.reading_minutes]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> Value:
    data = json.loads(text)
    diags = [Diagnostic(*d) for d in data["diags"]]
    meta = None
    if "meta" in data:
        fields = _decode(data["meta"])
        fields["tags"] = tuple((t, line) for t, line in fields["tags"])
        fields["authors"] = tuple(fields["authors"])
        if fields["source"]:
            src = _decode(fields["source"]) if not isinstance(fields["source"], dict) \
                else fields["source"]
            fields["source"] = Source(**src)
        meta = ArticleMeta(**fields)
    rendered = None
    if "rendered" in data:
        html, summary, toc, words, minutes = data["rendered"]
        rendered = Rendered(html, summary, tuple(TocEntry(*t) for t in toc), words, minutes)
    return meta, rendered, diags


class Cache:
    """Content-hash cache; a missing dir means no caching at all."""

    def __init__(self, folder: Path | None, salt: str, diags: Diagnostics) -> None:
        self.folder = folder
        self.salt = salt
        self.diags = diags
        self.db: sqlite3.Connection | None = None
        self.pending: list[tuple[str, str]] = []
        if folder is not None:
            self._open(folder)

    def _open(self, folder: Path) -> None:
        path = folder / "cache.sqlite"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path)
            db.execute("CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM info WHERE key='format'").fetchone()
            if row is None:
                db.execute("INSERT INTO info VALUES ('format', ?)", (FORMAT,))
                db.commit()
            elif row[0] != FORMAT:
                raise sqlite3.DatabaseError(f"format {row[0]!r}")
            self.db = db
        except (sqlite3.Error, OSError) as exc:
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
            db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("INSERT INTO info VALUES ('format', ?)", (FORMAT,))
            db.commit()
            self.db = db
        except sqlite3.Error:
            self.db = None

    def key(self, rel: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{rel}\0{sha256}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Value]:
        """Cached values by key; undecodable entries are simply misses."""
        if self.db is None or not keys:
            return {}
        found: dict[str, Value] = {}
        try:
            wanted = set(keys)
            for key, text in self.db.execute("SELECT key, value FROM entries"):
                if key in wanted:
                    try:
                        found[key] = load(text)
                    except (ValueError, TypeError, KeyError):
                        continue
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache ignored: {exc}")
            return {}
        return found

    def put(self, key: str, value: str) -> None:
        self.pending.append((key, value))

    def manifest(self, output: Path) -> dict[str, list]:
        return self._info(f"manifest:{output}")

    def save(self, output: Path, manifest: dict, live_keys: set[str]) -> None:
        """Store new entries and the output manifest; drop entries no source uses."""
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", self.pending)
                stale = [(k,) for (k,) in self.db.execute("SELECT key FROM entries")
                         if k not in live_keys]
                self.db.executemany("DELETE FROM entries WHERE key = ?", stale)
                self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)",
                                (f"manifest:{output}", json.dumps(manifest)))
            self.pending.clear()
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache not saved: {exc}")

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
    return hashlib.sha256(repr((FORMAT, __version__) + parts).encode()).hexdigest()[:16]
