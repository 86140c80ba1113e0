"""Drive `broadsheet serve` as an editor does and time what the browser would see.

Starts `broadsheet serve --port 0` on a built site, reads the port from
whatever it prints, and measures over HTTP on 127.0.0.1 only:

* warm start: from starting the process to the first page served, and the
  pages it re-rendered (read from its log);
* edit: from writing an article to its page serving the new text (median
  of several edits);
* add and delete: from writing (removing) an article to the front page,
  its tag's page and feed.xml all showing (no longer showing) it.

After a change the pages are fetched as an open page's script makes the
browser fetch them: once at the change and then on each reload event serve
sends (Reloads), not by polling. Polling three pages every 10 ms, a feed of
175 KB among them, kept serve's HTTP thread busy enough to take half the
interpreter from the very preview being timed (an added article's lists:
1.1 s in serve against 0.56 s alone).

serve's output format is not a contract: everything is parsed loosely and a
figure that cannot be taken is reported as "n/a" with the reason, never an
exception. A script, not a test: no figure here is asserted.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sites
from builds import builder_env

POLL = 0.01  # seconds between requests while waiting for a change
_PORT = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)")
_RENDERED = re.compile(r"(\d[\d,]*) (?:files|pages) (?:written|rendered|re-rendered)")


@dataclass(frozen=True)
class Figure:
    """A measured value, or why there is none."""

    value: float | None
    note: str = ""

    def text(self, unit: str = "s", digits: int = 2) -> str:
        if self.value is None:
            return f"n/a ({self.note})"
        shown = f"{self.value:.{digits}f} {unit}".rstrip()
        return f"{shown} ({self.note})" if self.note else shown


@dataclass(frozen=True)
class ServeFigures:
    warm_start: Figure
    warm_start_rendered: Figure
    ready: Figure  # from the start to serve's first build done (its own folder in use)
    edit: Figure
    edits: tuple[float, ...]
    add: Figure
    delete: Figure


@dataclass
class _Log:
    """serve's stdout and stderr, line by line with arrival times, read in threads."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def follow(self, stream: object) -> None:
        for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
            with self.lock:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def snapshot(self) -> list[tuple[float, str]]:
        with self.lock:
            return list(self.lines)

    def tail(self) -> str:
        return " / ".join(line for _, line in self.snapshot()[-3:] if line.strip()) or "no output"

    def quiet(self, seconds: float, limit: float) -> None:
        """Wait until nothing has been printed for `seconds` (a rebuild has finished)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            lines = self.snapshot()
            last = lines[-1][0] if lines else 0.0
            if time.perf_counter() - last >= seconds:
                return
            time.sleep(0.05)


def fetch(port: int, path: str) -> tuple[int, str]:
    """(status, body) of a GET on 127.0.0.1; status 0 if nothing answered."""
    url = f"http://127.0.0.1:{port}{urllib.parse.quote(path, safe='/%')}"  # tags may be `bogotá`
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, ValueError):
        return 0, ""


class Reloads:
    """serve's reload events, heard as an open page hears them (one event stream)."""

    def __init__(self, port: int) -> None:
        self.count = 0
        self._changed = threading.Condition()
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
        from builder.commands.reload import EVENTS_PATH  # the stream every page opens

        self._conn.request("GET", EVENTS_PATH)
        response = self._conn.getresponse()
        threading.Thread(target=self._follow, args=(response,), daemon=True).start()

    def _follow(self, response: http.client.HTTPResponse) -> None:
        with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
            for line in response:
                if line.startswith(b"event: reload"):
                    with self._changed:
                        self.count += 1
                        self._changed.notify_all()

    def after(self, seen: int, timeout: float) -> int:
        """The count of events once it passes `seen`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.count > seen, timeout)
            return self.count

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.sock and self._conn.sock.shutdown(socket.SHUT_RDWR)
        self._conn.close()


def wait_reloaded(
    reloads: Reloads,
    seen: int,
    checks: dict[str, Callable[[], bool]],
    started: float,
    limit: float,
) -> Figure:
    """Seconds from `started` until every check has held once, each tried at once and then
    on every reload event after the `seen`th (or each second, should one be missed)."""
    count = [seen]

    def pause(left: float) -> None:
        count[0] = reloads.after(count[0], min(1.0, left))

    return _held(checks, started, limit, pause)


def wait_until(checks: dict[str, Callable[[], bool]], started: float, limit: float) -> Figure:
    """Seconds from `started` until every check has held once (each polled until it does)."""
    return _held(checks, started, limit, lambda _left: time.sleep(POLL))


def _held(
    checks: dict[str, Callable[[], bool]],
    started: float,
    limit: float,
    pause: Callable[[float], None],
) -> Figure:
    """Try the checks until each has held once, with `pause(seconds left)` between rounds."""
    pending = dict(checks)
    latest = 0.0
    deadline = started + limit
    while pending and time.perf_counter() < deadline:
        for name, check in list(pending.items()):
            if check():
                latest = time.perf_counter() - started
                del pending[name]
        if pending:
            pause(max(0.0, deadline - time.perf_counter()))
    if pending:
        return Figure(None, f"not seen within {limit:.0f} s: {', '.join(pending)}")
    return Figure(latest)


class Serve:
    """One `broadsheet serve --port 0` process in a site folder."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.log = _Log()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--port", "0"],
            cwd=site,
            env=builder_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self.log.follow, args=(stream,), daemon=True).start()

    def port(self, limit: float) -> int | None:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and self.proc.poll() is None:
            for _, line in self.log.snapshot():
                found = _PORT.search(line)
                if found:
                    return int(found.group(1))
            time.sleep(POLL)
        return None

    def stop(self) -> None:
        """Ctrl-C as an editor would; killed only if it does not stop."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def rendered_on_start(lines: list[tuple[float, str]]) -> Figure:
    """Pages serve's first build re-rendered, from its log ("nothing changed" is 0)."""
    for _, line in lines:
        found = _RENDERED.search(line)
        if found:
            return Figure(int(found.group(1).replace(",", "")), line.strip())
        if "nothing changed" in line:
            return Figure(0, line.strip())
    shown = " / ".join(line for _, line in lines[:3]) or "no output"
    return Figure(None, f"no count of pages in serve's log: {shown}")


def first_build_done(serve: Serve, limit: float) -> Figure:
    """Seconds from the start to the closing line of serve's first build in its log."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        for at, line in serve.log.snapshot():
            if _RENDERED.search(line) or "nothing changed" in line or "build failed" in line:
                return Figure(at - serve.started)
        time.sleep(0.05)
    return Figure(None, f"no closing line of a build in serve's log within {limit:.0f} s")


def measure(site: Path, base_path: str, edits: int, start_limit: float) -> ServeFigures:
    """Every serve figure on `site` (built, cache warm); n/a figures say why."""
    missing = Figure(None, "serve did not start")
    serve = Serve(site)
    try:
        port = serve.port(start_limit)
        if port is None:
            code = serve.proc.poll()
            why = (
                f"serve exited with {code}"
                if code is not None
                else f"no 127.0.0.1 port in its output within {start_limit:.0f} s"
            )
            why += f": {serve.log.tail()}"
            return ServeFigures(
                Figure(None, why),
                Figure(None, why),
                Figure(None, why),
                Figure(None, why),
                (),
                Figure(None, why),
                Figure(None, why),
            )
        start = wait_until(
            {"front page": lambda: fetch(port, base_path)[0] == 200}, serve.started, start_limit
        )
        # serve may show output/'s build while its first build starts its own folder from it:
        # the edits are timed once that is done (their figure is the edit loop, not start-up).
        ready = first_build_done(serve, start_limit)
        serve.log.quiet(0.5, 30)
        rendered = rendered_on_start(serve.log.snapshot())
        reloads = Reloads(port)
        try:
            edit, times = _edits(serve, reloads, port, base_path, edits)
            add, delete = _add_delete(serve, reloads, port, base_path)
        finally:
            reloads.close()
        return ServeFigures(start, rendered, ready, edit, times, add, delete)
    except Exception as exc:  # a driver problem must not lose the build figures
        return ServeFigures(
            missing, missing, missing, Figure(None, f"driver error: {exc!r}"), (), missing, missing
        )
    finally:
        serve.stop()


def _edits(
    serve: Serve, reloads: Reloads, port: int, base_path: str, count: int
) -> tuple[Figure, tuple[float, ...]]:
    content = serve.site / "content"
    files = sites.articles(content)
    target = files[len(files) // 2]
    folder = sites.page_folder(serve.site / "output", target.stem)
    if folder is None:
        return Figure(None, f"no built page for {target.name} in output/"), ()
    path = base_path + folder
    times: list[float] = []
    for k in range(count):
        marker = f"benchedit{k}{secrets.token_hex(4)}"
        before, started = reloads.count, time.perf_counter()
        sites.edit(target, f"A late correction that says {marker}.")
        seen = wait_reloaded(
            reloads, before, {path: lambda m=marker: m in fetch(port, path)[1]}, started, 60
        )
        if seen.value is None:
            return Figure(None, f"edit {k + 1}: {seen.note}; serve said: {serve.log.tail()}"), ()
        times.append(seen.value)
        # A pause, not the end of that edit's build (which prints nothing for seconds):
        # the next edit is often saved while it runs, as an editor's would be.
        serve.log.quiet(0.3, 30)
    note = f"median of {count}: " + ", ".join(f"{t:.2f}" for t in times)
    return Figure(statistics.median(times), note), tuple(times)


def _add_delete(serve: Serve, reloads: Reloads, port: int, base_path: str) -> tuple[Figure, Figure]:
    content = serve.site / "content"
    gone = sites.newest(content)
    tag_path = _tag_path(serve.site, gone.tag)
    lists = {
        "front page": base_path,
        f"tag page {tag_path}": tag_path,
        "feed.xml": base_path + "feed.xml",
    }
    marker = secrets.token_hex(4)
    slug = f"bench-added-{marker}"
    before, started = reloads.count, time.perf_counter()
    sites.add_article(content, slug, gone, marker)
    add = wait_reloaded(
        reloads,
        before,
        {name: lambda p=p: f"{slug}/" in fetch(port, p)[1] for name, p in lists.items()},
        started,
        60,
    )
    serve.log.quiet(0.3, 30)
    before, started = reloads.count, time.perf_counter()
    gone.path.unlink()

    def absent(p: str) -> bool:
        status, body = fetch(port, p)
        return status == 200 and f"{gone.slug}/" not in body

    delete = wait_reloaded(
        reloads, before, {name: lambda p=p: absent(p) for name, p in lists.items()}, started, 60
    )
    serve.log.quiet(0.3, 30)
    return add, delete


def _tag_path(site: Path, tag: str) -> str:
    from builder.config import load_config
    from builder.core.paths import SiteLayout
    from builder.core.slugs import slugify

    return SiteLayout.of(load_config(site / "site.yaml")).tag(slugify(tag))
