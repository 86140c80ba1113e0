"""The dev server: path confinement, pages, the event stream, the error page, the watcher."""

from __future__ import annotations

import html
import http.client
import io
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import cli
from builder.commands import reload
from builder.commands.serve import Server
from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import build

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "site-serve"
ARTICLE = "content/2024/06/ferry-timetable-changes.md"
ARTICLE_URL = "/2024/06/ferry-timetable-changes/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(FIXTURE, target)
    return target


def make_server(site: Path) -> Server:
    cache = site.parent / "cache"
    return Server(
        site / "site.yaml", None, lambda c: BuildOptions(jobs=1, cache_dir=cache), log=io.StringIO()
    )


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    """A server of its own, for tests that change the site."""
    srv = make_server(site)
    assert srv.rebuild()
    srv.start(watch=False)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that only read, so they do not each build the site."""
    target = tmp_path_factory.mktemp("shared") / "site"
    shutil.copytree(FIXTURE, target)
    srv = make_server(target)
    assert srv.rebuild()
    srv.start(watch=False)
    yield srv
    srv.stop()


def get(
    server: Server, path: str, host: str | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request with the path sent exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def generation_of(page: bytes) -> str:
    found = re.search(rb'data-broadsheet-live="([^"]+)"', page)
    assert found, "page has no reload snippet"
    return found.group(1).decode()


def edit(site: Path, old: str, new: str, rel: str = ARTICLE) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- confinement ----------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/..%2fsite.yaml",
        "/..%2Fsite.yaml",
        "/2024/../../site.yaml",
        "/2024/%2e%2e/%2e%2e/site.yaml",
        "/..%5csite.yaml",
        "/index.html%00.svg",
    ],
)
def test_paths_leading_out_of_output_are_refused(shared: Server, path: str) -> None:
    status, _, body = get(shared, path)
    assert status == 403
    assert body == b"forbidden\n"


@pytest.mark.parametrize("path", ["//etc/passwd", "/%2fetc/passwd", "/%252e%252e/site.yaml"])
def test_absolute_and_double_encoded_paths_stay_inside_output(shared: Server, path: str) -> None:
    status, _, body = get(shared, path)
    assert status == 404  # looked up inside output/, where there is no such file
    assert b"root:" not in body and b"base_url" not in body


def folder_of(server: Server) -> Path:
    """The folder the server built into and serves."""
    assert server.snapshot.output_dir is not None
    return server.snapshot.output_dir


def test_symlinks_leading_out_of_output_are_refused(server: Server, site: Path) -> None:
    (folder_of(server) / "leak.yaml").symlink_to(site / "site.yaml")
    (folder_of(server) / "outside").symlink_to(site / "content", target_is_directory=True)
    assert get(server, "/leak.yaml")[0] == 403
    assert get(server, "/outside/2024/06/quay-map.svg")[0] == 403
    assert get(server, "/outside/")[0] == 403


def test_the_404_page_is_not_followed_out_of_the_folder(server: Server, site: Path) -> None:
    page = folder_of(server) / "404.html"
    page.unlink()
    page.symlink_to(site / "site.yaml")
    status, headers, body = get(server, "/2024/06/no-such-story/")
    assert (status, body) == (404, b"not found\n")
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_other_hosts_are_refused(shared: Server) -> None:
    """DNS rebinding: a foreign page resolving its name to 127.0.0.1 gets nothing."""
    status, _, body = get(shared, ARTICLE_URL, host="attacker.example")
    assert status == 403
    assert b"Ferry" not in body
    assert get(shared, ARTICLE_URL, host=f"localhost:{shared.port}")[0] == 200


# -- files and folders -------------------------------------------------------
def test_folder_serves_its_index_with_the_reload_snippet(shared: Server) -> None:
    status, headers, body = get(shared, ARTICLE_URL)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1" in body and b"Ferry timetable changes for the summer" in body
    assert generation_of(body) == shared.signal.current
    assert body.index(b"data-broadsheet-live") < body.index(b"</body>")


def test_folder_without_slash_redirects(shared: Server) -> None:
    status, headers, _ = get(shared, ARTICLE_URL.rstrip("/"))
    assert status == 301
    assert headers["location"] == ARTICLE_URL


def test_missing_file_gets_the_sites_404_page(shared: Server) -> None:
    status, headers, body = get(shared, "/2024/06/no-such-story/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    expected = (folder_of(shared) / "404.html").read_bytes()
    assert reload.inject(expected, shared.signal.current) == body
    assert generation_of(body) == shared.signal.current


def test_files_keep_their_type_and_bytes(shared: Server) -> None:
    source = (shared.root / "content/2024/06/quay-map.svg").read_bytes()
    status, headers, body = get(shared, "/2024/06/quay-map.svg")
    assert status == 200
    assert headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert body == source
    status, headers, body = get(shared, "/2024/06/quay-map.svg", method="HEAD")
    assert status == 200 and body == b""
    assert headers["content-length"] == str(len(source))


def test_site_under_a_sub_path_is_served_there(site: Path) -> None:
    edit(
        site, '"https://harbour.example.net/"', '"https://harbour.example.net/notes/"', "site.yaml"
    )
    srv = make_server(site)
    assert srv.rebuild()
    srv.start(watch=False)
    try:
        assert srv.url == f"http://127.0.0.1:{srv.port}/notes/"
        status, headers, _ = get(srv, "/")
        assert (status, headers["location"]) == (301, "/notes/")
        assert get(srv, "/notes" + ARTICLE_URL)[0] == 200
        assert get(srv, ARTICLE_URL)[0] == 404
    finally:
        srv.stop()


# -- the event stream ------------------------------------------------------------
def open_events(server: Server, since: str) -> tuple[http.client.HTTPConnection, object]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"{reload.EVENTS_PATH}?since={since}")
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "text/event-stream"
    assert resp.fp.readline() == b"retry: 1000\n"
    assert resp.fp.readline() == b"\n"
    return conn, resp


def test_event_stream_sends_reload_after_a_rebuild(server: Server, site: Path) -> None:
    before = generation_of(get(server, ARTICLE_URL)[2])
    conn, resp = open_events(server, before)
    try:
        edit(site, "two evening crossings", "three evening crossings")
        assert server.rebuild()
        after = server.signal.current
        assert after != before
        assert resp.fp.readline() == b"event: reload\n"
        assert resp.fp.readline() == f"data: {after}\n".encode()
        assert resp.fp.readline() == b"\n"
    finally:
        conn.close()
    page = get(server, ARTICLE_URL)[2]
    assert b"three evening crossings" in page and generation_of(page) == after


def test_page_that_missed_a_rebuild_is_told_at_once(shared: Server) -> None:
    """A rebuild between loading a page and subscribing must still reload it."""
    conn, resp = open_events(shared, "an-older-generation")
    try:
        assert resp.fp.readline() == b"event: reload\n"
        assert resp.fp.readline() == f"data: {shared.signal.current}\n".encode()
    finally:
        conn.close()


def test_rebuild_that_changes_nothing_does_not_reload(server: Server) -> None:
    before = server.signal.current
    assert server.rebuild()
    assert server.signal.current == before


# -- an edit shown before its build ---------------------------------------------
def test_an_edited_article_is_sent_at_once_and_then_from_its_file(
    server: Server, site: Path
) -> None:
    """The page first, made from the last build's model; then the build writes its file,
    which is sent from then on."""
    before = server.signal.current
    edit(site, "two evening crossings", "five evening crossings")
    assert server.show_edit([ARTICLE])
    shown = server.signal.current
    assert shown != before  # open pages reload now
    page = get(server, ARTICLE_URL)[2]
    assert b"five evening crossings" in page and generation_of(page) == shown
    file = folder_of(server) / ARTICLE_URL.strip("/") / "index.html"
    assert b"five evening crossings" not in file.read_bytes()  # nothing written yet

    assert server.rebuild()
    assert server.snapshot.ahead == {}
    assert b"five evening crossings" in file.read_bytes()
    assert get(server, ARTICLE_URL)[2] == reload.inject(file.read_bytes(), server.signal.current)


@pytest.mark.parametrize(
    "names",
    [
        [ARTICLE, "content/pages/about.md"],  # two files: the build shows both
        ["site.yaml"],
        ["content/2024/06/no-such-article.md"],
    ],
)
def test_no_page_is_sent_ahead_unless_the_edit_is_one_known_text(
    server: Server, site: Path, names: list[str]
) -> None:
    edit(site, "two evening crossings", "six evening crossings")
    before = server.signal.current
    assert not server.show_edit(names)
    assert server.signal.current == before and server.snapshot.ahead == {}
    assert b"six evening crossings" not in get(server, ARTICLE_URL)[2]


def test_a_page_sent_ahead_outlives_a_build_that_began_before_it(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build already running (the search catch-up) did not see the edit: when it ends,
    the page made for the edit is still sent, until a build after the edit ends."""
    import builder.commands.serve_builds as serve_mod

    real_build = serve_mod.build

    def build_meanwhile_edited(*args: object, **kwargs: object) -> object:
        result = real_build(*args, **kwargs)  # type: ignore[arg-type]
        edit(site, "two evening crossings", "seven evening crossings")
        assert server.show_edit([ARTICLE])  # from the watcher thread, as this build ends
        return result

    monkeypatch.setattr(serve_mod, "build", build_meanwhile_edited)
    assert server.rebuild(reload_pages=False)
    assert b"seven evening crossings" in get(server, ARTICLE_URL)[2]
    monkeypatch.setattr(serve_mod, "build", real_build)
    assert server.rebuild()
    assert server.snapshot.ahead == {}
    assert b"seven evening crossings" in get(server, ARTICLE_URL)[2]


def test_an_edit_build_waits_while_the_page_ahead_is_made(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page ahead has the interpreter to itself: the edit build running meanwhile
    waits at its next safe point and goes on once the page is made."""
    import builder.commands.serve_builds as serve_mod

    real_page_of = serve_mod.preview.page_of
    edit(site, "two evening crossings", "eight evening crossings")
    building = threading.Thread(
        target=server.rebuild, kwargs={"jobs": 1, "stop": server._edit_builds}
    )
    waiting: list[bool] = []

    def page_of_while_a_build_runs(*args: object) -> object:
        building.start()
        building.join(0.5)  # the fixture builds in well under this when not held
        waiting.append(building.is_alive())
        return real_page_of(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(serve_mod.preview, "page_of", page_of_while_a_build_runs)
    assert server.show_edit([ARTICLE])
    building.join(10)
    assert waiting == [True] and not building.is_alive()
    file = folder_of(server) / ARTICLE_URL.strip("/") / "index.html"
    assert b"eight evening crossings" in file.read_bytes()  # it went on and finished


NEW_PIER = "content/2024/06/new-pier.md"
NEW_PIER_URL = "/2024/06/new-pier/"


def test_an_added_article_is_on_the_front_page_and_at_its_url_at_once(
    server: Server, site: Path
) -> None:
    """Its lists and its own page are sent before the build writes them; its page, which
    has no file yet, is found at its URL (and its URL without the slash sends there)."""
    (site / NEW_PIER).write_text(
        '---\ntitle: "New pier opens"\ndate: 2024-06-25T10:00:00+01:00\ntags: [Harbour]\n'
        "---\n\nThe new pier takes its first ferry.\n",
        "utf-8",
    )
    before = server.signal.current
    assert server.show_edit([NEW_PIER])
    assert server.signal.current != before
    for path in ("/", "/tags/harbour/", "/feed.xml"):
        status, _, body = get(server, path)
        assert status == 200 and b"new-pier/" in body, path
    status, headers, body = get(server, NEW_PIER_URL)
    assert status == 200 and b"The new pier takes its first ferry." in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    status, headers, _ = get(server, NEW_PIER_URL.rstrip("/"))
    assert status == 301 and headers["location"] == NEW_PIER_URL
    assert get(server, "/2024/06/no-such-pier/")[0] == 404  # only what was made is found
    assert not (folder_of(server) / NEW_PIER_URL.strip("/")).exists()  # nothing written yet

    assert server.rebuild()
    assert server.snapshot.ahead == {}
    file = folder_of(server) / NEW_PIER_URL.strip("/") / "index.html"
    assert get(server, NEW_PIER_URL)[2] == reload.inject(file.read_bytes(), server.signal.current)


def add_new_pier(site: Path) -> None:
    (site / NEW_PIER).write_text(
        '---\ntitle: "New pier opens"\ndate: 2024-06-25T10:00:00+01:00\ntags: [Harbour]\n'
        "---\n\nThe new pier takes its first ferry.\n",
        "utf-8",
    )


def test_an_article_deleted_before_its_add_was_built_leaves_at_once(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Added, shown ahead, then deleted while the build it asked for runs: the pages made
    for it are withdrawn at once (the last build, which never had it, is right again).
    That build, which read it before the delete, ends with its lists shown without it,
    until the build the delete asked for writes them."""
    from builder.run import BuildRun

    add_new_pier(site)
    assert server.show_edit([NEW_PIER])
    assert b"new-pier/" in get(server, "/")[2]
    read = BuildRun.read

    def read_then_delete(run: BuildRun, sources: list) -> tuple:
        monkeypatch.setattr(BuildRun, "read", read)  # once
        found = read(run, sources)  # it has the new article's text: in its lists
        (site / NEW_PIER).unlink()
        before = server.signal.current
        assert server.show_edit([NEW_PIER])  # what the watcher does, while this build runs
        assert server.signal.current != before
        for path in ("/", "/tags/harbour/", "/feed.xml"):
            assert b"new-pier/" not in get(server, path)[2], path
        assert get(server, NEW_PIER_URL)[0] == 404
        return found

    monkeypatch.setattr(BuildRun, "read", read_then_delete)
    assert server.rebuild()
    assert (folder_of(server) / NEW_PIER_URL.strip("/") / "index.html").exists()  # it wrote it
    for path in ("/", "/tags/harbour/", "/feed.xml"):
        assert b"new-pier/" not in get(server, path)[2], path
    assert b"fish-market-reopens/" in get(server, "/")[2]
    assert server.rebuild()  # the delete's own build
    assert server.snapshot.ahead == {}
    assert b"new-pier/" not in get(server, "/")[2]
    assert get(server, NEW_PIER_URL)[0] == 404


def test_a_deleted_article_leaves_the_front_page_at_once(server: Server, site: Path) -> None:
    assert b"ferry-timetable-changes/" in get(server, "/")[2]
    (site / ARTICLE).unlink()
    assert server.show_edit([ARTICLE])
    assert b"ferry-timetable-changes/" not in get(server, "/")[2]
    assert b"fish-market-reopens/" in get(server, "/")[2]
    assert server.rebuild()
    assert get(server, ARTICLE_URL)[0] == 404


# -- build errors ----------------------------------------------------------------
def test_build_error_shows_the_error_page_and_keeps_the_last_good_files(
    server: Server, site: Path
) -> None:
    before = server.signal.current
    edit(site, 'title: "Ferry timetable changes for the summer"', 'title: "Ferry <b>timetable')
    assert not server.rebuild()
    assert server.signal.current != before
    for path in (ARTICLE_URL, "/", "/2024/06/no-such-story/"):
        status, headers, body = get(server, path)
        assert status == 500
        assert headers["content-type"] == "text/html; charset=utf-8"
        text = body.decode()
        assert "<title>Build failed · Broadsheet</title>" in text
        assert "<h1>Build failed: 1 error</h1>" in text
        assert (
            f"<pre>{ARTICLE}:5:11: error: invalid YAML: did not find expected key\n"
            "  hint: quote the whole value"
        ) in text
        assert generation_of(body) == server.signal.current  # fixing it will reload
    # Non-HTML files of the last good build are still served, unchanged.
    status, _, body = get(server, "/2024/06/quay-map.svg")
    assert status == 200 and body.startswith(b"<svg")
    status, _, body = get(server, "/feed.xml")
    assert status == 200 and b"Ferry timetable changes for the summer" in body
    assert get(server, "/missing.png")[0] == 404

    edit(site, 'title: "Ferry <b>timetable', 'title: "Ferry timetable changes, corrected"')
    assert server.rebuild()
    status, _, body = get(server, ARTICLE_URL)
    assert status == 200 and b"Ferry timetable changes, corrected" in body


def test_config_error_is_shown_escaped(server: Server, site: Path) -> None:
    with (site / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write('"<img src=x onerror=alert(1)>": 1\n')
    assert not server.rebuild()
    status, _, body = get(server, ARTICLE_URL)
    assert status == 500
    text = body.decode()
    assert "<img" not in text
    assert "site.yaml:10:1: error: unknown key `&lt;img src=x onerror=alert(1)&gt;`" in text
    assert html.escape("<img src=x onerror=alert(1)>") in text


def test_same_errors_again_do_not_reload(server: Server, site: Path) -> None:
    edit(site, 'title: "Ferry timetable changes for the summer"', 'title: "Ferry')
    assert not server.rebuild()
    broken = server.signal.current
    assert not server.rebuild()
    assert server.signal.current == broken


def saved_while_read(monkeypatch: pytest.MonkeyPatch, site: Path, noticed: Server | None) -> None:
    """The next build finds the article changed again between hashing and reading it, as a
    save in progress would; the watcher notices that change when `noticed` is given."""
    from builder.run import BuildRun

    read = BuildRun.read

    def read_during_a_save(run: BuildRun, sources: list) -> tuple:
        monkeypatch.setattr(BuildRun, "read", read)  # once
        edit(site, "for the summer", "for the summer, again")
        if noticed is not None:
            noticed._wanted.set()  # what the watcher's changed() does
        return read(run, sources)

    monkeypatch.setattr(BuildRun, "read", read_during_a_save)


def test_a_build_that_read_a_save_in_progress_changes_nothing_shown(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, shown = server.signal.current, server.snapshot
    edit(site, "Ferry timetable changes", "Ferry timetables change")
    saved_while_read(monkeypatch, site, noticed=server)
    assert not server.rebuild()
    assert server.snapshot is shown and server.signal.current == before  # no error page
    assert get(server, ARTICLE_URL)[0] == 200
    log = server._log.getvalue()  # type: ignore[union-attr]
    assert f"changed while read: {ARTICLE}; building again\n" in log
    assert "error" not in log.split("building again")[-1]
    assert server.rebuild()  # the build the watcher asked for
    assert b"for the summer, again" in get(server, ARTICLE_URL)[2]


def test_a_save_in_progress_the_watcher_has_not_seen_is_reported(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a change noticed, no build is sure to follow: the problem is shown."""
    edit(site, "Ferry timetable changes", "Ferry timetables change")
    saved_while_read(monkeypatch, site, noticed=None)
    assert not server.rebuild()
    status, _, body = get(server, ARTICLE_URL)
    assert status == 500 and b"the file changed while the build was reading it" in body


def test_an_article_deleted_while_a_build_reads_it_changes_nothing_shown(
    server: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article added and deleted at once (or a branch switched): the build listed it,
    and it was gone when its text was read. The build the deletion brings shows the
    site without it; until then the last build is shown, with no error page."""
    from builder.run import BuildRun

    read = BuildRun.read
    added = "content/2024/06/ferry-fares.md"
    (site / added).write_text((site / ARTICLE).read_text().replace("Ferry timetable", "Fares"))
    before, shown = server.signal.current, server.snapshot

    def read_as_it_goes(run: BuildRun, sources: list) -> tuple:
        monkeypatch.setattr(BuildRun, "read", read)  # once
        (site / added).unlink()
        server._wanted.set()  # what the watcher's changed() does
        return read(run, sources)

    monkeypatch.setattr(BuildRun, "read", read_as_it_goes)
    assert not server.rebuild()
    assert server.snapshot is shown and server.signal.current == before
    log = server._log.getvalue()  # type: ignore[union-attr]
    assert f"changed while read: {added}; building again\n" in log
    assert "error" not in log.split("building again")[-1]
    assert server.rebuild()  # the build the watcher asked for
    assert get(server, "/2024/06/ferry-fares/")[0] == 404


# -- serve builds and normal builds ------------------------------------------------
def page_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def files_of(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder`: its bytes, mtime and inode (a rewrite changes them)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def built_site(folder: Path) -> dict[str, bytes]:
    """The site a folder holds: its files but the build's ownership marker."""
    return {rel: data for rel, (data, _, _) in files_of(folder).items() if rel != ".broadsheet"}


def test_serve_builds_into_its_own_folder_in_the_cache(server: Server, site: Path) -> None:
    assert folder_of(server) == (site.parent / "cache" / "serve").resolve()
    assert not (site / "output").exists()


def test_normal_build_output_has_no_reload_snippet(server: Server, site: Path) -> None:
    """Nor has serve's: the snippet is added as a page is sent, never written."""
    served = page_files(folder_of(server))
    assert len(served) > 10
    assert not [p for p in served if b"data-broadsheet-live" in p.read_bytes()]
    assert generation_of(get(server, ARTICLE_URL)[2]) == server.signal.current
    server.stop()
    config = load_config(site / "site.yaml")
    result = build(config, BuildOptions(jobs=1, cache_dir=site.parent / "cache"))
    assert result.ok
    output = site / "output"
    built = page_files(output)
    assert [p.relative_to(output) for p in built] == [
        p.relative_to(folder_of(server)) for p in served
    ]
    for page in built:
        data = page.read_bytes()
        assert b"data-broadsheet-live" not in data and reload.EVENTS_PATH.encode() not in data
    assert built_site(output) == built_site(folder_of(server))  # byte for byte


def test_serve_never_touches_output(site: Path) -> None:
    """Built, then served, edited and rebuilt: output/ is the same files, bytes and
    times, and a build afterwards writes what a build alone would have."""
    cache = site.parent / "cache"
    config = load_config(site / "site.yaml")
    assert build(config, BuildOptions(jobs=1, cache_dir=cache)).ok
    output = site / "output"
    before = files_of(output)
    srv = make_server(site)
    assert srv.rebuild()
    srv.start(watch=False)
    try:
        assert get(srv, ARTICLE_URL)[0] == 200
        edit(site, "two evening crossings", "three evening crossings")
        assert srv.rebuild()
        assert b"three evening crossings" in get(srv, ARTICLE_URL)[2]
    finally:
        srv.stop()
    assert files_of(output) == before
    assert build(config, BuildOptions(jobs=1, cache_dir=cache)).ok
    assert built_site(output) == built_site(folder_of(srv))


def rendering_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every template rendered from now on."""
    import jinja2

    rendered: list[str] = []
    real = jinja2.Template.render

    def render(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        rendered.append(self.name or "")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render)
    return rendered


def test_serve_started_again_on_a_warm_cache_renders_nothing(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first build reads the cache and makes the site model, which its edits are shown
    from (show_edit), but renders and writes nothing; the next finds nothing changed."""
    first = make_server(site)
    assert first.rebuild()
    first.stop()
    again = make_server(site)
    log = again._log
    rendered = rendering_counted(monkeypatch)
    assert again.rebuild()
    result = again.last_result
    assert result is not None and result.stats is not None
    assert result.site is not None and again.warm.shown is not None
    assert result.parsed == 0 and rendered == []
    assert result.stats.written == 0 and result.stats.removed == 0 and result.stats.kept > 10
    assert isinstance(log, io.StringIO) and ": 0 files written" in log.getvalue()
    assert again.rebuild()
    assert log.getvalue().splitlines()[-1].startswith("nothing changed: ")


def test_the_first_serve_after_a_build_starts_from_it_and_renders_nothing(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = site.parent / "cache"
    config = load_config(site / "site.yaml")
    assert build(config, BuildOptions(jobs=1, cache_dir=cache)).ok
    srv = make_server(site)
    rendered = rendering_counted(monkeypatch)
    assert srv.rebuild()
    result = srv.last_result
    assert result is not None and result.stats is not None
    assert result.stats.written == 0 and result.stats.removed == 0 and rendered == []
    assert built_site(folder_of(srv)) == built_site(site / "output")
    log = srv._log.getvalue()  # type: ignore[union-attr]
    assert log.startswith(f"started from the build in {site / 'output'}: ")
    assert ": 0 files written" in log


def test_the_first_serve_after_a_build_shows_it_while_its_folder_is_started_from_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page does not wait for serve's folder: output/'s build is shown meanwhile,
    and the switch to serve's folder, the same bytes, reloads no page."""
    from builder.commands import serve_builds as serve_mod

    config = load_config(site / "site.yaml")
    assert build(config, BuildOptions(jobs=1, cache_dir=site.parent / "cache")).ok
    release = threading.Event()
    real_seed = serve_mod.seed

    def slow_seed(*args: object) -> int:
        assert release.wait(10)
        return real_seed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(serve_mod, "seed", slow_seed)
    srv = make_server(site)
    try:
        srv.first_build()
        srv.start(watch=False)
        assert folder_of(srv) == site / "output"  # shown at once, before any build here
        status, _, body = get(srv, ARTICLE_URL)
        assert status == 200 and b"two evening crossings" in body
        generation = srv.signal.current
        release.set()
        first = next(t for t in srv._threads if t.name == "broadsheet-first-build")
        first.join(10)
        assert not first.is_alive()
        assert folder_of(srv) == (site.parent / "cache" / "serve").resolve()
        result = srv.last_result
        assert result is not None and result.stats is not None and result.stats.written == 0
        assert srv.signal.current == generation  # nothing changed: no page reloads
        assert get(srv, ARTICLE_URL)[2] == body
        assert not list((site / "output").glob(".broadsheet-tmp*"))
    finally:
        release.set()
        srv.stop()


def test_a_first_serve_with_no_build_to_show_builds_before_it_serves(site: Path) -> None:
    srv = make_server(site)
    try:
        srv.first_build()  # nothing in output/: built now, in this thread
        assert not any(t.name == "broadsheet-first-build" for t in srv._threads)
        assert folder_of(srv) == (site.parent / "cache" / "serve").resolve()
        assert srv.last_result is not None and srv.last_result.ok
    finally:
        srv.stop()


def test_a_first_serve_beside_a_touched_output_renders_its_own(site: Path) -> None:
    """output/ edited by hand since its build is not what the build made: not started from."""
    cache = site.parent / "cache"
    config = load_config(site / "site.yaml")
    assert build(config, BuildOptions(jobs=1, cache_dir=cache)).ok
    page = site / "output" / ARTICLE_URL.strip("/") / "index.html"
    page.write_bytes(page.read_bytes().replace(b"two evening crossings", b"hand-edited"))
    srv = make_server(site)
    assert srv.rebuild()
    result = srv.last_result
    assert result is not None and result.stats is not None and result.stats.written > 10
    assert "started from" not in srv._log.getvalue()  # type: ignore[union-attr]
    served = (folder_of(srv) / ARTICLE_URL.strip("/") / "index.html").read_bytes()
    assert b"two evening crossings" in served and b"hand-edited" not in served


def test_the_reload_snippet_goes_before_the_last_body_end() -> None:
    script = reload.snippet("g.1").encode()
    assert (
        reload.inject(b"<html><body><p>&lt;/body&gt;</p></body></html>\n", "g.1")
        == b"<html><body><p>&lt;/body&gt;</p>" + script + b"</body></html>\n"
    )
    assert (
        reload.inject(b"<body><!-- </body> --></BODY >", "g.1")
        == b"<body><!-- </body> -->" + script + b"</BODY >"
    )
    assert reload.inject(b"<p>no body end</p>", "g.1") == b"<p>no body end</p>" + script
    assert b'data-broadsheet-live="&lt;x&gt;"' in reload.inject(b"", "<x>")


# -- watching --------------------------------------------------------------------
def test_watched_paths(shared: Server) -> None:
    root = shared.root
    assert shared.watched(str(root / ARTICLE))
    assert shared.watched(str(root / "site.yaml"))
    assert shared.watched(str(root / "templates" / "article.html"))
    assert shared.watched(str(root / "themes" / "mine" / "static" / "x.css"))
    assert not shared.watched(str(root / "output" / "index.html"))
    assert not shared.watched(str(folder_of(shared) / "index.html"))
    assert not shared.watched(str(root / ".broadsheet-cache" / "cache.sqlite"))
    assert not shared.watched(str(root / "README.md"))


@pytest.fixture
def watching(site: Path) -> Iterator[Server]:
    """A server watching the site; stopped after the test, with none of its threads left."""
    srv = make_server(site)
    assert srv.rebuild()
    srv.start(watch=True)
    yield srv
    srv.stop()
    assert not [t for t in srv._threads if t.is_alive()]


def saved_edit(srv: Server, site: Path) -> str:
    """Edit the article as an editor saves it: its page is sent at once (show_edit), and
    the build follows; the reload signal that build leaves."""
    before = srv.signal.current
    edit(site, "two evening crossings", "four evening crossings")
    shown = srv.signal.wait(before, timeout=20)
    assert shown != before
    assert b"four evening crossings" in get(srv, ARTICLE_URL)[2]
    page = folder_of(srv) / ARTICLE_URL.strip("/") / "index.html"
    deadline = time.monotonic() + 20
    while b"four evening crossings" not in page.read_bytes():
        assert time.monotonic() < deadline, "the build after the edit never wrote its page"
        time.sleep(0.02)
    with srv._build_lock:  # that build has ended, its reload sent
        after = srv.signal.current
    assert after != shown  # the lists' reload: theirs changed too
    return after


def test_watcher_rebuilds_and_reloads_on_save(watching: Server, site: Path) -> None:
    srv = watching
    after = saved_edit(srv, site)

    # site.yaml, saved the way many editors do: a new file renamed over the old.
    new_config = site / "site.yaml.tmp"
    new_config.write_text(
        (site / "site.yaml")
        .read_text(encoding="utf-8")
        .replace('"Harbour Notes"', '"Harbour Notes Weekly"'),
        encoding="utf-8",
    )
    new_config.replace(site / "site.yaml")
    later = srv.signal.wait(after, timeout=20)
    assert later != after
    assert b"Harbour Notes Weekly" in get(srv, ARTICLE_URL)[2]

    # A templates/ folder that did not exist when serving began.
    staged = site.parent / "staged-templates"
    staged.mkdir()
    (staged / "404.html").write_text(
        "<!DOCTYPE html><html><body><p>Lost at sea</p></body></html>\n", encoding="utf-8"
    )
    staged.rename(site / "templates")
    assert srv.signal.wait(later, timeout=20) != later
    status, _, body = get(srv, "/no-such-page/")
    assert status == 404 and b"Lost at sea" in body and b"data-broadsheet-live" in body


def indexed_text(folder: Path) -> str:
    """Every indexed page's text, as Pagefind stores it in the served folder."""
    import gzip

    return "".join(
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in (folder / "pagefind").rglob("*.pf_fragment")
    )


def test_an_edit_is_served_before_the_search_index_catches_up(
    watching: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page does not wait for Pagefind; the index follows once the edits stop, and
    open pages are not reloaded for it."""
    from builder.commands import serve_builds

    monkeypatch.setattr(serve_builds, "CATCH_UP", 1.0)  # read when the catch-up is scheduled
    srv = watching
    after = saved_edit(srv, site)
    folder = folder_of(srv)
    assert "two evening crossings" in indexed_text(folder)  # the index as it was
    deadline = time.monotonic() + 30
    while "four evening crossings" not in indexed_text(folder):
        assert time.monotonic() < deadline, "the search index never caught up"
        time.sleep(0.1)
    assert "two evening crossings" not in indexed_text(folder)
    assert srv.signal.current == after  # no reload for the index alone


def test_an_edit_during_the_search_catch_up_is_not_kept_waiting(
    watching: Server, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catch-up gives way: an edit saved while Pagefind works is served without waiting
    for it, and the index catches up with that edit afterwards."""
    import threading

    from builder.commands import serve_builds
    from builder.render import pagefind

    monkeypatch.setattr(serve_builds, "CATCH_UP", 0.2)
    entered, release = threading.Event(), threading.Event()
    calls: list[bool] = []
    real_index = pagefind.index

    def slow_first(*args: object, **kwargs: object) -> list[tuple[str, bytes]]:
        calls.append(True)
        if len(calls) == 1:  # the first catch-up: Pagefind as slow as at 10,000 articles
            entered.set()
            if not release.wait(30):
                calls.append(False)  # it was never called off
        return real_index(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pagefind, "index", slow_first)
    srv = watching
    after = saved_edit(srv, site)
    assert entered.wait(20), "the catch-up never started"
    try:
        edit(site, "four evening crossings", "five evening crossings")
        assert srv.signal.wait(after, timeout=20) != after
        assert b"five evening crossings" in get(srv, ARTICLE_URL)[2]
    finally:
        release.set()
    folder = folder_of(srv)
    deadline = time.monotonic() + 30
    while "five evening crossings" not in indexed_text(folder):
        assert time.monotonic() < deadline, "the search index never caught up"
        time.sleep(0.1)
    assert False not in calls
    assert "catch-up called off" in srv._log.getvalue()  # type: ignore[union-attr]


def test_site_broken_from_the_start_shows_the_error_page(site: Path) -> None:
    edit(site, 'title: "Ferry timetable changes for the summer"', "title: [unclosed")
    srv = make_server(site)
    assert not srv.rebuild()
    srv.start(watch=False)
    try:
        status, _, body = get(srv, ARTICLE_URL)
        assert status == 500 and b"Build failed: 1 error" in body
        assert get(srv, "/2024/06/quay-map.svg")[0] == 404  # nothing built yet
        edit(site, "title: [unclosed", 'title: "Ferry timetable changes"')
        assert srv.rebuild()
        status, _, body = get(srv, ARTICLE_URL)
        assert status == 200 and b"Ferry timetable changes" in body
    finally:
        srv.stop()


# -- the command -----------------------------------------------------------------
def test_busy_port_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--config", str(site / "site.yaml"), "--port", str(port)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"broadsheet: error: cannot listen on 127.0.0.1:{port}: Address already in use" in err
    assert "hint: is another server running? choose another --port" in err
    assert not (site / "output").exists()


def test_port_out_of_range_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["serve", "--config", str(site / "site.yaml"), "--port", "70000"])
    assert code == 2
    assert "error: --port must be between 0 and 65535, not 70000" in capsys.readouterr().err


def test_serve_outside_a_site_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["serve", "--config", str(tmp_path / "site.yaml"), "--port", "0"])
    assert code == 2
    # The wording is config.py's; what matters here is that serve stops before serving.
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'site.yaml'}: error: ")
    assert not (tmp_path / "output").exists()
