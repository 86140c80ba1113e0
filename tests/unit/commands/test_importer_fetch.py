"""`broadsheet import URL`: pages fetched from a server on 127.0.0.1 in a thread.

Every failure an editor can meet has its exact diagnostic here; nothing leaves this
machine (the one name lookup that would is answered by a stand-in).
"""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from builder.cli import main
from builder.commands.importer import cli as importer_cli
from builder.commands.importer import fetch as fetcher
from builder.commands.importer.model import ImportFailure

PAGE = (
    Path(__file__).resolve().parents[2] / "fixtures" / "import" / "pages" / "news_site.html"
).read_bytes()
NOW = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
REL = "content/2025/06/rwanda-opens-drone-delivery-route-for-blood-supplies.md"


class _Handler(BaseHTTPRequestHandler):
    """The pages of the test server, one per path."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep test output clean

    def _send(self, status: int, kind: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        path = self.path
        if path == "/article":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif path == "/latin":
            text = PAGE.replace(b'<meta charset="utf-8">', b"").decode()
            text = text.replace("Rwanda’s", "Rwanda's").replace("Rwanda opens", "Rwanda opens café")
            body = text.encode("cp1252")
            self._send(200, "text/html; charset=windows-1252", body)
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hop/{left - 1}" if left > 0 else "/article")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/file")
        elif path == "/pdf":
            self._send(200, "application/pdf", b"%PDF-1.7 ...")
        elif path == "/missing":
            self._send(404, "text/html", b"<h1>Not here</h1>")
        elif path == "/big":
            self._send(200, "text/html", b"<p>" + b"x" * 2048)
        elif path == "/big-unsaid":  # no Content-Length: the bytes read are counted
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>" + b"x" * 4096)
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, "text/html", PAGE)
        else:
            self._send(500, "text/plain", b"unexpected")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _failure(url: str, **limits: float) -> str:
    with pytest.raises(ImportFailure) as info:
        fetcher.fetch(url, **limits)  # type: ignore[arg-type]
    return f"{info.value.message}\n  hint: {info.value.hint}"


def test_a_page_is_fetched_with_its_final_address_and_charset(server: str) -> None:
    page = fetcher.fetch(f"{server}/hop/4")  # five redirects
    assert (page.url, page.data, page.charset) == (f"{server}/article", PAGE, "utf-8")


@pytest.mark.parametrize(
    ("path", "limits", "expected"),
    [
        ("/hop/5", {}, "more than 5 redirects (the last to {server}/article)\n"
         "  hint: open the address in a browser and import the page it ends on"),
        ("/to-ftp", {}, "redirected to ftp://127.0.0.1/file, which is not a web page address\n"
         "  hint: save the page from a browser and import the file"),
        ("/pdf", {}, "the server sent application/pdf, not an HTML page\n"
         "  hint: import articles as web pages; save other files as text first"),
        ("/missing", {}, "the server answered 404 Not Found\n"
         "  hint: check the address; the article may have moved"),
        ("/big", {"limit": 1024}, "the page is larger than 0 MB\n"
         "  hint: save the article from a browser and import the file"),
        ("/big-unsaid", {"limit": 1024}, "the page is larger than 0 MB\n"
         "  hint: save the article from a browser and import the file"),
        ("/slow", {"timeout": 0.3}, "no answer within 0.3 seconds\n"
         "  hint: try again later, or save the page from a browser"),
        ("/other", {}, "the server answered 500 Internal Server Error\n"
         "  hint: the site is busy or failing: try again later, or save the page from a browser"),
    ],
)  # fmt: skip
def test_each_failure_says_why(
    server: str, path: str, limits: dict[str, float], expected: str
) -> None:
    assert _failure(server + path, **limits) == expected.format(server=server)


def test_connection_refused() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _failure(f"http://127.0.0.1:{port}/x") == (
        "127.0.0.1 refused the connection\n  hint: check the address; the site may be down"
    )


def test_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # no lookup leaves the machine
    assert _failure("https://no-such-paper.invalid/story") == (
        "cannot find the server no-such-paper.invalid\n"
        "  hint: check the address, and that this computer is online"
    )


@pytest.mark.parametrize("url", ["http://", "https:// spaces.example/a b", "ftp://x.example/"])
def test_not_a_web_address(url: str) -> None:
    assert _failure(url) == (
        "not a web page address\n"
        "  hint: give an http:// or https:// address, as the browser shows it"
    )


# --- through the command --------------------------------------------------------------


@pytest.fixture
def site(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site({})
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setattr(importer_cli, "now", lambda timezone: NOW)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_url_writes_the_article_and_credits_the_page(
    server: str, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(capsys, f"{server}/hop/2")
    assert (code, out) == (0, REL + "\n")
    text = (site / REL).read_text("utf-8")
    assert (
        "\nsource:\n  url: https://lakeview-times.example/africa/rwanda-drone-blood/\n"
        "  name: Lakeview Times\n  author: Grace Uwase\n  date: 2024-09-16\n" in text
    )
    assert (
        "\n![A delivery drone over hills](https://lakeview-times.example/img/drone.jpg)\n" in text
    )
    code, _out, err = _run(capsys, f"{server}/article", "--dry-run")
    assert (code, err) == (
        1,
        f"{server}/article: error: already imported as {REL} (same "
        "source URL)\n  hint: edit the existing article instead of "
        "importing it again\nnothing written: 1 of 1 file could not be "
        "imported\n",
    )


def test_a_page_in_windows_1252_is_converted(
    server: str, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, f"{server}/latin", "--dry-run")
    assert code == 0
    assert "title: Rwanda opens café drone delivery route for blood supplies\n" in out
    assert f"  {server}/latin: converted from Windows-1252 to UTF-8\n" in err


def test_failed_fetches_are_all_reported_and_nothing_is_written(
    server: str, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, f"{server}/missing", f"{server}/pdf", f"{server}/article")
    assert (code, out) == (1, "")
    assert err == (
        f"{server}/missing: error: the server answered 404 Not Found\n"
        "  hint: check the address; the article may have moved\n"
        f"{server}/pdf: error: the server sent application/pdf, not an HTML page\n"
        "  hint: import articles as web pages; save other files as text first\n"
        "nothing written: 2 of 3 files could not be imported\n"
    )
    assert list(site.rglob("*.md")) == []
