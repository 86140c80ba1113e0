"""The pipeline: the only module that knows the order of the stages.

config → discover → frontmatter → markup → site → theme → render → write.
Front matter and Markdown results come from the cache when the source
bytes are unchanged, or from a process pool when many files are new.
Nothing reaches output/ unless every earlier stage succeeded.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from builder import cache as cache_mod
from builder import frontmatter, markup, render, site, theme, write
from builder.discover import discover
from builder.errors import Diagnostic, Diagnostics
from builder.models import BuildOptions, Entry, Site, SiteConfig, SourceFile

POOL_MIN = 64  # below this many new files a pool costs more than it saves


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    diagnostics: list[Diagnostic]
    site: Site | None = None
    stats: write.WriteStats | None = None
    seconds: float = 0.0
    parsed: int = 0  # sources parsed and rendered this run (not from the cache)


def folder_url(config: SiteConfig, rel: str) -> str:
    """Site path of a source file's folder: where its assets are published."""
    folder = rel.removeprefix("content/").rpartition("/")[0]
    return config.base_path + (folder + "/" if folder else "")


def process(src: SourceFile, config: SiteConfig) -> tuple[str, str]:
    """Front matter + Markdown for one file: (rel, cache entry as JSON). Runs in workers."""
    diags = Diagnostics()
    meta = frontmatter.parse(src, config, diags)
    rendered = None
    if meta is not None:
        rendered = markup.render(meta.body, meta.summary, folder_url(config, src.rel),
                                 config.markdown)
    return src.rel, cache_mod.dump(meta, rendered, diags.items)


_worker_config: SiteConfig | None = None


def _init_worker(config: SiteConfig) -> None:
    global _worker_config
    _worker_config = config


def _process_in_worker(src: SourceFile) -> tuple[str, str]:
    assert _worker_config is not None
    return process(src, _worker_config)


def _process_all(todo: list[SourceFile], config: SiteConfig, jobs: int) -> list[tuple[str, str]]:
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) < POOL_MIN:
        return [process(src, config) for src in todo]
    # Biggest first, so no worker is left with a long file at the end.
    ordered = sorted(todo, key=lambda s: -len(s.data))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(config,)) as pool:
        return list(pool.map(_process_in_worker, ordered, chunksize=16))


def build(config: SiteConfig, options: BuildOptions) -> BuildResult:
    """Build the site; on any error the previous output/ is left as it was."""
    started = time.perf_counter()
    diags = Diagnostics()
    write.check_output_dir(config)
    with write.output_lock(config):
        sources = discover(config.root, diags)
        texts = [s for s in sources if s.kind != "asset"]
        assets = [s for s in sources if s.kind == "asset"]
        store = cache_mod.Cache(
            options.cache_dir,
            cache_mod.salt(config.markdown, config.timezone, config.base_path),
            diags,
        )
        try:
            keys = {s.rel: store.key(s.rel, s.sha256) for s in texts}
            cached = store.get_many(list(keys.values()))
            todo = [s for s in texts if keys[s.rel] not in cached]
            for rel, text in _process_all(todo, config, options.jobs):
                store.put(keys[rel], text)
                cached[keys[rel]] = cache_mod.load(text)
            entries: list[Entry] = []
            by_rel = {s.rel: s for s in texts}
            for rel in sorted(by_rel):
                meta, rendered, found = cached[keys[rel]]
                diags.extend(found)
                if meta is not None and rendered is not None:
                    entries.append(Entry(by_rel[rel].sha256, meta, rendered))
            model = site.build_site(entries, assets, config, options, diags)
            chosen = theme.load_theme(config, diags)
            if _failed(diags, options) or chosen is None:
                return _result(False, diags, options, model, None, started, len(todo))
            reuse = write.reusable(config, store.manifest(config.output_dir))
            outputs = render.render(model, chosen, reuse, diags, options.serve_script)
            if _failed(diags, options):
                return _result(False, diags, options, model, None, started, len(todo))
            stats = write.write(outputs, config)
            store.save(config.output_dir, stats.manifest, set(keys.values()))
            return _result(True, diags, options, model, stats, started, len(todo))
        finally:
            store.close()


def _failed(diags: Diagnostics, options: BuildOptions) -> bool:
    return any(d.severity == "error" for d in diags.sorted(options.strict))


def _result(ok: bool, diags: Diagnostics, options: BuildOptions, model: Site | None,
            stats: write.WriteStats | None, started: float, parsed: int) -> BuildResult:
    return BuildResult(ok, diags.sorted(options.strict), model, stats,
                       time.perf_counter() - started, parsed)
