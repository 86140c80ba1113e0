"""Link hygiene: no link given twice in recent editions, and no tracking parameters published.

Readers notice a link they were sent last week; editors do not, across a
dozen contributors. So every link an item gives to another site (its
`source:` or `link:`, and each link in its text) is normalised
(core/urls.normalise_url: scheme, `www.`, order of parameters and tracking
parameters do not count) and compared with the links of the previous
`links.window` editions. A repeat is a warning naming both files and lines;
`--strict` makes it an error. Two items curating the same URL are the
duplicate-source warning's (duplicate_sources, below), so that pair is not
reported twice.

Published links lose their tracking parameters (`utm_*`, `fbclid`, ...: the
one list is core/urls.TRACKING) unless `links.strip_tracking: false`. Only
what is published changes; the source files never do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from builder.core import urlattrs
from builder.core.errors import Diagnostics
from builder.core.models import (
    ArticleMeta,
    Entry,
    HtmlStore,
    Item,
    LinkMeta,
    Listed,
    OutLink,
    Rendered,
    StoredHtml,
)
from builder.core.urls import TRACKING, normalise_url

_WEB = ("http://", "https://")


# --------------------------------------------------------------------------
# Tracking parameters
# --------------------------------------------------------------------------
def strip_tracking(url: str) -> str:
    """`url` without its tracking parameters; every other byte of it as it was."""
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if not question or not url.lower().startswith(_WEB):
        return url
    kept = [
        part
        for part in query.split("&")
        if part and not TRACKING.match(part.split("=", 1)[0].lower())
    ]
    if len(kept) == len([p for p in query.split("&") if p]):
        return url
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def strip_html(html: str) -> str:
    """Rendered HTML with the tracking parameters taken out of its links (the `href`s:
    only the tags that change are written again)."""
    if "?" not in html:
        return html
    return urlattrs.rewrite(html, lambda _tag, _name, url: strip_tracking(url), names={"href"})


@dataclass(frozen=True)
class _Stripping:
    """A cache store whose HTML comes back without tracking parameters, read when needed."""

    store: HtmlStore

    def read_html(self, key: str) -> str:
        return strip_html(self.store.read_html(key))


def stripped(rendered: Rendered) -> Rendered:
    """Rendered Markdown as it is published: summary now, body when it is read."""
    body = rendered.body
    if isinstance(body, StoredHtml):
        published: str | StoredHtml = StoredHtml(_Stripping(body.store), body.key)
    else:
        published = strip_html(body)
    return replace(rendered, summary_html=strip_html(rendered.summary_html), body=published)


# --------------------------------------------------------------------------
# Repeats across editions
# --------------------------------------------------------------------------
Seen = dict[str, tuple[OutLink, str]]  # normalised URL → (where it is written, file)


def check_repeats(
    items: list[Listed],
    periods: list[tuple[str, tuple[int, ...]]],
    window: int,
    own_host: str,
    diags: Diagnostics,
) -> None:
    """Warn where an item links what one of the `window` editions before its own did.

    `periods` are the editions as (name, item indexes), oldest first, the
    open one included: it is the one an editor is filling.
    """
    if window <= 0:
        return
    # Each URL's last edition before this one (its number and name) and its first use there:
    # a repeat names its last use, and one lookup per link finds it, however wide the window.
    last: dict[str, tuple[int, str, tuple[OutLink, str]]] = {}
    for number, (name, indexes) in enumerate(periods):
        here: Seen = {}
        for i in indexes:
            meta = items[i].meta
            for key, link in _outbound(meta, own_host).items():
                earlier = last.get(key)
                recent = earlier is not None and number - earlier[0] <= window
                if earlier and recent and not (earlier[2][0].curated and link.curated):
                    _repeat(meta.path, link, earlier[2], earlier[1], diags)
                here.setdefault(key, (link, meta.path))
        last.update((key, (number, name, used)) for key, used in here.items())


def _outbound(meta: Item, own_host: str) -> dict[str, OutLink]:
    """Each distinct link of an item to another site by its normalised URL, in the order
    written."""
    found: dict[str, OutLink] = {}
    for link in meta.links:
        host = link.url.split("://", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")
        if host != own_host:
            found.setdefault(link.key, link)
    return found


def _repeat(
    path: str, link: OutLink, earlier: tuple[OutLink, str], earlier_id: str, diags: Diagnostics
) -> None:
    first, first_path = earlier
    diags.warning(
        path,
        link.line,
        link.col,
        f"{link.url} was already linked in {earlier_id}: {first_path}:{first.line}:{first.col}",
        "readers saw it then: drop it, or link something new; links.window in "
        "site.yaml sets how many editions back this looks",
    )


# --------------------------------------------------------------------------
# One URL curated twice
# --------------------------------------------------------------------------
def duplicate_sources(
    entries: list[Entry[ArticleMeta] | Entry[LinkMeta]], diags: Diagnostics
) -> None:
    """Two items curating one URL (a `source:` or a link item's `link:`) are a warning at
    the later one's URL, naming where the first writes it."""
    seen: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.meta.path):
        meta = entry.meta
        url = meta.link if isinstance(meta, LinkMeta) else meta.source.url if meta.source else ""
        if not url:  # a credit without a link curates no URL
            continue
        own = next((o for o in meta.links if o.curated), None)  # where `url` is written
        key = own.key if own is not None else normalise_url(url)
        line, col = (own.line, own.col) if own is not None else (1, 1)
        if key in seen:
            what = "link" if isinstance(meta, LinkMeta) else "source"
            diags.warning(
                meta.path,
                line,
                col,
                f"{what} {url} is also curated by {seen[key]}",
                "link the earlier article instead, or drop one of them",
            )
        else:
            seen[key] = f"{meta.path}:{line}:{col}"
