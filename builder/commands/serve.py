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
through the normal pipeline (serve_builds.py runs them and keeps what is
shown), so serve and build can never disagree about what the site is.
While the site does not build, the folder keeps the last good build
(write.py guarantees that) and HTML requests get an error page listing
the problems.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import replace

from builder import write
from builder.commands import reload
from builder.commands.common import build_options, load_site, options_from, site_options
from builder.commands.serve_builds import FOLDER, Builds, build_folder
from builder.commands.serve_http import Handler, HTTPServer
from builder.core.errors import EXIT_OK, ConfigErrors, UsageError

HOST = "127.0.0.1"
WATCHED_DIRS = ("content", "themes", "templates")


class Server(Builds):
    """The dev server: serve's builds (serve_builds.Builds) with an HTTP thread that shows
    their snapshot and a watcher thread that asks for them.

    Tests drive it without a watcher: start(watch=False), change files, call
    rebuild(), then make requests.
    """

    _httpd: HTTPServer | None = None  # bind()
    _watch_ready: threading.Event  # start(watch=True): set once the watcher is watching

    # -- lifecycle ---------------------------------------------------------
    def bind(self, port: int = 0) -> None:
        """Claim the port now (0: any free one), so a busy port is reported before a long
        build. start() binds to any free port if this has not run."""
        if self._httpd is not None:
            return
        try:
            self._httpd = HTTPServer((HOST, port), Handler)
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {HOST}:{port}: {exc.strerror or exc}",
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
            self._watch_ready = threading.Event()
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
    server = Server(args.config, args.output, lambda c: options_from(args, c))
    server.bind(args.port)
    try:
        server.first_build()
        server.start(watch=True)
        print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
        server.wait()  # Ctrl-C raises KeyboardInterrupt here; cli.main turns it into 130
    finally:
        server.stop()
    return EXIT_OK
