"""[SourceFile] → [Entry]: front matter and Markdown of every text, from the cache or made now.

A source whose bytes are unchanged since some earlier build comes from the
cache; the others are parsed and rendered, by a process pool when there
are many (a cold build), and stored back as they come.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Generator, Iterable
from dataclasses import dataclass, replace
from functools import partial

from builder import cache as cache_mod
from builder.core import parallel
from builder.core.errors import CHANGED, CHANGED_HINT, Diagnostic, Diagnostics, SourceChanged
from builder.core.models import (
    Entry,
    HtmlStore,
    MarkdownConfig,
    SiteConfig,
    SourceFile,
    StoredHtml,
)
from builder.core.paths import folder_url
from builder.core.progress import SILENT, Progress
from builder.read import frontmatter, markup, sanitize

POOL_MIN = 64  # below this many new files a pool costs more than it saves
CHUNK = 16  # files a worker takes at a time
FLUSH_EVERY = 500  # new cache entries written per batch during a cold build


def moving(problems: Iterable[Diagnostic]) -> list[str]:
    """The files that changed while the build read them, if those are all the errors among
    `problems` (a save in progress); else []."""
    errors = [d for d in problems if d.severity == "error"]
    if errors and all(d.message == CHANGED for d in errors):
        return sorted({d.path for d in errors})
    return []


def process(src: SourceFile, config: SiteConfig) -> tuple[str, tuple[str, str]]:
    """Front matter + Markdown for one file: (rel, cache entry). Runs in workers."""
    diags = Diagnostics()
    if not src.loaded:
        try:
            data: bytes | None = src.content()
        except SourceChanged:
            data = None  # deleted since it was hashed: a change like any other
        if data is None or hashlib.sha256(data).hexdigest() != src.sha256:
            diags.error(src.rel, 0, 0, CHANGED, CHANGED_HINT)
            return src.rel, cache_mod.dump(None, None, diags.items)
        src = replace(src, data=data, loaded=True)
    meta = frontmatter.parse(src, config, diags)
    rendered = None
    if meta is not None:
        rendered = markup.render_article(meta, folder_url(config, src.rel), config.markdown, diags)
    return src.rel, cache_mod.dump(meta, rendered, diags.items)


def entry_of(src: SourceFile, config: SiteConfig) -> tuple[Entry | None, list[Diagnostic]]:
    """One source's entry made now, by the same steps as a build's (`process`, then the
    cache's form of it) but outside any build: no cache, no pool. Also what was found wrong
    with it. serve shows an edited page this way before the build (builder/preview.py)."""
    _rel, text = process(src, config)
    meta, rendered, found = cache_mod.load(*text)
    if meta is None or rendered is None:
        return None, found
    return Entry(src.sha256, meta, rendered), found


@dataclass(frozen=True)
class _Recleaning:
    """A cache store whose body HTML goes through the sanitiser again as it is read."""

    store: HtmlStore
    config: MarkdownConfig

    def read_html(self, key: str) -> str:
        return sanitize.reclean(self.store.read_html(key), self.config)


def _untrusted(value: cache_mod.Value, config: MarkdownConfig) -> cache_mod.Value:
    """An entry from an earlier build's cache, made fit to publish: its summary cleaned
    now (small, and on list pages and feeds), its body when a page reads it. The cache
    checked the types; this keeps what it holds to the raw-HTML policy (sanitize.reclean).
    Entries made in this build are not passed through again: they come from the sanitiser.
    """
    meta, rendered, found = value
    if rendered is None:
        return value
    body = rendered.body
    if isinstance(body, StoredHtml):
        body = StoredHtml(_Recleaning(body.store, config), body.key)
    else:
        body = sanitize.reclean(body, config)
    summary = sanitize.reclean(rendered.summary_html, config)
    return meta, replace(rendered, body=body, summary_html=summary), found


def _process_all(
    todo: list[SourceFile], config: SiteConfig, jobs: int
) -> Generator[tuple[str, tuple[str, str]], None, None]:
    """Results as they come, so the caller can store them without holding them all."""
    if jobs > 1 and len(todo) >= POOL_MIN:
        # Biggest first, so no worker is left with a long file at the end.
        todo = sorted(todo, key=lambda s: -(s.stat[0] if s.stat else len(s.data)))
    else:
        jobs = 1
    return parallel.fork_map(
        partial(process, config=config), todo, jobs, CHUNK, lambda src: src.rel
    )


def load_entries(
    texts: list[SourceFile],
    config: SiteConfig,
    store: cache_mod.Cache,
    jobs: int,
    diags: Diagnostics,
    flush: bool = True,
    progress: Progress = SILENT,
    memo: dict[str, cache_mod.Value] | None = None,
) -> tuple[list[Entry], int]:
    """Front matter and Markdown of every text source: from the cache, else made now.

    Returns the entries (sorted by path) and how many sources were parsed
    and rendered afresh. New results are put into the store and, with
    `flush`, written in batches as they arrive, so a cold build holds only
    a batch of bodies in memory: the rest are read back when a page needs
    them (see Rendered.html). `jobs` 0 means every core. `progress` counts
    each source as it is done, those from the cache at once.

    `memo` (in and out: serve keeps it between builds) holds the values of
    the last build's sources by cache key, so an unchanged file is neither
    read from the cache nor checked again; afterwards it holds this build's.
    """
    keys = {s.rel: store.key(s.rel, s.sha256) for s in texts}
    known = memo or {}
    cached = {key: known[key] for key in keys.values() if key in known}
    wanted = [key for key in keys.values() if key not in cached]
    cached.update(
        (key, _untrusted(value, config.markdown))
        for key, value in store.get_many(wanted, lazy=True).items()
    )
    todo = [s for s in texts if keys[s.rel] not in cached]
    moving: set[str] = set()  # changed while read: reported this time, remembered never
    batch: list[tuple[str, tuple[str, str]]] = []
    progress.advance(len(texts) - len(todo))

    def settle() -> None:
        lazy = flush and store.flush()
        for rel, text in batch:
            source = store.html_source(keys[rel]) if lazy else None
            cached[keys[rel]] = cache_mod.load(text[0], "" if lazy else text[1], source)
        batch.clear()

    with contextlib.closing(_process_all(todo, config, jobs or parallel.cores())) as results:
        for rel, text in results:
            if CHANGED not in text[0]:  # a moving target is reported, not remembered
                store.put(keys[rel], text)
            else:
                moving.add(keys[rel])
            batch.append((rel, text))
            progress.advance()
            if len(batch) >= FLUSH_EVERY:
                settle()
    settle()
    entries: list[Entry] = []
    for src in sorted(texts, key=lambda s: s.rel):
        meta, rendered, found = cached[keys[src.rel]]
        if found:
            diags.extend(found)
        if meta is not None and rendered is not None:
            entries.append(Entry(src.sha256, meta, rendered))
    if memo is not None:
        memo.clear()
        memo.update((key, cached[key]) for key in keys.values() if key not in moving)
    return entries, len(todo)
