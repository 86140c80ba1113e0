"""Feed formats: RSS 2.0, Atom 1.0 and JSON Feed 1.1, built as data, never by pasting strings.

A writer turns a FeedInfo and FeedItems (whose URLs are already absolute:
render/feeds.py makes them) into bytes. Dates come from the items, never
from the clock, so the same content gives the same bytes.

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
from html.parser import HTMLParser

from builder.core.models import FeedOptions

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
JSON_FEED = "https://jsonfeed.org/version/1.1"
GENERATOR = "Broadsheet"
# The MIME type of each format, for the feed's own self link and for <link rel=alternate>.
RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedItem:
    """One entry, whatever the format: an article, or a whole edition."""

    id: str  # stable: the item's URL, or a tag: URI for a link item (which has no page)
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
# Dates
# --------------------------------------------------------------------------
def rfc822(value: dt.datetime) -> str:
    """`Tue, 10 Nov 2026 08:45:00 +0100`: English names whatever the machine's locale."""
    return format_datetime(value.replace(microsecond=0))


def rfc3339(value: dt.datetime) -> str:
    """`2026-11-10T08:45:00+01:00`: always with its offset, never with microseconds."""
    return value.isoformat(timespec="seconds")


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def limited(items: list[FeedItem], options: FeedOptions) -> list[FeedItem]:
    """The newest `limit` items (0 = all); callers pass items newest first."""
    return items[: options.limit] if options.limit else items


def rss(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    """RSS 2.0; `description` is the summary, `content:encoded` the full HTML."""
    root = ET.Element(
        "rss", {"version": "2.0", "xmlns:atom": ATOM, "xmlns:content": CONTENT, "xmlns:dc": DC}
    )
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home)
    _sub(channel, "description", info.description or info.title)
    _sub(channel, "atom:link", attrs={"href": info.self_url, "rel": "self", "type": RSS_TYPE})
    _sub(channel, "language", info.language)
    _sub(channel, "lastBuildDate", rfc822(info.updated))
    _sub(channel, "generator", GENERATOR)
    for item in limited(items, options):
        node = _sub(channel, "item")
        _sub(node, "title", item.title)
        _sub(node, "link", item.url)
        _sub(node, "guid", item.id, {"isPermaLink": "true" if item.id == item.url else "false"})
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
    _sub(root, "link", attrs={"rel": "self", "type": ATOM_TYPE, "href": info.self_url})
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
                "\n" + item.source_html if item.source_html else ""
            )
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


# Elements that start a new line of text: their words never run into the next.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_HIDDEN = frozenset({"script", "style", "template"})  # text no reader sees


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment: inline tags add nothing, blocks a space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")
        elif tag in _HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")
        elif tag in _HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


@lru_cache(maxsize=4096)  # a summary is read for its page, its JSON-LD and the JSON Feed
def plain_text(html: str) -> str:
    """The text of an HTML fragment on one line (meta descriptions, JSON Feed `summary`).

    `Prices rose <em>sharply</em>, then fell.` reads `Prices rose sharply,
    then fell.`: an inline element is part of the word it sits in, while
    paragraphs, list items and line breaks separate words.
    """
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, attrs: dict[str, str] | None = None
) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in (attrs or {}).items()})
    if text is not None:
        node.text = _NOT_XML.sub("", text)
    return node


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
