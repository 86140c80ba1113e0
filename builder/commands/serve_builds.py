"""The builds `broadsheet serve` runs, and what each leaves shown.

A build after each edit (in a thread of its own, one at a time), the page
of one edit shown ahead of its build (builder/preview.py), the last build
shown before the first one in serve's folder is done, and the search index
brought up to date once the edits stop (catch_up.py). What is shown is one
Snapshot, replaced whole after each build: the last good build's folder, or
the problems of a failed one beside it. The HTTP server and the watcher
(serve.py) read it and ask for builds; nothing here knows about either.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from builder import preview, write
from builder.commands import reload
from builder.commands.catch_up import CatchUp
from builder.commands.common import CACHE_DIR, summary
from builder.commands.serve_http import Snapshot
from builder.config import load_config
from builder.core import interrupts
from builder.core.errors import emit, to_diagnostics
from builder.core.models import BuildOptions, SiteConfig
from builder.pipeline import BuildResult, build
from builder.read import entries
from builder.warm import Warm, can_seed, seed

FOLDER = "serve"  # serve's own build, inside the cache folder
CATCH_UP = 3.0  # seconds without an edit before serve brings the search index up to date


def build_folder(config: SiteConfig, options: BuildOptions) -> Path:
    """Where serve builds: `serve/` in the cache folder, which is git-ignored and safe to
    delete; beside the cache's default place when there is no cache (--no-cache)."""
    return (options.cache_dir or config.root / CACHE_DIR) / FOLDER


class Builds:
    """serve's builds and what they show (`snapshot`), apart from how it is served.

    The server (serve.Server) is this with an HTTP thread and a watcher.
    """

    def __init__(
        self,
        config_path: Path,
        output: Path | None,
        make_options: Callable[[SiteConfig], BuildOptions],
        log: TextIO | None = None,
    ) -> None:
        self.config_path = config_path.absolute()
        self.root = self.config_path.parent.resolve()
        self.output = output.resolve() if output else None  # None: build_folder()
        self.make_options = make_options
        self.signal = reload.Signal()  # bumped when what is shown changes: pages reload
        self.snapshot = Snapshot()
        self._log = log
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._build_lock = threading.Lock()
        self._catch_up = CatchUp()  # the search index, once the edits stop
        self.last_result: BuildResult | None = None  # of the last build that ran
        self.warm = Warm()  # what each build leaves the next: only an edit is read again
        self._shown_ahead = 0  # pages shown ahead of their build so far (show_edit)
        self._prepared = False  # whether preview.prepare has run (after the first good build)
        self._wanted = threading.Event()  # an edit since the last build began: build again
        # Deleted before any build had them, their pages withdrawn (_withdraw): shown deleted
        # from the next good build's model, in case that build read them before they went.
        self._unbuilt_deletes: set[str] = set()  # with _shown_lock held, as the snapshot
        self._shown_lock = threading.Lock()  # each change to `snapshot` whole (show_edit)
        # Never asked to stop: held while a page is shown ahead (show_edit), so the edit
        # build running meanwhile waits at its next safe point instead of sharing the GIL.
        self._edit_builds = interrupts.Stop()

    def rebuild(
        self,
        jobs: int | None = None,
        search_later: bool = False,
        reload_pages: bool = True,
        stop: interrupts.Stop | None = None,
    ) -> bool:
        """Load site.yaml and build; publish the outcome and reload pages if it changed.

        `search_later` keeps out-of-date parts of the search index (BuildOptions);
        without `reload_pages` open pages are not told (only the index changed).
        A build that gives way to `stop` changes nothing, not even what is shown.
        """
        out = self._log or sys.stderr
        with self._build_lock:
            previous = self.snapshot
            ahead_before = self._shown_ahead
            config: SiteConfig | None = None
            changed = True
            try:
                site = load_config(self.config_path)
                options = self.make_options(site)
                config = replace(site, output_dir=self.output or build_folder(site, options))
                write.check_output_dir(config)
                if seeded := seed(site, config, options):  # only while its folder is empty
                    print(f"started from the build in {site.output_dir}: {seeded} files", file=out)
                if jobs is not None:
                    options = replace(options, jobs=jobs)
                options = replace(options, search_later=search_later)
                result = build(config, options, stop=stop, warm=self.warm)
                self.last_result = result
                ok, problems = result.ok, tuple(result.diagnostics)
                if ok and result.stats is not None:
                    changed = bool(result.stats.written or result.stats.removed)
            except interrupts.Cancelled:
                print("search index: catch-up called off; it runs once the edits stop", file=out)
                return False
            except Exception as exc:  # site.yaml, the disk, even a bug: the server outlives it
                ok, problems = False, tuple(to_diagnostics(exc))
            if not ok and self._wanted.is_set() and (saving := entries.moving(problems)):
                # A save in progress, seen by the watcher: the build it asked for reads the
                # file whole. Meanwhile nothing changes, and no error page for half a save.
                print(f"changed while read: {', '.join(saving)}; building again", file=out)
                return False
            emit(list(problems), out)
            with self._shown_lock:
                # A page shown ahead while this build ran is for an edit it did not see.
                kept, shown = self._shown_ahead != ahead_before, self.snapshot
                self.snapshot = Snapshot(
                    config.output_dir if config else previous.output_dir,
                    config.base_path if config else previous.base_path,
                    problems,
                    not ok,
                    shown.ahead if kept else {},
                    shown.made_for if kept else {},
                )
                deleted: set[str] = set()
                if ok:  # a good build, which may have read them before they went (_withdraw)
                    deleted, self._unbuilt_deletes = self._unbuilt_deletes, set()
            if ok:
                changed = changed or previous.failed or previous.output_dir is None
                print(summary(result), file=out)
            else:
                changed = not (previous.failed and previous.problems == problems)
                errors = sum(1 for d in problems if d.severity == "error")
                print(
                    f"build failed: {errors} error{'s' if errors != 1 else ''}; "
                    "still serving the last good build",
                    file=out,
                )
            for rel in sorted(deleted):  # before the reload: pages show them gone
                self.show_edit([rel])
            if changed and reload_pages:
                self.signal.bump()
            if ok and not self._prepared:
                self._prepared = True
                # So the first edit is shown as fast as the rest; if this fails, the only
                # loss is that the first edit's page comes slower.
                with contextlib.suppress(Exception):
                    preview.prepare(self.warm)
            return ok

    def show_edit(self, names: list[str]) -> bool:
        """As an edit is noticed, before its build: if the edit is the text of one article
        or page, send its new page now and reload the open pages; if it adds or deletes
        one article, the same with the page of each list it is on and their feeds (and
        the new article's page). True then.

        The pages come from the last good build's site model with this one
        file read again (preview.page_of, preview.lists_of), which is what
        that build will make of them; each is sent instead of its file until a
        build puts a file there. The rest follows with the build: the lists and
        feeds that show an edited article, the later pages of a list that
        shifted.
        """
        if len(names) != 1:
            return False
        # One at a time, and never between a build's look at the snapshot and its new one:
        # the build thread shows deletions too (rebuild), and no update may undo another.
        with self._shown_lock:
            snap = self.snapshot
            if snap.failed or snap.output_dir is None:
                return False
            try:
                with self._edit_builds.held():  # the page first: a build running waits for it
                    edited = preview.page_of(self.warm, names[0])
                    made = [edited] if edited else preview.lists_of(self.warm, names[0])
            except Exception:  # no worse than no preview: the build that follows reports it
                return False
            if not made:
                return self._withdraw(names[0])
            ahead = {(snap.output_dir / p.out_path).resolve(): p.data for p in made}
            self._shown_ahead += 1
            self.snapshot = replace(
                snap,
                ahead={**snap.ahead, **ahead},
                made_for={**snap.made_for, **dict.fromkeys(ahead, names[0])},
            )
        self.signal.bump()
        return True

    def _withdraw(self, rel: str) -> bool:
        """`rel` deleted before any build had it, its add shown ahead: the pages made for it
        go now (the last good build, which never had it, is right without them), and True.
        With _shown_lock held.

        The build running meanwhile may have read it before it went; the next
        good build (rebuild) shows its deletion from that build's model before
        open pages are told to reload, so they do not show it again while the
        build after writes its lists.
        """
        snap = self.snapshot
        made = {path for path, name in snap.made_for.items() if name == rel}
        if not made or os.path.lexists(self.root / rel):
            return False
        self._unbuilt_deletes.add(rel)
        self._shown_ahead += 1
        self.snapshot = replace(
            snap,
            ahead={path: data for path, data in snap.ahead.items() if path not in made},
            made_for={path: name for path, name in snap.made_for.items() if path not in made},
        )
        self.signal.bump()
        return True

    def show_last_build(self) -> bool:
        """Before the first build: if serve's folder is empty and output/ holds a whole
        build (warm.can_seed), show that build now and True; the first rebuild(), which
        may then run in the background, starts serve's folder from it.

        So the first page does not wait for thousands of files to be linked,
        and it is the same page: that rebuild finds nothing changed and
        switches to serve's folder without a reload. Nothing is written to
        output/; a build run there meanwhile is what the browser then sees.
        """
        try:
            site = load_config(self.config_path)
            options = self.make_options(site)
            config = replace(site, output_dir=self.output or build_folder(site, options))
            if not can_seed(site, config, options):
                return False
        except Exception:  # the first build reports it, as it would without this
            return False
        self.snapshot = Snapshot(site.output_dir, site.base_path)
        return True

    def first_build(self) -> None:
        """The first rebuild(): in the background when the last build is shown meanwhile
        (show_last_build), else now. stop() waits for it."""
        if not self.show_last_build():
            self.rebuild()
            return
        first = threading.Thread(target=self.rebuild, name="broadsheet-first-build", daemon=True)
        first.start()
        self._threads.append(first)

    def _schedule_catch_up(self) -> None:
        """Bring the search index up to date CATCH_UP seconds after the last edit (see
        catch_up.py): the edit's page did not wait for it."""
        if self._stop.is_set():
            self._catch_up.give_way()
            return
        self._catch_up.schedule(
            CATCH_UP, lambda stop: self.rebuild(jobs=1, reload_pages=False, stop=stop)
        )

    def _build_on_edits(self) -> None:
        """The builds the watcher asks for, one at a time, in a thread of their own: so an
        edit saved while one runs is still noticed (and its page shown) at once. Edits
        saved during a build make one build after it."""
        while not self._stop.is_set():
            if not self._wanted.wait(0.1):
                continue
            self._wanted.clear()
            # One process: forking a pool from a threaded server risks deadlocks,
            # and a rebuild after an edit re-renders only a few files anyway.
            # The page first; its part of the search index once the edits stop.
            self.rebuild(jobs=1, search_later=True, stop=self._edit_builds)
            if not self._wanted.is_set():
                self._schedule_catch_up()
