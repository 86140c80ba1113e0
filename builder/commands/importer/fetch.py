"""`broadsheet import URL`: fetch one article page, or say exactly why not.

Bounded in every direction, because an import must never hang or fill the disk: a
timeout for the connection and each read, a size limit (Content-Length and the bytes
actually read), at most `MAX_REDIRECTS` redirects and only to http(s), and only HTML
(a PDF or an image is refused by its Content-Type). Each failure is an ImportFailure
worded for an editor, located at the URL by the caller.
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from builder.commands.importer.model import ImportFailure

TIMEOUT = 20.0  # seconds to connect, and for each read
MAX_BYTES = 5 * 1024 * 1024  # an article page without its media
MAX_REDIRECTS = 5
USER_AGENT = "broadsheet-import/1 (+https://example.invalid/broadsheet)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Fetched:
    """A fetched page: where it ended up after redirects, its bytes and declared charset."""

    url: str
    data: bytes
    charset: str | None


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http(s) addresses."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        count = getattr(req, "redirects", 0) + 1
        if count > MAX_REDIRECTS:
            raise ImportFailure(
                f"more than {MAX_REDIRECTS} redirects (the last to {newurl})",
                hint="open the address in a browser and import the page it ends on",
            )
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise ImportFailure(
                f"redirected to {newurl}, which is not a web page address",
                hint="save the page from a browser and import the file",
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]
        if new is not None:
            new.redirects = count  # type: ignore[attr-defined]
        return new


def check_url(url: str) -> str:
    """The URL, or an ImportFailure when it cannot be fetched as given."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ImportFailure(
            "not a web page address",
            hint="give an http:// or https:// address, as the browser shows it",
        )
    return url


def fetch(url: str, timeout: float | None = None, limit: int | None = None) -> Fetched:
    """GET `url` and return the page; ImportFailure with the reason on any failure."""
    timeout = TIMEOUT if timeout is None else timeout
    limit = MAX_BYTES if limit is None else limit
    check_url(url)
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in _HTML_TYPES:
                raise ImportFailure(
                    f"the server sent {kind}, not an HTML page",
                    hint="import articles as web pages; save other files as text first",
                )
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise _too_big(limit)
            data = response.read(limit + 1)
            if len(data) > limit:
                raise _too_big(limit)
            return Fetched(response.geturl(), data, response.headers.get_content_charset())
    except urllib.error.HTTPError as exc:
        raise ImportFailure(
            f"the server answered {exc.code} {exc.reason}", hint=_status_hint(exc.code)
        ) from None
    except urllib.error.URLError as exc:
        raise _network(exc.reason, url, timeout) from None
    except OSError as exc:  # a timeout while reading, a reset connection
        raise _network(exc, url, timeout) from None


def _too_big(limit: int) -> ImportFailure:
    return ImportFailure(
        f"the page is larger than {limit // 2**20} MB",
        hint="save the article from a browser and import the file",
    )


def _status_hint(code: int) -> str:
    if code in (401, 403):
        return "the page needs a login or refuses programs: save it from a browser instead"
    if code in (404, 410):
        return "check the address; the article may have moved"
    if code == 429 or code >= 500:
        return "the site is busy or failing: try again later, or save the page from a browser"
    return "save the page from a browser and import the file"


def _network(reason: object, url: str, timeout: float) -> ImportFailure:
    """A failure before any answer: no such host, refused, timed out, TLS."""
    host = urlsplit(url).hostname
    if isinstance(reason, TimeoutError):
        return ImportFailure(
            f"no answer within {timeout:g} seconds",
            hint="try again later, or save the page from a browser",
        )
    if isinstance(reason, socket.gaierror):
        return ImportFailure(
            f"cannot find the server {host}",
            hint="check the address, and that this computer is online",
        )
    if isinstance(reason, ConnectionRefusedError):
        return ImportFailure(
            f"{host} refused the connection", hint="check the address; the site may be down"
        )
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return ImportFailure(
            f"the secure connection to {host} failed",
            hint="save the page from a browser and import the file",
        )
    return ImportFailure(
        f"cannot fetch the page: {reason}", hint="save the page from a browser and import the file"
    )
