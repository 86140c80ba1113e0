"""The build cache: parsed front matter and rendered Markdown, keyed by content hash.

Stored in one SQLite file (`.broadsheet-cache/cache.sqlite`), which is
atomic, fast to read in bulk and safe for CI to save and restore. Values
are JSON, never pickle, so a tampered cache cannot run code; a corrupt or
foreign one is ignored with a warning and rebuilt. Beside the entries it
holds the last build's list of output files and its BuildState (see
state.py), both checked as they are read back: a cache is untrusted input.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from builder import code_digest
from builder import state as state_mod
from builder.cache.codec import Value, dump, load

__all__ = ["FORMAT", "Cache", "HtmlReader", "Value", "dump", "for_site", "load", "salt"]
from builder.core.errors import Diagnostics
from builder.core.models import SiteConfig, StoredHtml

FEW = 200  # keys looked up one by one; more, and reading every entry once is quicker
FORMAT = "broadsheet-cache-6"  # 5: link items; the fields editions are run with; 6: lang


class HtmlReader:
    """Reads one entry's body HTML on demand (a StoredHtml's store), with a connection
    per process and thread.

    SQLite connections must not cross fork(); the render workers are forked,
    so each opens its own, read-only. Nor may one be used from another
    thread: serve keeps entries between builds (pipeline.Warm), and builds
    after an edit run in its watcher's thread.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.owner = (0, 0)  # the process and thread the connection belongs to
        self.db: sqlite3.Connection | None = None

    def read_html(self, key: str) -> str:
        if self.owner != (os.getpid(), threading.get_ident()):
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self.owner = (os.getpid(), threading.get_ident())
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
            self.diags.warning(
                str(path),
                0,
                0,
                f"cache ignored: {exc}",
                "it will be rebuilt; delete the folder if this repeats",
            )
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
        self.diags.warning(
            str(where),
            0,
            0,
            f"cache values that failed validation were dropped and will be "
            f"recomputed; the first: {problem}",
            "the cache was changed by something other than this Broadsheet "
            "(restored from another run?); delete the folder if this repeats",
        )

    def key(self, rel: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{rel}\0{sha256}".encode()).hexdigest()

    def get_many(self, keys: list[str], lazy: bool = False) -> dict[str, Value]:
        """Cached values by key; an entry that fails to decode or validate is a miss, and the
        first such entry raises the one warning (see distrust).

        With `lazy`, bodies stay in the database and are read when a page
        needs one (a StoredHtml body: see Rendered.html).
        """
        if self.db is None or not keys:
            return {}
        found: dict[str, Value] = {}
        reader = self._reader() if lazy else None
        query = (
            "SELECT key, meta, '' FROM entries" if lazy else "SELECT key, meta, html FROM entries"
        )
        rows: Iterable[tuple[str, str, str]]
        try:
            wanted = set(keys)
            few = len(wanted) <= FEW
            if few:  # a rebuild after an edit: look them up, not read them all
                rows = [
                    row
                    for key in sorted(wanted)
                    for row in self.db.execute(query + " WHERE key = ?", (key,))
                ]
            else:
                rows = self.db.execute(query)
            for key, text, html in rows:
                self.count += 1
                if key in wanted:
                    try:
                        found[key] = load(text, html, StoredHtml(reader, key) if reader else None)
                    except (ValueError, TypeError, KeyError, IndexError) as exc:
                        self.distrust(f"an entry: {type(exc).__name__}: {exc}"[:200])
                        continue
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache ignored: {exc}")
            return {}
        if few:
            self.count = -1  # not every entry was counted: save() looks for stale ones
        return found

    def put(self, key: str, value: tuple[str, str]) -> None:
        self.pending.append((key, *value))

    def flush(self) -> bool:
        """Write pending entries now, so their bodies need not stay in memory."""
        if self.db is None:
            return False
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", self.pending)
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
            row = self.db.execute(
                "SELECT value FROM info WHERE key = ?", (f"manifest:{output}",)
            ).fetchone()
            self.manifest_text = row[0] if row else ""
            data = json.loads(row[0]) if row else {}
            return data if isinstance(data, dict) else {}
        except (sqlite3.Error, ValueError):
            return {}

    def state(self, output: Path, root: Path) -> state_mod.BuildState:
        """The last build's state: its part for `output` and its part for the site at `root`.

        Checked as it is read (see state.from_json): anything malformed is absent.
        """
        return state_mod.from_json(
            self._info(f"state:{output}"),
            {name: self._info(f"{name}:{root}") for name in state_mod.SITE_PARTS},
        )

    def save(
        self,
        output: Path,
        manifest: dict,
        live_keys: set[str],
        state: state_mod.BuildState | None = None,
        root: Path | None = None,
    ) -> None:
        """Store new entries, the output manifest and (with a root) the build state.

        Entries no source uses any more are dropped, so the cache does not
        grow without bound as articles are edited.
        """
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", self.pending)
                if self.pending or not live_keys or len(live_keys) != self.count:
                    stale = [
                        (k,)
                        for (k,) in self.db.execute("SELECT key FROM entries")
                        if k not in live_keys
                    ]
                    self.db.executemany("DELETE FROM entries WHERE key = ?", stale)
                text = json.dumps(manifest)
                if text != self.manifest_text:
                    self.db.execute(
                        "INSERT OR REPLACE INTO info VALUES (?, ?)", (f"manifest:{output}", text)
                    )
                if state is not None and root is not None:
                    # Memos and file stats belong to the site; the rest to the output.
                    of_output, of_site = state_mod.to_json(state)
                    for name, value in of_site.items():
                        self._put_info(f"{name}:{root}", value)
                    self._put_info(f"state:{output}", of_output)
            self.pending.clear()
        except sqlite3.Error as exc:
            self.diags.warning(str(self.folder), 0, 0, f"cache not saved: {exc}")

    def adopt(self, source: Path, target: Path) -> None:
        """Give the output folder `target` the file list and state of `source`'s last build:
        write.seed has just made `target` a copy of it."""
        if self.db is None:
            return
        try:
            with self.db:
                for name in ("manifest", "state"):
                    self.db.execute(
                        "INSERT OR REPLACE INTO info SELECT ?, value FROM info WHERE key = ?",
                        (f"{name}:{target}", f"{name}:{source}"),
                    )
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


def for_site(config: SiteConfig, folder: Path | None, diags: Diagnostics) -> Cache:
    """The cache for this site's settings: a parse depends on them as well as on the bytes."""
    return Cache(folder, salt(config.markdown, config.timezone, config.base_path), diags)


def salt(*parts: object) -> str:
    """Everything besides the file's bytes that changes a parse or render."""
    return hashlib.sha256(repr((FORMAT, code_digest()) + parts).encode()).hexdigest()[:16]
