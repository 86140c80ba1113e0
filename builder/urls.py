"""Slugs and URL patterns: the one place that decides what a path looks like.

Slugs are NFKC-normalised and case-folded so that two spellings which look
the same to a reader (`Café` composed or decomposed, `Energy`/`energy`) land
on the same URL, where the build can see and report the clash.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_SLUG = 80
# File systems allow 255 bytes per name; 80 letters of some scripts take 320.
MAX_SLUG_BYTES = 240
RESERVED = {"index", "tags", "page", "archive", "editions", "feed", "feed.xml",
            "atom.xml", "feed.json", "sitemap.xml", "robots.txt", "404.html", "static",
            "pages", "404"}
_NON_WORD = re.compile(r"[^\w]+")
_SAFE = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens; Unicode letters kept, symbols dropped.

    `C++` and `C` both become `c`: the site model reports such collisions.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub("-", text).strip("-_").replace("_", "-")


def slug_problem(slug: str, reserved: bool = True) -> str | None:
    """Why `slug` cannot be a URL segment, or None when it can.

    `reserved=False` is for segments that sit below a fixed folder (tags
    under `tags/`), where only `index` still clashes: many hosts redirect
    `…/index/` to the folder above it.
    """
    if not slug:
        return "is empty once symbols are removed"
    if len(slug) > MAX_SLUG:
        return f"is {len(slug)} characters long, over the {MAX_SLUG}-character limit"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return (f"is {len(slug.encode('utf-8'))} bytes long in UTF-8, over the "
                f"{MAX_SLUG_BYTES}-byte limit of a folder name")
    if slug in RESERVED and (reserved or slug == "index"):
        return f"`{slug}` is reserved for a page Broadsheet generates"
    if not _SAFE.match(slug):
        return f"`{slug}` is not a safe URL segment"
    return None


def expand(pattern: str, **fields: str) -> str:
    """Fill a permalink pattern; every field is already a safe segment."""
    return pattern.format(**fields)


def href(path: str) -> str:
    """Percent-encode a site path for use in an attribute (Unicode slugs)."""
    return quote(path, safe="/:#?=&%~-._")


TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|"
                      r"igshid|yclid|twclid|ttclid|_hsenc|_hsmi|ocid|ref|ref_src)$")


def normalise_url(url: str) -> str:
    """The form of a URL used to spot two articles curating the same source.

    Scheme, `www.`, letter case of the host, user info, a default port, a
    trailing slash, the fragment, the order of query parameters and tracking
    parameters (`utm_*`, `fbclid`, ...) do not make a different article, so
    they are dropped.
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if ":" in host:  # an IPv6 address keeps its brackets, so a port stays readable
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # `host:abc` names no port at all
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING.match(k.lower())]
    text = host + parts.path.rstrip("/")
    if query:
        text += "?" + urlencode(sorted(query))
    return text
