"""One build's plumbing: everything `pipeline.build` needs besides the stages.

The output lock, the open cache, the state the last build left, the no-change
shortcut, the laps `--timings` prints and what the build reports back
(BuildResult). Kept apart from the pipeline so that the stage order stays on
one screen there and the bookkeeping that makes it fast and safe lives here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import zoneinfo
from dataclasses import dataclass

from builder import cache as cache_mod
from builder import write
from builder.core import collector, interrupts, parallel
from builder.core.dates import build_clock
from builder.core.errors import Diagnostic, Diagnostics
from builder.core.models import BuildOptions, Entry, LinkItem, Site, SiteConfig, SourceFile
from builder.core.progress import Progress
from builder.read.assets import check_active
from builder.read.discover import discover
from builder.read.entries import load_entries
from builder.render import outputs, theme
from builder.render.theme import Theme
from builder.state import BuildState, RelatedMemo, SourceStats, ThemeMemo
from builder.warm import Shown, Warm
from builder.write import WriteStats


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the command to report: `ok` means output/ is the new site."""

    ok: bool
    diagnostics: list[Diagnostic]
    site: Site | None = None  # None when nothing changed and nothing was rebuilt
    stats: WriteStats | None = None
    seconds: float = 0.0
    parsed: int = 0  # sources parsed and rendered this run (not from the cache)
    timings: tuple[tuple[str, float], ...] = ()  # seconds per stage, for --timings
    summary: str = ""  # "12 articles, 1 page, …", for the closing line


class BuildRun:
    """One build's plumbing: what `build` needs besides the stages themselves.

    Entered, it holds the output lock, the open cache, the state the last
    build left (BuildState) and the list of files it wrote. A build makes
    hundreds of thousands of objects that all live until its end; Python's
    default collector would rescan them over and over (a fifth of an
    incremental build's time), so meanwhile it runs far less often.
    """

    def __init__(
        self,
        config: SiteConfig,
        options: BuildOptions,
        progress: Progress,
        stop: interrupts.Stop | None = None,
        warm: Warm | None = None,
    ) -> None:
        self.config = config
        self.options = options
        self.progress = progress
        self.stop = stop
        self.warm = warm or Warm()  # one build only: kept by nobody
        # A process that keeps what builds leave (serve) wants the site model even when
        # nothing changed: its first build makes it, in the background, for the first edit.
        self.warming = warm is not None and warm.shown is None
        self.jobs = options.jobs or parallel.cores()
        self.diags = Diagnostics()  # about the content: what a no-change build replays
        self.cache_diags = Diagnostics()  # about the cache itself: never replayed
        self.laps: list[tuple[str, float]] = []
        self.catalogue_seconds: dict[str, float] = {}  # within render, by catalogue line
        self.clock = time.perf_counter()
        self.parsed = 0  # sources parsed and rendered afresh
        self.live_keys: set[str] = set()  # the cache entries this build's sources use

    def __enter__(self) -> BuildRun:
        config = self.config
        with contextlib.ExitStack() as stack:
            stack.enter_context(collector.fewer_collections())
            stack.enter_context(write.output_lock(config))
            self.store = cache_mod.for_site(config, self.options.cache_dir, self.cache_diags)
            stack.callback(self.store.close)
            self.last_state = self.store.state(config.output_dir, config.root)
            self.last_files = write.previous_files(
                config, self.store.manifest(config.output_dir), self.store.distrust
            )
            self.reuse = write.reusable(config, self.last_files)  # outputs untouched since then
            self.theme_digest = theme.signature(config)  # read once: two stages use it
            self._cleanup = stack.pop_all()
        # The memos as site.related and render.theme take them: dicts, in and out.
        last = self.last_state
        self.related_memo = dict(vars(last.related)) if last.related else {}
        self.theme_memo = dict(vars(last.theme)) if last.theme else {}
        return self

    def __exit__(self, *exc: object) -> None:
        self._cleanup.close()

    def lap(self, name: str) -> None:
        """Seconds spent per stage: the benchmark and `--timings` print them."""
        now = time.perf_counter()
        self.laps.append((name, now - self.clock))
        self.clock = now
        interrupts.deliver()  # a Ctrl-C Python could not raise mid-stage stops it here
        interrupts.check(self.stop)  # and so does a stop another thread asked for

    def discover(self) -> list[SourceFile]:
        """Every source under content/, trusting the stat of files hashed last time."""
        self.progress.stage("discover")
        hashed_at = time.time_ns()
        known = self.last_state.sources
        sources = discover(self.config.root, self.diags, known.known, known.hashed_at)
        check_active(sources, self.config.content, self.diags)  # refused unless allowed
        self.sources = SourceStats(
            hashed_at,
            {s.rel: (s.stat[0], s.stat[1], s.stat[2], s.sha256) for s in sources if s.stat},
        )
        self.signature = _signature(self.config, self.options, sources, self.theme_digest)
        self.lap("discover")
        return sources

    def nothing_changed(self) -> bool:
        """Same sources, settings and templates, output/ untouched since the last build,
        and the clock has not reached the moment the last build said would change the
        site (a scheduled article comes due, an open edition closes): nothing to do."""
        intact = bool(self.last_files) and len(self.reuse) == len(self.last_files)
        if self.diags.items or not intact or self.last_state.signature != self.signature:
            return False
        due = self.last_state.next_due
        if due:
            tz = zoneinfo.ZoneInfo(self.config.timezone)
            return build_clock(self.options.now, tz) < due
        return True

    def replay(self) -> BuildResult:
        """The last build's diagnostics and summary, without building anything."""
        if self.sources.known != self.last_state.sources.known:  # files touched, not changed
            self.store.save_stats(self.config.root, self.sources)
        self.lap("check")
        replayed = Diagnostics([*self.last_state.diagnostics, *self.cache_diags.items])
        stats = WriteStats(0, len(self.last_files), 0, {}, "")
        return self._result(
            not _failed(replayed, self.options), replayed, None, stats, self.last_state.counts
        )

    def read(self, sources: list[SourceFile]) -> tuple[list[Entry], list[SourceFile]]:
        """The entries of the text sources (see read.entries), and the assets."""
        texts = [s for s in sources if s.kind != "asset"]
        self.progress.stage("markdown", len(texts))
        entries, self.parsed = load_entries(
            texts,
            self.config,
            self.store,
            self.jobs,
            self.diags,
            progress=self.progress,
            memo=self.warm.entries(self.options.cache_dir),
        )
        self.live_keys = {self.store.key(t.rel, t.sha256) for t in texts}
        self.lap("markdown")
        self.progress.stage("site")  # what build() does next: the site model and the theme
        return entries, [s for s in sources if s.kind == "asset"]

    def failed(self) -> bool:
        return _failed(self._everything(), self.options)

    def write(self, model: Site, chosen: Theme) -> WriteStats | None:
        """Render every output and stage it, then put them in place; None if rendering
        found errors. The search index, made last, reads the pages from the writer."""
        # The last build's file count: as good a guess at this one's as there is.
        self.progress.stage("render", len(self.last_files) or None)
        writer = write.Writer(self.config, self.last_files)
        made = outputs.render(
            model,
            chosen,
            self.reuse,
            self.diags,
            self.jobs,
            self.options.search_later,
            self.stop,
            writer.bytes_of,
            self.catalogue_seconds,
        )
        # closing(): on Ctrl-C or a write error, stop the render pool now, not at exit.
        with writer, contextlib.closing(made):
            for output in made:
                writer.add(output)
                self.progress.advance()
            self.lap("render")
            if self.failed():
                return None
            self.progress.stage("write")
            stats = writer.commit()
        self.lap("write")
        return stats

    def remember(self, model: Site, chosen: Theme, stats: WriteStats, entries: list[Entry]) -> None:
        """Save the list of files written, the new entries and this build's state; keep the
        site model in the process for serve's edits (warm.Shown, preview.py)."""
        self.warm.shown = Shown(model, chosen, tuple(entries), self.options)
        self.progress.stage("save cache")
        state = BuildState(
            self.signature,
            _counts(model),
            model.next_due,
            tuple(self.diags.items),
            self.sources,
            RelatedMemo(**self.related_memo) if self.related_memo else None,
            ThemeMemo(**self.theme_memo) if self.theme_memo else None,
        )
        self.store.save(
            self.config.output_dir,
            {"id": stats.id, "files": stats.manifest},
            self.live_keys,
            state,
            self.config.root,
        )
        self.lap("save cache")

    def result(self, model: Site, stats: WriteStats | None) -> BuildResult:
        """What the build did; it succeeded if it wrote output/ (then `stats` is set)."""
        return self._result(stats is not None, self._everything(), model, stats, _counts(model))

    def _timings(self) -> tuple[tuple[str, float], ...]:
        """The stages' seconds, and within render the search index's, which is most of a
        cold build's render and all of an edit's (the benchmark reports it)."""
        found = []
        index = self.catalogue_seconds.get(outputs.SEARCH_INDEX)
        for name, seconds in self.laps:
            found.append((name, seconds))
            if name == "render" and index is not None and self.config.search:
                found.append((f"{outputs.SEARCH_INDEX} (in render)", index))
        return tuple(found)

    def _everything(self) -> Diagnostics:
        return Diagnostics([*self.diags.items, *self.cache_diags.items])

    def _result(
        self,
        ok: bool,
        diags: Diagnostics,
        model: Site | None,
        stats: WriteStats | None,
        counts: str,
    ) -> BuildResult:
        return BuildResult(
            ok,
            diags.sorted(self.options.strict),
            model,
            stats,
            sum(t for _, t in self.laps),
            self.parsed,
            self._timings(),
            counts,
        )


def _signature(
    config: SiteConfig, options: BuildOptions, sources: list[SourceFile], theme_digest: str
) -> str:
    """Everything a build's output depends on, but the clock (see `BuildRun.nothing_changed`)."""
    from builder import code_digest
    from builder.core.models import config_fingerprint

    digest = hashlib.sha256()
    for part in (
        code_digest(),
        config_fingerprint(config),
        theme_digest,
        options.drafts,
        options.future,
        options.search_later,  # a build with it off is not "nothing changed" after one with it
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ):
        digest.update(repr(part).encode() + b"\0")
    for src in sources:
        digest.update(f"{src.rel}\0{src.sha256}\0".encode())
    return digest.hexdigest()


def _counts(model: Site) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    links = sum(isinstance(item, LinkItem) for item in model.articles)
    text = (
        f"{n(len(model.articles) - links, 'article')}, "
        + (f"{n(links, 'link item')}, " if links else "")
        + f"{n(len(model.pages), 'page')}, {n(len(model.tags), 'tag')}, "
        f"{n(len(model.editions), 'edition')}"
    )
    if model.left_out:
        text += f" (left out {', '.join(model.left_out)}: use --drafts / --future)"
    return text


def _failed(diags: Diagnostics, options: BuildOptions) -> bool:
    return any(d.severity == "error" for d in diags.sorted(options.strict))
