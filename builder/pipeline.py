"""The pipeline: the only module that knows the order of the stages.

`build()` is that order on one screen: config → read (discover, front matter
and Markdown) → site → theme → render → write, after the no-change shortcut.
What makes it fast and safe without being a stage (the lock, the cache, the
previous build's state, the clock) is run.BuildRun's business, a layer below.
`read_model()` is the front half alone, writing nothing: `check`, `new` and
`import` read content/ through it. Nothing reaches output/ unless every
earlier stage succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder import cache as cache_mod
from builder import write
from builder.core import interrupts
from builder.core.errors import Diagnostics
from builder.core.models import BuildOptions, Entry, Meta, Site, SiteConfig, SourceFile
from builder.core.progress import SILENT, Progress
from builder.read import frontmatter
from builder.read.assets import check_active
from builder.read.discover import discover
from builder.read.entries import load_entries
from builder.render import theme
from builder.run import BuildResult, BuildRun
from builder.site import assemble as site
from builder.warm import Warm

__all__ = ["BuildResult", "Model", "build", "read_model"]  # BuildResult: what callers get back


def build(
    config: SiteConfig,
    options: BuildOptions,
    progress: Progress = SILENT,
    stop: interrupts.Stop | None = None,
    warm: Warm | None = None,
) -> BuildResult:
    """Build the site; on any error the previous output/ is left as it was.

    `progress` hears of each stage as it begins (see core.progress). A
    `stop` requested from another thread ends the build with
    interrupts.Cancelled at its next safe point, before output/ changes.
    `warm` is what a process that builds again and again (serve) keeps
    between its builds.
    """
    write.check_output_dir(config)  # config: an output folder it may replace
    with BuildRun(config, options, progress, stop, warm) as run:  # lock, cache, the last build
        sources = run.discover()  # read: every file, hashed unless its stat is known
        if run.nothing_changed() and not run.warming:
            return run.replay()  # same inputs, output/ intact: nothing to do
        entries, assets = run.read(sources)  # front matter + Markdown, cached or made now
        model = site.build_site(
            entries, assets, config, options, run.diags, run.related_memo, run.warm.site, run.stop
        )
        chosen = theme.load_theme(
            config, run.diags, run.theme_memo, run.theme_digest, run.warm.templates
        )
        run.lap("site")
        stats = None
        if chosen is not None and not run.failed():
            stats = run.write(model, chosen)  # rendered, staged, put in place: None if failed
        if stats is not None and chosen is not None:
            run.remember(model, chosen, stats, entries)  # for the next build, and serve
        return run.result(model, stats)


@dataclass(frozen=True)
class Model:
    """content/ as the front half of a build reads it; reading it wrote nothing."""

    sources: list[SourceFile]  # every file under content/, sorted by path
    metas: dict[str, Meta | None]  # front matter by source rel; None: it has errors
    entries: list[Entry]  # every text with its Markdown (none with markdown=False)
    site: Site | None  # the site model (None with markdown=False)


def read_model(
    config: SiteConfig,
    options: BuildOptions,
    diags: Diagnostics,
    *,
    markdown: bool = True,
    progress: Progress = SILENT,
) -> Model:
    """The front half of a build, writing nothing: discover → entries → site model.

    A cache in `options.cache_dir` is used if there is one, never created or
    saved; the site model is built with the drafts, future and now of
    `options`. With `markdown=False` only the front matter of articles is
    read, which is all `new` and `import` need, and quick on any site.
    """
    sources = discover(config.root, diags)
    check_active(sources, config.content, diags)
    if not markdown:
        return Model(
            sources,
            {s.rel: frontmatter.parse(s, config, diags) for s in sources if s.kind == "article"},
            [],
            None,
        )
    texts = [s for s in sources if s.kind != "asset"]
    progress.stage("markdown", len(texts))
    folder = options.cache_dir
    store = cache_mod.for_site(
        config, folder if folder and (folder / "cache.sqlite").is_file() else None, diags
    )
    try:  # new results are put into the store, but it is never saved
        entries, _parsed = load_entries(
            texts, config, store, options.jobs, diags, flush=False, progress=progress
        )
    finally:
        store.close()
    progress.stage("site")
    model = site.build_site(
        entries, [s for s in sources if s.kind == "asset"], config, options, diags
    )
    by_rel = {e.meta.path: e.meta for e in entries}
    return Model(sources, {s.rel: by_rel.get(s.rel) for s in texts}, entries, model)
