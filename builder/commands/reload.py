"""Live reload for `broadsheet serve`: noticing edits, telling pages, the error page.

The snippet is never in a built file: the server adds it to each HTML page
as it sends it (`inject`), so serve builds exactly the files `build` makes
and a serve started on a warm cache renders nothing. It carries the site
*generation* the page was served at; the page passes that back when it
subscribes, so a rebuild that finished between loading the page and
subscribing is not missed: the server answers at once with `reload`.
"""

from __future__ import annotations

import html
import io
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import watchfiles

from builder.core.errors import Diagnostic

EVENTS_PATH = "/__broadsheet/events"
# How long the watcher waits for a burst of changes to end: 25 ms is a save's
# write-and-rename many times over, and a quarter of what it waited before (an
# edit's page is shown within 300 ms; docs/performance.md). A save split wider
# than that is shown twice, the second time whole; its builds are one (serve).
STEP_MS = 25
_SLOT = "__BROADSHEET_GENERATION__"
_ATTR = "data-broadsheet-live"

# Plain ES5 on purpose: it runs in any browser an editor might preview in.
SCRIPT = (
    f'<script {_ATTR}="{_SLOT}">'
    "(function(){"
    f'var g=document.currentScript.getAttribute("{_ATTR}");'
    f'var s=new EventSource("{EVENTS_PATH}?since="+encodeURIComponent(g));'
    's.addEventListener("reload",function(){s.close();location.reload();});'
    "})();</script>\n"
)
_BODY_END = b"</body"


def snippet(generation: str) -> str:
    """The reload snippet of a page served at `generation`."""
    return SCRIPT.replace(_SLOT, html.escape(generation))


def inject(page: bytes, generation: str) -> bytes:
    """The page as served: the reload snippet just before its last `</body>` (in any
    case), or at its end if it has none. Earlier ones are text an article quotes."""
    script = snippet(generation).encode()
    at = page.lower().rfind(_BODY_END)
    return page + script if at < 0 else page[:at] + script + page[at:]


class Signal:
    """The current site generation, which event-stream handlers wait on.

    A generation is an opaque token: a random prefix per server plus a
    counter, so a page left open across a server restart also reloads.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._prefix = secrets.token_hex(4)
        self._count = 0
        self._closed = False

    @property
    def current(self) -> str:
        with self._cond:
            return f"{self._prefix}.{self._count}"

    def bump(self) -> str:
        """Start a new generation and wake every waiting page."""
        with self._cond:
            self._count += 1
            self._cond.notify_all()
            return f"{self._prefix}.{self._count}"

    def close(self) -> None:
        """Wake every waiting handler for good: the server is stopping."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait(self, since: str, timeout: float) -> str | None:
        """The current generation once it differs from `since` or `timeout` passes.

        None means the server is stopping and the stream should end.
        """
        with self._cond:
            self._cond.wait_for(
                lambda: self._closed or f"{self._prefix}.{self._count}" != since, timeout
            )
            if self._closed:
                return None
            return f"{self._prefix}.{self._count}"


def stream(out: BinaryIO | io.BufferedIOBase, signal: Signal, since: str, keepalive: float) -> None:
    """Write server-sent events to one page until it leaves or the server stops.

    A `reload` event each time the generation moves past the page's; a comment
    line when idle, so a page that went away is noticed by a failed write.
    """
    try:
        out.write(b"retry: 1000\n\n")
        out.flush()
        while True:
            generation = signal.wait(since, keepalive)
            if generation is None:
                return
            if generation == since:
                out.write(b": still here\n\n")
            else:
                out.write(f"event: reload\ndata: {generation}\n\n".encode())
                since = generation
            out.flush()
    except (BrokenPipeError, ConnectionResetError):
        return


def is_source(
    path: str, root: Path, config_path: Path, folders: Sequence[str], output: Path | None
) -> bool:
    """Whether a change to `path` can change the site: site.yaml or a file in one of the
    source `folders`, and never the folder the site is built into (`output`)."""
    changed = Path(path)
    if output is not None and changed.is_relative_to(output):
        return False
    if changed == root / config_path.name:
        return True
    return any(changed.is_relative_to(root / d) for d in folders)


def watch_site(
    root: Path,
    config_path: Path,
    folders: Sequence[str],
    wanted: Callable[[str], bool],
    changed: Callable[[list[str]], None],
    stop: threading.Event,
    ready: threading.Event,
) -> None:
    """Call `changed(names)` after each burst of edits, until `stop` is set.

    Only the source folders are watched, never the site root: output/ sits
    there and is replaced by every build, and watching its thousands of
    folders would exhaust inotify watches on a large site. site.yaml itself
    is checked by stat (name, size, mtime) at each step instead, which also
    sees editors that save by writing a new file and renaming it over the old.
    A source folder that appears or disappears restarts the watch.
    """
    default = watchfiles.DefaultFilter()

    def keep(change: watchfiles.Change, path: str) -> bool:
        return default(change, path) and wanted(path)

    config_seen = _file_state(config_path)
    while not stop.is_set():
        places = [root / name for name in folders if (root / name).is_dir()]
        batches: Iterator[set[tuple[watchfiles.Change, str]]] = (
            watchfiles.watch(
                *places,
                watch_filter=keep,
                stop_event=stop,
                step=STEP_MS,
                rust_timeout=250,
                yield_on_timeout=True,
                raise_interrupt=False,
            )
            if places
            else _idle(stop)
        )
        for batch in batches:
            ready.set()  # the first batch (or timeout) means the watches are in place
            paths = {path for _, path in batch}
            # Editors' temporary files come and go; name the files that remain.
            names = {_display(p, root) for p in ({p for p in paths if os.path.exists(p)} or paths)}
            state = _file_state(config_path)
            if state != config_seen:
                config_seen = state
                names.add(_display(str(config_path), root))
            now = [root / name for name in folders if (root / name).is_dir()]
            names.update(_display(str(p), root) for p in set(now) ^ set(places))
            if names and not stop.is_set():
                changed(sorted(names))
            if now != places:
                break  # watch the folders that exist now


def _idle(stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Empty batches every quarter second: the loop above still polls site.yaml."""
    while not stop.wait(0.25):
        yield set()


def _file_state(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def _display(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


_STYLE = """
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#fff6f5;color:#1d1d1d}
main{max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{color:#a4161a;font-size:1.6rem;margin:0 0 .5rem}
ol{padding:0;list-style:none}
li{background:#fff;border:1px solid #e5b3b0;border-left:.4rem solid #a4161a;
   margin:.75rem 0;padding:.5rem .75rem}
li.warning{border-left-color:#b7791f}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 ui-monospace,monospace}
@media (prefers-color-scheme:dark){body{background:#2a1514;color:#eee}
li{background:#1d1d1d;border-color:#6b2b28}}
"""


def overlay(problems: Sequence[Diagnostic], generation: str) -> bytes:
    """The page shown instead of every HTML page while the site does not build.

    Every diagnostic is escaped: paths, keys and values in messages come from
    the editor's files and must show as written, never as markup. The page
    carries the reload snippet, so fixing the file brings back the real page.
    """
    errors = sum(1 for d in problems if d.severity == "error")
    warnings = len(problems) - errors
    counts = f"{errors} error{'s' if errors != 1 else ''}"
    if warnings:
        counts += f", {warnings} warning{'s' if warnings != 1 else ''}"
    items = "\n".join(
        f'<li class="{d.severity}"><pre>{html.escape(d.format())}</pre></li>' for d in problems
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Build failed · Broadsheet</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        '<main id="broadsheet-build-failed" role="alert">\n'
        f"<h1>Build failed: {counts}</h1>\n"
        "<p>The site was not rebuilt; the last good build is still being served for "
        "images, feeds and styles. Fix the problem and save: this page reloads by itself.</p>\n"
        f'<ol class="diagnostics">\n{items}\n</ol>\n</main>\n</body>\n</html>\n'
    )
    return inject(page.encode("utf-8"), generation)
