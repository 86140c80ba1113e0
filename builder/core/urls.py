"""URLs: the one place a URL is parsed, and how two links to the same article are recognised.

`urllib.parse` raises ValueError on text a contributor can type (`https://[::1/x`
has a `[` that is never closed, `https://x:abc/` a port that is no number), and
every such raise used to reach the user as a traceback from whichever command
met the URL first. Every URL Broadsheet reads from content, site.yaml, the
command line or an imported page is parsed here instead: `parse_url` never
raises, it returns the parts or a sentence saying what is wrong, which each
caller turns into a located diagnostic or a usage error.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|"
    r"igshid|yclid|twclid|ttclid|_hsenc|_hsmi|ocid|ref|ref_src)$"
)
WEB_SCHEMES = ("http", "https")
_SHOWN = 80  # characters of a URL quoted in a message (a `data:` URL can be megabytes)


@dataclass(frozen=True)
class ParsedUrl:
    """A URL split into its parts; `host` is lower case, without an IPv6 address's brackets."""

    text: str  # as given, without surrounding white space
    scheme: str  # lower case; "" for a relative URL
    netloc: str
    host: str
    port: int | None
    path: str
    query: str
    fragment: str

    @property
    def is_web(self) -> bool:
        """An absolute http(s) URL naming a host: what a reader's browser can open."""
        return self.scheme in WEB_SCHEMES and bool(self.host)


def parse_url(text: str) -> ParsedUrl | str:
    """The parts of `text`, or why it is not a URL (a phrase such as "its port `x` is ...").

    Never raises: this is the function that stands between urllib's ValueErrors
    and the user.
    """
    text = text.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        return _problem(text, str(exc))
    return ParsedUrl(
        text,
        parts.scheme.lower(),
        parts.netloc,
        host,
        port,
        parts.path,
        parts.query,
        parts.fragment,
    )


def join_url(base: str, url: str) -> ParsedUrl | str:
    """`url` resolved against `base` as a browser would, or why either cannot be read."""
    for text in (base, url):
        parsed = parse_url(text)
        if isinstance(parsed, str):
            return parsed
    try:
        return parse_url(urljoin(base.strip(), url.strip()))
    except ValueError as exc:  # pragma: no cover - both halves parsed above
        return _problem(url, str(exc))


def web_url(text: str, relative: bool = False) -> ParsedUrl | str:
    """`text` as a URL front matter may publish, or why not: http(s) only (and, with
    `relative`, a path on this site). `javascript:`, `data:`, `file:` and every other
    scheme are refused, because a theme puts the value straight into `href`/`src`.

    The problem reads after the URL: "`image` " + problem.
    """
    parsed = parse_url(text)
    shown = shown_url(text.strip())
    if isinstance(parsed, str):
        return f"`{shown}` cannot be read as a URL: {parsed}"
    allowed = "only http:// and https:// URLs" + (" and relative paths" if relative else "")
    if parsed.scheme and parsed.scheme not in WEB_SCHEMES:
        return f"`{shown}` is a `{parsed.scheme}:` URL; {allowed} are allowed"
    if parsed.scheme and not parsed.host:
        return f"`{shown}` names no host"
    if any(c.isspace() for c in parsed.netloc):
        return f"`{shown}` has white space in its host"
    if not parsed.scheme and not relative:
        return f"`{shown}` is not an absolute URL; {allowed} are allowed"
    return parsed


def shown_url(text: str) -> str:
    """A URL short enough to quote in a message."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _problem(text: str, error: str) -> str:
    """urllib's ValueError as a phrase an editor can act on."""
    netloc = text.split("//", 1)[1] if "//" in text else text
    netloc = re.split(r"[/?#]", netloc, maxsplit=1)[0]
    if error == "Invalid IPv6 URL":
        if netloc.count("[") > netloc.count("]"):
            return "a `[` in its host is never closed (an IPv6 host is written [2001:db8::1])"
        return "a `]` in its host has no `[` before it"
    port = netloc.rpartition(":")[2]
    if error.startswith("Port could not be cast"):
        return f"its port `{port}` is not a number"
    if error.startswith("Port out of range"):
        return f"its port `{port}` is out of range (0 to 65535)"
    if "NFKC" in error:
        return "its host has characters that change meaning under Unicode normalisation"
    if "[" in netloc:
        host = netloc[netloc.find("[") : netloc.find("]") + 1]
        return f"`{host}` in its host is not an IPv6 address"
    return error  # pragma: no cover - urllib has no other ValueError for a string


@functools.lru_cache(maxsize=1 << 18)
def normalise_url(url: str) -> str:
    """The form of a URL used to spot two articles curating the same source.

    Remembered (a pure function of the text): every build compares every
    link of every item, and serve rebuilds in one process after each edit.

    Scheme, `www.`, letter case of the host, user info, a default port, a
    trailing slash, the fragment, the order of query parameters and tracking
    parameters (`utm_*`, `fbclid`, ...) do not make a different article, so
    they are dropped. A URL that cannot be parsed is its own key.
    """
    parts = parse_url(url)
    if isinstance(parts, str):
        return url.strip()
    host = parts.host.rstrip(".").removeprefix("www.")
    if ":" in host:  # an IPv6 address keeps its brackets, so a port stays readable
        host = f"[{host}]"
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING.match(k.lower())
    ]
    text = host + parts.path.rstrip("/")
    if query:
        text += "?" + urlencode(sorted(query))
    return text
