"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, built as data, never by pasting strings.

Feed readers resolve nothing relative, so every URL is absolute, including
links and images inside the content. Dates come from the articles, never
from the clock, so the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime

from builder.models import Article, FeedOptions, SiteConfig

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("atom", ATOM)
ET.register_namespace("content", CONTENT)
ET.register_namespace("dc", DC)
_URL_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


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


@dataclass(frozen=True)
class FeedInfo:
    title: str
    description: str
    home: str  # absolute
    self_url: str  # absolute
    language: str
    author: str
    updated: dt.datetime


def origin(config: SiteConfig) -> str:
    """`https://host` of base_url: site paths (which carry any sub-path) go after it."""
    scheme, rest = config.base_url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def absolute(url: str, config: SiteConfig) -> str:
    return origin(config) + url if url.startswith("/") else url


def absolutize(html: str, page_url: str, config: SiteConfig) -> str:
    """Make every href/src in rendered HTML absolute (site paths and #fragments)."""
    host = origin(config)

    def fix(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith("//"):
            url = config.base_url.split("//", 1)[0] + url
        elif url.startswith("/"):
            url = host + url
        elif url.startswith("#"):
            url = page_url + url
        return match.group(1) + url + match.group(3)

    return _URL_ATTR.sub(fix, html)


def source_line(article: Article) -> str:
    """An attribution paragraph for feed content (feed readers show no theme)."""
    from html import escape

    source = article.meta.source
    if source is None:
        return ""
    name = escape(source.name or source.url)
    by = f" by {escape(source.author)}" if source.author else ""
    return (f'<p>Originally published{by} at <a href="{escape(source.url)}">{name}</a>'
            + (f", {source.date.isoformat()}" if source.date else "") + ".</p>")


def article_item(article: Article, config: SiteConfig) -> FeedItem:
    url = absolute(article.url, config)
    assert article.date is not None
    source = article.meta.source
    attribution = source_line(article)
    return FeedItem(
        id=url,
        url=url,
        title=article.title,
        published=article.date,
        updated=article.meta.updated,
        summary_html=absolutize(article.rendered.summary_html, url, config),
        content_html=absolutize(article.rendered.html, url, config) + attribution,
        tags=tuple(t.name for t in article.tags),
        authors=article.meta.authors,
        external_url=source.url if source else None,
        image=absolute(article.meta.image, config) if article.meta.image else None,
    )


def _limit(items: list[FeedItem], options: FeedOptions) -> list[FeedItem]:
    return items[: options.limit] if options.limit else items


def rss(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = info.title
    ET.SubElement(channel, "link").text = info.home
    ET.SubElement(channel, "description").text = info.description or info.title
    ET.SubElement(channel, f"{{{ATOM}}}link",
                  {"href": info.self_url, "rel": "self", "type": "application/rss+xml"})
    ET.SubElement(channel, "language").text = info.language
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(info.updated)
    ET.SubElement(channel, "generator").text = "Broadsheet"
    for item in _limit(items, options):
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.url
        ET.SubElement(node, "guid", {"isPermaLink": "true"}).text = item.id
        ET.SubElement(node, "pubDate").text = format_datetime(item.published)
        for author in item.authors:
            ET.SubElement(node, f"{{{DC}}}creator").text = author
        for tag in item.tags:
            ET.SubElement(node, "category").text = tag
        ET.SubElement(node, "description").text = item.summary_html
        if options.full_content:
            ET.SubElement(node, f"{{{CONTENT}}}encoded").text = item.content_html
    return _xml(root)


def atom(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    ET.register_namespace("", ATOM)
    try:
        root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": info.language})
        _text(root, "title", info.title)
        if info.description:
            _text(root, "subtitle", info.description)
        _text(root, "id", info.home)
        _text(root, "updated", info.updated.isoformat())
        ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                "href": info.home})
        ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self",
                                                "type": "application/atom+xml",
                                                "href": info.self_url})
        author = ET.SubElement(root, f"{{{ATOM}}}author")
        _text(author, "name", info.author or info.title)
        _text(root, "generator", "Broadsheet")
        for item in _limit(items, options):
            entry = ET.SubElement(root, f"{{{ATOM}}}entry")
            _text(entry, "title", item.title)
            _text(entry, "id", item.id)
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                     "href": item.url})
            _text(entry, "published", item.published.isoformat())
            _text(entry, "updated", (item.updated or item.published).isoformat())
            for name in item.authors:
                who = ET.SubElement(entry, f"{{{ATOM}}}author")
                _text(who, "name", name)
            for tag in item.tags:
                ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
            _text(entry, "summary", item.summary_html, {"type": "html"})
            if options.full_content:
                _text(entry, "content", item.content_html, {"type": "html"})
        return _xml(root)
    finally:
        ET.register_namespace("atom", ATOM)


def json_feed(info: FeedInfo, items: list[FeedItem], options: FeedOptions) -> bytes:
    feed: dict = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home,
        "feed_url": info.self_url,
        "language": info.language,
        "authors": [{"name": info.author or info.title}],
        "items": [],
    }
    if info.description:
        feed["description"] = info.description
    for item in _limit(items, options):
        entry: dict = {"id": item.id, "url": item.url, "title": item.title}
        if item.external_url:
            entry["external_url"] = item.external_url
        if options.full_content:
            entry["content_html"] = item.content_html
        entry["summary"] = _plain(item.summary_html)
        entry["date_published"] = item.published.isoformat()
        if item.updated:
            entry["date_modified"] = item.updated.isoformat()
        if item.authors:
            entry["authors"] = [{"name": a} for a in item.authors]
        if item.tags:
            entry["tags"] = list(item.tags)
        if item.image:
            entry["image"] = item.image
        feed["items"].append(entry)
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _plain(html: str) -> str:
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _text(parent: ET.Element, tag: str, text: str, attrs: dict[str, str] | None = None) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs or {}).text = text


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
