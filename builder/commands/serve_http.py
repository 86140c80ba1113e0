"""The HTTP side of `broadsheet serve`: which file a request names, and the handler that
sends it (with the reload script injected into pages) or the error page.

Kept apart from serve.py, which owns the build-and-watch loop: this module knows nothing
of building, only of the folder and the problems the last build left in a `Snapshot`.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote

from builder.commands import reload
from builder.core.errors import Diagnostic

KEEPALIVE = 15.0  # seconds between comments on an idle event stream
_PAGE_SUFFIXES = ("", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm")
_LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass(frozen=True)
class Target:
    """Where a request path leads: 200 with a file, 301 with a location, or 403/404."""

    status: int
    file: Path | None = None
    location: str = ""


def locate(root: Path, base_path: str, request_path: str, ahead: Container[Path] = ()) -> Target:
    """The file under `root` that `request_path` names, or why there is none.

    The path is percent-decoded exactly once, so `%2e%2e` and `..%2f` become
    `..` segments and are refused; doubly encoded forms stay literal names
    that do not exist. The site is mounted at `base_path` (the path part of
    base_url), so its root-relative links work on the dev server too. A file
    in `ahead` (resolved paths: pages sent before their build writes them)
    is found as if it were there.
    """
    raw = request_path.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/"):
        return Target(400)
    path = unquote(raw, errors="strict") if "%" in raw else raw
    if "\0" in path or "\\" in path:
        return Target(403)
    if not path.startswith(base_path):
        if path + "/" == base_path or path in ("/", "/index.html"):
            return Target(301, location=base_path)
        return Target(404)
    parts = [p for p in path[len(base_path) :].split("/") if p]
    if any(p in (".", "..") for p in parts):
        return Target(403)
    top = root.resolve()
    found = top.joinpath(*parts).resolve()
    if not found.is_relative_to(top):
        return Target(403)
    if found.is_dir() or (not found.exists() and found / "index.html" in ahead):
        if not path.endswith("/"):
            return Target(301, location=raw + "/")
        found = (found / "index.html").resolve()
        if not found.is_relative_to(top):
            return Target(403)
    return Target(200, found) if found.is_file() or found in ahead else Target(404)


@dataclass(frozen=True)
class Snapshot:
    """What the server shows now; replaced as a whole after each build, never mutated."""

    output_dir: Path | None = None  # None until a config has loaded
    base_path: str = "/"
    problems: tuple[Diagnostic, ...] = ()
    failed: bool = False
    # Pages sent instead of their file until the next build puts them there (an edit's page,
    # made at once: builder/preview.py), by the file's resolved path.
    ahead: Mapping[Path, bytes] = field(default_factory=dict)
    # The source each page ahead was made for (as the watcher names it): the pages made for
    # an article deleted before any build had it are withdrawn by that name.
    made_for: Mapping[Path, str] = field(default_factory=dict)


class App(Protocol):
    """What the handler reads of the server: the site it shows now and the reload signal."""

    snapshot: Snapshot
    signal: reload.Signal


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: App


class Handler(BaseHTTPRequestHandler):
    """Static files from serve's folder, the event stream, and the error page."""

    server: HTTPServer
    server_version = "broadsheet"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build diagnostics, not request logs."""

    def do_GET(self) -> None:
        if not self._local_host(head=False):
            return
        if self.path.split("?", 1)[0] == reload.EVENTS_PATH:
            self._events()
        else:
            self._serve(head=False)

    def do_HEAD(self) -> None:
        if self._local_host(head=True):
            self._serve(head=True)

    def _local_host(self, head: bool) -> bool:
        """Refuse a Host other than this machine: a page elsewhere that points its
        DNS name at 127.0.0.1 (DNS rebinding) must not be able to read the site."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host in _LOCAL_HOSTS:
            return True
        self._text(403, "forbidden: open the site at http://127.0.0.1/ or http://localhost/", head)
        return False

    def _serve(self, head: bool) -> None:
        app = self.server.app
        snap = app.snapshot
        generation = app.signal.current
        try:
            target = (
                locate(snap.output_dir, snap.base_path, self.path, snap.ahead)
                if snap.output_dir
                else Target(404)
            )
        except UnicodeDecodeError:
            target = Target(400)
        if snap.failed and _page_like(target, self.path):
            return self._send(
                500, reload.overlay(snap.problems, generation), "text/html; charset=utf-8", head
            )
        if target.status == 301:
            self.send_response(301)
            self.send_header("Location", target.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if target.status == 200 and target.file is not None:
            try:
                data = snap.ahead.get(target.file) or target.file.read_bytes()
            except OSError:  # swapped away by a rebuild this very moment
                return self._text(404, "not found", head)
            if target.file.suffix in _HTML_SUFFIXES:
                data = reload.inject(data, generation)
            return self._send(200, data, _content_type(target.file), head)
        if target.status == 404 and snap.output_dir is not None:
            # The site's own 404 page, confined like any other file: never a symlink out.
            page = locate(snap.output_dir, snap.base_path, snap.base_path + "404.html")
            if page.status == 200 and page.file is not None:
                with contextlib.suppress(OSError):
                    return self._send(
                        404,
                        reload.inject(page.file.read_bytes(), generation),
                        "text/html; charset=utf-8",
                        head,
                    )
        messages = {400: "bad request", 403: "forbidden", 404: "not found"}
        return self._text(target.status, messages.get(target.status, "error"), head)

    def _events(self) -> None:
        """Server-sent events: `reload` whenever the generation moves past the page's."""
        app = self.server.app
        query = parse_qs(self.path.partition("?")[2])
        since = (query.get("since") or [""])[0] or app.signal.current
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        reload.stream(self.wfile, app.signal, since, KEEPALIVE)

    def _send(self, status: int, data: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    def _text(self, status: int, message: str, head: bool) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8", head)


def _page_like(target: Target, request_path: str) -> bool:
    """Whether a request asks for a page (gets the error page) rather than a file."""
    if target.status == 200 and target.file is not None:
        return target.file.suffix in _HTML_SUFFIXES
    if target.status == 404:
        last = request_path.split("?", 1)[0].rsplit("/", 1)[-1]
        return Path(last).suffix in _PAGE_SUFFIXES
    return False


def _content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in (
        "application/json",
        "application/xml",
        "image/svg+xml",
        "application/javascript",
    ):
        kind += "; charset=utf-8"
    return kind
