"""`broadsheet serve`: build into a folder of its own, serve it on 127.0.0.1, rebuild on
change, reload pages.

serve never writes into output/: it builds into `serve/` in the cache folder
(`.broadsheet-cache/serve/`, or --output), so what is deployed from output/
is always what `build` made, never drafts or a half-edited site from a
preview. The files it builds are the ones `build` makes, byte for byte: the
reload snippet is added to each HTML page as it is sent (reload.inject), so
a serve started again on a warm cache has nothing to render.

The server only ever reads files inside its folder: every request path is
decoded once, `..` segments are refused, and the resolved file (symlinks
followed) must still lie inside the folder; the 404 page too. Builds go
through the normal pipeline, so serve and build can never disagree about
what the site is. While the site does not build, the folder keeps the last
good build (write.py guarantees that) and HTML requests get an error page
listing the problems.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from builder import preview, write
from builder.commands import reload
from builder.commands.catch_up import CatchUp
from builder.commands.common import (
    CACHE_DIR,
    build_options,
    load_site,
    options_from,
    site_options,
    summary,
)
from builder.commands.serve_http import Handler, HTTPServer, Snapshot
from builder.config import load_config
from builder.core import interrupts
from builder.core.errors import EXIT_OK, ConfigErrors, UsageError, emit, to_diagnostics
from builder.core.models import BuildOptions, SiteConfig
from builder.pipeline import BuildResult, build
from builder.read import entries
from builder.warm import Warm, can_seed, seed

HOST = "127.0.0.1"
WATCHED_DIRS = ("content", "themes", "templates")
FOLDER = "serve"  # serve's own build, inside the cache folder
CATCH_UP = 3.0  # seconds without an edit before serve brings the search index up to date


def build_folder(config: SiteConfig, options: BuildOptions) -> Path:
    """Where serve builds: `serve/` in the cache folder, which is git-ignored and safe to
    delete; beside the cache's default place when there is no cache (--no-cache)."""
    return (options.cache_dir or config.root / CACHE_DIR) / FOLDER


class Server:
    """The dev server: HTTP thread, watcher thread, and rebuild() shared by both.

    Tests drive it without a watcher: start(watch=False), change files, call
    rebuild(), then make requests.
    """

    def __init__(
        self,
        config_path: Path,
        output: Path | None,
        make_options: Callable[[SiteConfig], BuildOptions],
        port: int = 0,
        log: TextIO | None = None,
    ) -> None:
        self.config_path = config_path.absolute()
        self.root = self.config_path.parent.resolve()
        self.output = output.resolve() if output else None  # None: build_folder()
        self.make_options = make_options
        self.requested_port = port
        self.signal = reload.Signal()
        self.snapshot = Snapshot()
        self._log = log
        self._httpd: HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._watch_ready = threading.Event()
        self._build_lock = threading.Lock()
        self._catch_up = CatchUp()  # the search index, once the edits stop
        self.last_result: BuildResult | None = None  # of the last build that ran
        self.warm = Warm()  # what each build leaves the next: only an edit is read again
        self._shown_ahead = 0  # pages shown ahead of their build so far (show_edit)
        self._prepared = False  # whether preview.prepare has run (after the first good build)
        self._wanted = threading.Event()  # an edit since the last build began: build again
        # Never asked to stop: held while a page is shown ahead (show_edit), so the edit
        # build running meanwhile waits at its next safe point instead of sharing the GIL.
        self._edit_builds = interrupts.Stop()

    # -- lifecycle ---------------------------------------------------------
    def bind(self) -> None:
        """Claim the port now, so a busy port is reported before a long build."""
        if self._httpd is not None:
            return
        try:
            self._httpd = HTTPServer((HOST, self.requested_port), Handler)
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {HOST}:{self.requested_port}: {exc.strerror or exc}",
                "is another server running? choose another --port, or --port 0 for any free one",
            ) from None
        self._httpd.app = self

    @property
    def port(self) -> int:
        assert self._httpd is not None, "bind() or start() first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.snapshot.base_path}"

    def start(self, watch: bool = True) -> None:
        """Serve in a background thread and, with `watch`, rebuild on every change."""
        self.bind()
        assert self._httpd is not None
        serving = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="broadsheet-http",
            daemon=True,
        )
        serving.start()
        self._threads.append(serving)
        if watch:
            builder = threading.Thread(target=self._build_on_edits, name="broadsheet-build")
            builder.daemon = True
            builder.start()
            watcher = threading.Thread(target=self._watch, name="broadsheet-watch", daemon=True)
            watcher.start()
            self._threads += [builder, watcher]
            # Changes made before the watcher exists would be missed; wait for it.
            self._watch_ready.wait(10)

    def wait(self) -> None:
        """Block until stop() or Ctrl-C.

        Waits in short steps: a signal may land on another thread, and Python
        runs its handler (KeyboardInterrupt) only when the main thread wakes.
        """
        while not self._stop.wait(0.25):
            pass

    def stop(self) -> None:
        """End the event streams, the watcher and the HTTP server, and wait for them."""
        self._stop.set()
        self._catch_up.close()  # not yet started: never starts; started: stops, waited for
        self.signal.close()
        if self._httpd is not None:
            if any(t.name == "broadsheet-http" for t in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(5)
        self._threads.clear()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- building ----------------------------------------------------------
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
            snapshot = Snapshot(
                config.output_dir if config else previous.output_dir,
                config.base_path if config else previous.base_path,
                problems,
                not ok,
                # A page shown ahead while this build ran is for an edit it did not see.
                self.snapshot.ahead if self._shown_ahead != ahead_before else {},
            )
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
            self.snapshot = snapshot
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
        snap = self.snapshot
        if len(names) != 1 or snap.failed or snap.output_dir is None:
            return False
        try:
            with self._edit_builds.held():  # the page first: a build running waits for it
                edited = preview.page_of(self.warm, names[0])
                made = [edited] if edited else preview.lists_of(self.warm, names[0])
        except Exception:  # no worse than no preview: the build that follows reports it
            return False
        if not made:
            return False
        ahead = {(snap.output_dir / p.out_path).resolve(): p.data for p in made}
        self._shown_ahead += 1
        self.snapshot = replace(snap, ahead={**snap.ahead, **ahead})
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

    # -- watching ----------------------------------------------------------
    def watched(self, path: str) -> bool:
        """Whether a change to `path` can change the site (and is not our own output)."""
        return reload.is_source(
            path, self.root, self.config_path, WATCHED_DIRS, self.snapshot.output_dir
        )

    def _watch(self) -> None:
        out = self._log or sys.stderr

        def changed(names: list[str]) -> None:
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            print(f"changed: {', '.join(names[:3])}{more}", file=out)
            self._catch_up.give_way()  # the search catch-up: the edit goes first
            self.show_edit(names)  # its page at once, if it can be made alone
            self._wanted.set()  # and the site, by the build thread

        try:
            reload.watch_site(
                self.root,
                self.config_path,
                WATCHED_DIRS,
                self.watched,
                changed,
                self._stop,
                self._watch_ready,
            )
        except Exception as exc:  # report it, keep serving what was built
            print(f"broadsheet: watching for changes stopped: {exc}", file=out)
        finally:
            self._watch_ready.set()


HELP = "build, serve on 127.0.0.1 and rebuild on change"
ABOUT = """\
Builds the site, serves it at http://127.0.0.1:PORT/ and watches site.yaml,
content/ and the theme: every change rebuilds the site and reloads the pages
open in the browser. While the site does not build, the browser shows the
problems and the last good build is still served. Ctrl-C stops."""
EXAMPLES = (
    ("look at the site at http://127.0.0.1:8000/", "broadsheet serve"),
    ("show drafts too, while writing them", "broadsheet serve --drafts"),
    ("another port, for a second site", "broadsheet serve --port 8001"),
)
DOCS = "docs/commands.md#broadsheet-serve"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(
        parser,
        output="the folder serve builds into",
        instead=f" (default: {FOLDER}/ in the cache folder; never output/ unless asked)",
    )
    build_options(parser)
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the port on 127.0.0.1 to serve at; 0 picks a free one",
    )


def run(args: argparse.Namespace) -> int:
    """The `serve` command: exit 2 on usage problems; otherwise serve until Ctrl-C."""
    if not 0 <= args.port <= 65535:
        raise UsageError(
            f"--port must be between 0 and 65535, not {args.port}",
            "use --port 0 to pick any free port",
        )
    try:
        config = load_site(args)
    except ConfigErrors:
        if not args.config.is_file():
            raise  # not a site folder: nothing to serve or watch
        # A broken site.yaml is shown in the browser and fixed while serving.
    else:
        options = options_from(args, config)  # --jobs problems are usage errors, exit 2
        write.check_output_dir(
            replace(config, output_dir=(args.output or build_folder(config, options)).resolve())
        )
    server = Server(args.config, args.output, lambda c: options_from(args, c), args.port)
    server.bind()
    try:
        server.first_build()
        server.start(watch=True)
        print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
        server.wait()  # Ctrl-C raises KeyboardInterrupt here; cli.main turns it into 130
    finally:
        server.stop()
    return EXIT_OK
