"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, built as data, never by pasting strings.

Feed readers resolve nothing relative (many ignore xml:base), so every URL
is absolute, including links and images inside the content. Dates come
from the articles, never from the clock, so the same content gives the
same bytes. Ids are permalinks: they change only when an article's URL does.

The XML trees use literal, prefixed tag names with the namespace
declarations written on the root element, instead of ElementTree's global
namespace registry: that registry is process-wide state which another
module (or a second build in the same process) could change under us.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from functools import lru_cache
from html import escape, unescape
from urllib.parse import quote, urljoin

from builder.core.dates import date_long
from builder.core.models import Article, FeedOptions, SiteConfig

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
JSON_FEED = "https://jsonfeed.org/version/1.1"
GENERATOR = "Broadsheet"

# href/src/poster/srcset="…" or '…' inside rendered HTML.
_URL_ATTR = re.compile(r"""(\s(?:href|src|poster|srcset)\s*=\s*)(["'])(.*?)\2""", re.S)
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Everything ASCII that may appear in a URI stays as it is; the rest is %-encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True)
class FeedItem:
    """One entry, whatever the format: an article, or a whole edition."""

    id: str  # absolute URL, stable
    url: str  # absolute
    title: str
    published: dt.datetime
    updated: dt.datetime | None
    summary_html: str
    content_html: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    external_url: str | None = None
    image: str | None = None
    source_html: str = ""  # the attribution line, already inside content_html


@dataclass(frozen=True)
class FeedInfo:
    title: str
    description: str
    home: str  # absolute
    self_url: str  # absolute
    language: str
    author: str
    updated: dt.datetime


# --------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------
def to_uri(url: str) -> str:
    """Percent-encode what a URI cannot hold (non-ASCII slugs, spaces), nothing else."""
    return quote(url, safe=_URI_SAFE)


@lru_cache(maxsize=8)
def _origin(base_url: str) -> str:
    """`https://host` of base_url (site paths carry any sub-path themselves)."""
    return base_url[: base_url.index("/", base_url.index("//") + 2)]


def absolute(url: str, config: SiteConfig) -> str:
    """A site path (`/digest/2024/06/x/`) or a relative URL, made absolute.

    Site paths already carry base_url's sub-path, so joining against
    base_url keeps it exactly once.
    """
    if url.startswith("/") and not url.startswith("//"):  # the common case, without urljoin
        return to_uri(_origin(config.base_url) + url)
    return to_uri(urljoin(config.base_url, url))


def image_url(article: Article, config: SiteConfig) -> str | None:
    """The front-matter `image`, absolute: relative names sit beside the source file,
    where the build copies the article's other files."""
    image = article.meta.image
    if not image:
        return None
    if _HAS_SCHEME.match(image) or image.startswith("/"):
        return absolute(image, config)
    folder = article.meta.path.removeprefix("content/").rpartition("/")[0]
    return absolute(config.base_path + (folder + "/" if folder else "") + image, config)


def absolutize(html: str, page_url: str, config: SiteConfig) -> str:
    """Make every href/src/srcset in rendered HTML absolute, `#fragment` links included.

    `page_url` (absolute) is the base: a fragment points into that page.
    URLs that already have a scheme (`https:`, `mailto:`) are left alone.
    """

    def one(url: str) -> str:
        url = url.strip()
        if _HAS_SCHEME.match(url):
            return url
        return to_uri(urljoin(page_url, url))

    def fix(match: re.Match[str]) -> str:
        raw = unescape(match.group(3))
        if match.group(1).strip().startswith("srcset"):
            parts = []
            for candidate in raw.split(","):
                bits = candidate.split()
                if bits:
                    parts.append(" ".join([one(bits[0]), *bits[1:]]))
            value = ", ".join(parts)
        else:
            value = one(raw)
        return f'{match.group(1)}"{escape(value, quote=True)}"'

    return _URL_ATTR.sub(fix, html)


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------
def source_line(article: Article) -> str:
    """The attribution paragraph, worded as on the article page (feed readers show no theme)."""
    source = article.meta.source
    if source is None:
        return ""
    by = f" by {escape(source.author)}" if source.author else ""
    where = "in" if source.name else "at"
    link = f'<a href="{escape(source.url, quote=True)}">{escape(source.name or source.url)}</a>'
    # An import may credit a publication or writer without a URL: then there is no link.
    place = f" {where} {link}" if source.url else f" in {escape(source.name)}" * bool(source.name)
    when = f", on {date_long(source.date)}" if source.date else ""
    return f'<p class="source">Originally published{by}{place}{when}.</p>'


def article_item(article: Article, config: SiteConfig) -> FeedItem:
    """An article as a feed entry: the summary, and the full body with its attribution."""
    assert article.date is not None
    url = absolute(article.url, config)
    source = article.meta.source
    attribution = source_line(article)
    body = article.rendered.html.strip()
    return FeedItem(
        id=url,
        url=url,
        title=article.title,
        published=article.date,
        updated=article.meta.updated,
        summary_html=absolutize(article.rendered.summary_html.strip(), url, config),
        content_html=absolutize(body, url, config) + ("\n" + attribution if attribution else ""),
        tags=tuple(t.name for t in article.tags),
        authors=article.meta.authors,
        external_url=(source.url or None) if source else None,
        image=image_url(article, config),
        source_html=attribution,
    )


def limited(items: list[FeedItem], options: FeedOptions) -> list[FeedItem]:
    """The newest `limit` items (0 = all); callers pass items newest first."""
    return items[: options.limit] if options.limit else items


def rfc822(value: dt.datetime) -> str:
    """`Tue, 10 Nov 2026 08:45:00 +0100`: English names whatever the machine's locale."""
    return format_datetime(value.replace(microsecond=0))


def rfc3339(value: dt.datetime) -> str:
    """`2026-11-10T08:45:00+01:00`: always with its offset, never with microseconds."""
    return value.isoformat(timespec="seconds")


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def rss(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    """RSS 2.0; `description` is the summary, `content:encoded` the full HTML."""
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM, "xmlns:content": CONTENT,
                              "xmlns:dc": DC})
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home)
    _sub(channel, "description", info.description or info.title)
    _sub(channel, "atom:link",
         attrs={"href": info.self_url, "rel": "self", "type": "application/rss+xml"})
    _sub(channel, "language", info.language)
    _sub(channel, "lastBuildDate", rfc822(info.updated))
    _sub(channel, "generator", GENERATOR)
    for item in limited(items, options):
        node = _sub(channel, "item")
        _sub(node, "title", item.title)
        _sub(node, "link", item.url)
        _sub(node, "guid", item.id, {"isPermaLink": "true"})
        _sub(node, "pubDate", rfc822(item.published))
        for author in item.authors:
            _sub(node, "dc:creator", author)
        for tag in item.tags:
            _sub(node, "category", tag)
        _sub(node, "description", item.summary_html)
        if options.full_content:
            _sub(node, "content:encoded", item.content_html)
    return _xml(root)


def atom(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    """Atom 1.0 (RFC 4287). Every entry names an author, so no reader has to inherit one."""
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": info.language})
    _sub(root, "title", info.title)
    if info.description:
        _sub(root, "subtitle", info.description)
    _sub(root, "id", info.home)
    _sub(root, "updated", rfc3339(info.updated))
    _sub(root, "link", attrs={"rel": "alternate", "type": "text/html", "href": info.home})
    _sub(root, "link", attrs={"rel": "self", "type": "application/atom+xml",
                              "href": info.self_url})
    fallback = info.author or info.title
    _sub(_sub(root, "author"), "name", fallback)
    _sub(root, "generator", GENERATOR)
    for item in limited(items, options):
        entry = _sub(root, "entry")
        _sub(entry, "title", item.title)
        _sub(entry, "id", item.id)
        _sub(entry, "link", attrs={"rel": "alternate", "type": "text/html", "href": item.url})
        if item.external_url:
            _sub(entry, "link", attrs={"rel": "via", "href": item.external_url})
        _sub(entry, "published", rfc3339(item.published))
        _sub(entry, "updated", rfc3339(item.updated or item.published))
        for name in item.authors or (fallback,):
            _sub(_sub(entry, "author"), "name", name)
        for tag in item.tags:
            _sub(entry, "category", attrs={"term": tag})
        _sub(entry, "summary", item.summary_html, {"type": "html"})
        if options.full_content:
            _sub(entry, "content", item.content_html, {"type": "html"})
    return _xml(root)


def json_feed(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    """JSON Feed 1.1. Without full content, `content_html` is the summary and attribution:
    the spec requires content_html or content_text on every item."""
    feed: dict = {
        "version": JSON_FEED,
        "title": info.title,
        "home_page_url": info.home,
        "feed_url": info.self_url,
    }
    if info.description:
        feed["description"] = info.description
    feed["language"] = info.language
    feed["authors"] = [{"name": info.author or info.title}]
    feed["items"] = []
    for item in limited(items, options):
        entry: dict = {"id": item.id, "url": item.url, "title": item.title}
        if item.external_url:
            entry["external_url"] = item.external_url
        if options.full_content:
            entry["content_html"] = item.content_html
        else:
            entry["content_html"] = item.summary_html + (
                "\n" + item.source_html if item.source_html else "")
        entry["summary"] = plain_text(item.summary_html)
        entry["date_published"] = rfc3339(item.published)
        if item.updated:
            entry["date_modified"] = rfc3339(item.updated)
        if item.authors:
            entry["authors"] = [{"name": a} for a in item.authors]
        if item.tags:
            entry["tags"] = list(item.tags)
        if item.image:
            entry["image"] = item.image
        feed["items"].append(entry)
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def plain_text(html: str) -> str:
    """The text of an HTML fragment on one line (JSON Feed `summary` is plain text)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _sub(parent: ET.Element, tag: str, text: str | None = None,
         attrs: dict[str, str] | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in (attrs or {}).items()})
    if text is not None:
        node.text = _NOT_XML.sub("", text)
    return node


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
