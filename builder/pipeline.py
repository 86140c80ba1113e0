"""The pipeline: the only module that knows the order of the stages.

config → discover → frontmatter → markup → site → theme → render → write.
Front matter and Markdown results come from the cache when the source
bytes are unchanged, or from a process pool when many files are new.
Nothing reaches output/ unless every earlier stage succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import time
import zoneinfo
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from builder import cache as cache_mod
from builder import write
from builder.core import parallel as workers
from builder.core.errors import Diagnostic, Diagnostics
from builder.core.models import BuildOptions, Entry, Site, SiteConfig, SourceFile
from builder.core.paths import folder_url
from builder.read import frontmatter, markup
from builder.read.assets import check_active
from builder.read.discover import discover
from builder.render import engine as render
from builder.render import theme
from builder.site import assemble as site

CHANGED = "the file changed while the build was reading it"  # never cached
POOL_MIN = 64  # below this many new files a pool costs more than it saves


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    diagnostics: list[Diagnostic]
    site: Site | None = None  # None when nothing changed and nothing was rebuilt
    stats: write.WriteStats | None = None
    seconds: float = 0.0
    parsed: int = 0  # sources parsed and rendered this run (not from the cache)
    timings: tuple[tuple[str, float], ...] = ()  # seconds per stage, for --timings
    summary: str = ""  # "12 articles, 1 page, …", for the closing line


class _Clock:
    """Seconds spent per stage: the benchmark and `--timings` print them."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now




def process(src: SourceFile, config: SiteConfig) -> tuple[str, tuple[str, str]]:
    """Front matter + Markdown for one file: (rel, cache entry). Runs in workers."""
    diags = Diagnostics()
    if not src.loaded:
        data = src.content()
        if hashlib.sha256(data).hexdigest() != src.sha256:
            diags.error(src.rel, 0, 0, CHANGED, "build again once the editor has finished saving")
            return src.rel, cache_mod.dump(None, None, diags.items)
        src = replace(src, data=data, loaded=True)
    meta = frontmatter.parse(src, config, diags)
    rendered = None
    if meta is not None:
        rendered = markup.render_article(meta, folder_url(config, src.rel), config.markdown,
                                         diags)
    return src.rel, cache_mod.dump(meta, rendered, diags.items)


_worker_config: SiteConfig | None = None


def _init_worker(config: SiteConfig) -> None:
    global _worker_config
    _worker_config = config
    workers.leave_signals_to_parent()


def _process_in_worker(src: SourceFile) -> tuple[str, tuple[str, str]]:
    assert _worker_config is not None
    return process(src, _worker_config)


def _process_all(
    todo: list[SourceFile], config: SiteConfig, jobs: int
) -> Iterator[tuple[str, tuple[str, str]]]:
    """Results as they come, so the caller can store them without holding them all."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) < POOL_MIN:
        yield from (process(src, config) for src in todo)
        return
    # Biggest first, so no worker is left with a long file at the end.
    ordered = sorted(todo, key=lambda s: -(s.stat[0] if s.stat else len(s.data)))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    gc.freeze()  # keep the collector from touching (and so copying) inherited objects
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                               initargs=(config,))
    try:
        with workers.forking():
            results = pool.map(_process_in_worker, ordered, chunksize=16)
        yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


FLUSH_EVERY = 500  # new cache entries written per batch during a cold build


def load_entries(texts: list[SourceFile], config: SiteConfig, store: cache_mod.Cache,
                 jobs: int, diags: Diagnostics, flush: bool = True) -> tuple[list[Entry], int]:
    """Front matter and Markdown of every text source: from the cache, else made now.

    Returns the entries (sorted by path) and how many sources were parsed
    and rendered afresh. New results are put into the store and, with
    `flush`, written in batches as they arrive, so a cold build holds only
    a batch of bodies in memory: the rest are read back when a page needs
    them (see Rendered.html).
    """
    keys = {s.rel: store.key(s.rel, s.sha256) for s in texts}
    cached = store.get_many(list(keys.values()), lazy=True)
    todo = [s for s in texts if keys[s.rel] not in cached]
    batch: list[tuple[str, tuple[str, str]]] = []

    def settle() -> None:
        lazy = flush and store.flush()
        for rel, text in batch:
            source = store.html_source(keys[rel]) if lazy else None
            cached[keys[rel]] = cache_mod.load(text[0], "" if lazy else text[1], source)
        batch.clear()

    with contextlib.closing(_process_all(todo, config, jobs)) as results:
        for rel, text in results:
            if CHANGED not in text[0]:  # a moving target is reported, not remembered
                store.put(keys[rel], text)
            batch.append((rel, text))
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
    return entries, len(todo)


def build(config: SiteConfig, options: BuildOptions) -> BuildResult:
    """Build the site; on any error the previous output/ is left as it was.

    A build makes hundreds of thousands of objects that all live until its
    end; Python's default collector would rescan them over and over (a fifth
    of an incremental build's time), so it runs far less often meanwhile.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        return _build(config, options)
    finally:
        gc.set_threshold(*thresholds)


def _build(config: SiteConfig, options: BuildOptions) -> BuildResult:
    clock = _Clock()
    diags = Diagnostics()
    write.check_output_dir(config)
    with write.output_lock(config):
        cache_diags = Diagnostics()  # about the cache itself: never replayed
        store = cache_mod.Cache(
            options.cache_dir,
            cache_mod.salt(config.markdown, config.timezone, config.base_path),
            cache_diags,
        )
        try:
            hashed_at = time.time_ns()
            known = store.info(f"stats:{config.root}")
            sources = discover(config.root, diags, known.get("files"), known.get("at", 0))
            check_active(sources, config.content, diags)
            texts = [s for s in sources if s.kind != "asset"]
            assets = [s for s in sources if s.kind == "asset"]
            clock.lap("discover")
            previous = write.previous_files(config, store.manifest(config.output_dir))
            reuse = write.reusable(config, previous)
            theme_digest = theme.signature(config)  # read once: both checks below use it
            signature = _signature(config, options, sources, theme_digest)
            unchanged = _unchanged(store.info(f"state:{config.output_dir}"), signature,
                                   options, config,
                                   bool(previous) and len(reuse) == len(previous))
            if unchanged is not None and not diags.items:
                if any(s.loaded for s in sources):  # re-hashed files: remember their stat
                    store.save_stats(config.root, _known(sources, hashed_at))
                stats = write.WriteStats(0, len(previous), 0, {}, "")
                clock.lap("check")
                replay = Diagnostics(unchanged[0] + cache_diags.items)
                return _result(not _failed(replay, options), replay, options, None, stats,
                               clock, 0, unchanged[1])
            entries, parsed = load_entries(texts, config, store, options.jobs, diags)
            live_keys = {store.key(t.rel, t.sha256) for t in texts}
            stats_known = _known(sources, hashed_at)
            del sources, texts  # the Markdown bytes are not needed again: free them
            clock.lap("markdown")
            memo = store.info(f"related:{config.root}")
            model = site.build_site(entries, assets, config, options, diags, memo)
            theme_memo = store.info(f"theme:{config.root}")
            chosen = theme.load_theme(config, diags, theme_memo, theme_digest)
            clock.lap("site")
            counts = _counts(model)
            content_diags = list(diags.items)  # what a no-change rebuild replays
            diags.extend(cache_diags.items)
            if _failed(diags, options) or chosen is None:
                return _result(False, diags, options, model, None, clock, parsed, counts)
            outputs = render.render(model, chosen, reuse, diags, options.serve_script,
                                    options.jobs or os.cpu_count() or 1)
            # closing(): on Ctrl-C or a write error, stop the render pool now, not at exit.
            with write.Writer(config, previous) as writer, contextlib.closing(outputs):
                for output in outputs:
                    writer.add(output)
                clock.lap("render")
                if _failed(diags, options):
                    return _result(False, diags, options, model, None, clock, parsed,
                                   counts)
                stats = writer.commit()
            clock.lap("write")
            state = {"signature": signature, "counts": counts, "stats": stats_known,
                     "related": memo, "theme": theme_memo,
                     "next_due": model.next_due.isoformat() if model.next_due else None,
                     "diagnostics": [list(d.__dict__.values()) for d in content_diags]}
            before = len(cache_diags.items)
            store.save(config.output_dir, {"id": stats.id, "files": stats.manifest},
                       live_keys, state, config.root)
            diags.extend(cache_diags.items[before:])  # "cache not saved", if it happens
            clock.lap("save cache")
            return _result(True, diags, options, model, stats, clock, parsed, counts)
        finally:
            store.close()


def _known(sources: list[SourceFile], hashed_at: int) -> dict:
    """What discovery may trust next time: each file's stat and hash, and when taken."""
    return {"at": hashed_at, "files": {s.rel: [*s.stat, s.sha256] for s in sources if s.stat}}


def _signature(config: SiteConfig, options: BuildOptions, sources: list[SourceFile],
               theme_digest: str) -> str:
    """Everything a build's output depends on, but the clock (see `_unchanged`)."""
    from builder import code_digest
    from builder.core.models import config_fingerprint

    digest = hashlib.sha256()
    for part in (code_digest(), config_fingerprint(config), theme_digest,
                 options.drafts, options.future, options.serve_script,
                 os.environ.get("SOURCE_DATE_EPOCH", "")):
        digest.update(repr(part).encode() + b"\0")
    for src in sources:
        digest.update(f"{src.rel}\0{src.sha256}\0".encode())
    return digest.hexdigest()


def _unchanged(state: dict, signature: str, options: BuildOptions, config: SiteConfig,
               intact: bool) -> tuple[list[Diagnostic], str] | None:
    """The last build's diagnostics and summary, if it is still exactly right.

    Same sources, settings and templates, output/ untouched since, and no
    scheduled article has come due: then there is nothing to do.
    """
    if not intact or state.get("signature") != signature:
        return None
    due = state.get("next_due")
    if due and not options.future:
        tz = zoneinfo.ZoneInfo(config.timezone)
        if (options.now or dt.datetime.now(tz)) >= dt.datetime.fromisoformat(due):
            return None
    try:
        return [Diagnostic(*d) for d in state["diagnostics"]], str(state["counts"])
    except (KeyError, TypeError):
        return None


def _counts(model: Site) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    text = (f"{n(len(model.articles), 'article')}, {n(len(model.pages), 'page')}, "
            f"{n(len(model.tags), 'tag')}, {n(len(model.editions), 'edition')}")
    if model.left_out:
        text += f" (left out {', '.join(model.left_out)}: use --drafts / --future)"
    return text


def _failed(diags: Diagnostics, options: BuildOptions) -> bool:
    return any(d.severity == "error" for d in diags.sorted(options.strict))


def _result(ok: bool, diags: Diagnostics, options: BuildOptions, model: Site | None,
            stats: write.WriteStats | None, clock: _Clock, parsed: int,
            counts: str) -> BuildResult:
    return BuildResult(ok, diags.sorted(options.strict), model, stats,
                       sum(t for _, t in clock.laps), parsed, tuple(clock.laps), counts)
