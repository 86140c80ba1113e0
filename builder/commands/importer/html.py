"""The saved-page reader: what a page says about itself, and its article as Blocks.

Metadata is read from the whole page, each field from the best candidate that is usable:
title (og:title, JSON-LD headline, the article's <h1>, <title> minus the site name),
date (article:published_time, JSON-LD datePublished, <time>), author, canonical URL, site
name and keywords (JSON-LD keywords, article:tag, meta keywords, rel=tag links). The body
comes from `pageblocks`, which also reports what it left out. The standard library's
parser is used: docs/import.md records why this beat trafilatura on our saved pages.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from builder.commands.importer.dates import parse_date
from builder.commands.importer.htmltree import parse, text_of, walk
from builder.commands.importer.model import (
    ASCII_WS,
    Block,
    Date,
    Draft,
    ImportFailure,
    Removal,
    collapse,
    words,
)
from builder.commands.importer.pageblocks import BlockWriter, content_root, outside, weight
from builder.core.urls import parse_url

_ARTICLE_TYPES = words(
    "Article NewsArticle BlogPosting ReportageNews AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle Report SocialMediaPosting"
)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_DATE_HINT = (
    "the page has no <time datetime>, article:published_time or JSON-LD datePublished; "
    "save the article as text with a dateline instead"
)


@dataclass(frozen=True)
class HtmlArticle:
    """What a page says about itself: for each field the best candidate that is usable."""

    title: str | None
    date: Date | None
    author: str | None
    url: str | None
    site_name: str | None
    keywords: tuple[str, ...]
    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...]


def _strip_site(title: str, site: str | None) -> str:
    """'Headline | Site' → 'Headline' (and the site name alone → '')."""
    if site and title.casefold().endswith(site.casefold()):
        rest = title[: -len(site)].rstrip()
        if not rest or rest[-1] in "|-–—:·•»":
            return rest.rstrip("|-–—:·•» ")
    return title


def _ld_articles(scripts: list[str]) -> list[dict[str, object]]:
    """JSON-LD objects describing an article, found anywhere (@graph included)."""
    found: list[dict[str, object]] = []
    todo: list[object] = []
    for raw in scripts:
        try:
            todo.append(json.loads(raw))
        except ValueError:
            continue
    while todo:
        item = todo.pop(0)
        if isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, dict):
            kind = item.get("@type")
            if ({kind} if isinstance(kind, str) else set(kind or ())) & _ARTICLE_TYPES:
                found.append(item)
            todo.append(item.get("@graph"))
    return found


def _ld_names(value: object) -> list[str]:
    """Names from a schema.org Person/Organization, a list of them, or a string."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    return [value] if isinstance(value, str) else []


def _ld_url(value: object) -> list[str]:
    """A URL given as a string or as {"@id": ...}."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return [value] if isinstance(value, str) else []


def _absolute(url: str) -> bool:
    parsed = parse_url(url)
    return not isinstance(parsed, str) and parsed.is_web


def _split_keywords(value: object) -> list[str]:
    """Keywords as a list, or a comma-separated string."""
    if isinstance(value, list):
        return [collapse(v) for v in value if isinstance(v, str) and v.strip()]
    if isinstance(value, str):
        return [collapse(v) for v in value.split(",") if v.strip()]
    return []


def extract_html(source: str, zone: datetime.tzinfo, url: str | None = None) -> HtmlArticle:
    """Parse a saved page: metadata from the whole page, blocks from its content root.

    `url` (the editor's --url, or the address fetched) resolves relative links when the
    page names no URL itself.
    """
    tree = parse(source)
    elements = walk(tree.root)
    meta: dict[str, list[str]] = {}
    links: dict[str, str] = {}
    scripts: list[str] = []
    for e in elements:
        key = e.attrs.get("property") or e.attrs.get("name") or e.attrs.get("itemprop") or ""
        if e.tag == "meta" and key and e.attrs.get("content", "").strip():
            meta.setdefault(key.lower(), []).append(ASCII_WS.sub(" ", e.attrs["content"]).strip())
        elif e.tag in ("link", "base") and e.attrs.get("href"):
            for rel in e.attrs.get("rel", e.tag).lower().split():
                links.setdefault(rel, e.attrs["href"].strip())
        elif e.tag == "script" and "ld+json" in e.attrs.get("type", ""):
            scripts.append("".join(c for c in e.children if isinstance(c, str)))
    ld = _ld_articles(scripts)
    root = content_root(elements, tree.root)
    near = [*walk(root), *elements]  # inside the article first, then anywhere

    def first(key: str) -> str:
        return meta.get(key, [""])[0]

    def ld_first(key: str) -> list[str]:
        return [v for obj in ld if isinstance(v := obj.get(key), str)][:1]

    titles = [first("og:title"), *ld_first("headline")]
    titles += [text_of(e) for e in near if e.tag == "h1"]
    titles += [text_of(e) for e in elements if e.tag == "title"]
    keys = ("article:published_time", "datepublished", "date", "pubdate", "dc.date")
    dates = [first(k) for k in keys] + ld_first("datePublished")
    dates += [e.attrs.get("datetime", "") for e in near if e.tag == "time"]
    dates += [text_of(e) for e in near if e.tag == "time"]
    authors = [first("author"), first("article:author")]
    authors += [", ".join(dict.fromkeys(_ld_names(obj.get("author")))) for obj in ld]
    authors += [text_of(e) for e in near if e.tag == "a" and "author" in e.attrs.get("rel", "")]
    urls = [links.get("canonical", ""), first("og:url")]
    urls += [u for obj in ld for k in ("url", "mainEntityOfPage") for u in _ld_url(obj.get(k))]
    urls += [m.group(1) for c in tree.comments if (m := _SAVED_FROM.search(c))]
    urls = [u.strip() for u in urls if _absolute(u.strip())]
    keywords = [k for obj in ld for k in _split_keywords(obj.get("keywords"))]
    keywords += meta.get("article:tag", []) + _split_keywords(first("news_keywords"))
    keywords += _split_keywords(first("keywords"))
    keywords += [
        text_of(e) for e in near if e.tag == "a" and "tag" in e.attrs.get("rel", "").split()
    ]
    publisher = [n for obj in ld for n in _ld_names(obj.get("publisher"))]
    writer = BlockWriter(links.get("base") or next(iter(urls), url), weight(root))
    writer.visit(root)
    site = first("og:site_name") or next(iter(publisher), None)
    names = (re.sub(r"(?i)^(?:written )?by\s+", "", collapse(a)) for a in authors)
    return HtmlArticle(
        title=next((t for t in (_strip_site(collapse(t), site) for t in titles) if t), None),
        date=next((d for s in dates if (d := parse_date(s, zone))), None),
        author=next((a for a in names if a and not _absolute(a)), None),
        url=next(iter(urls), None),
        site_name=site,
        keywords=tuple(dict.fromkeys(k for k in keywords if k)),
        blocks=tuple(writer.blocks),
        removals=tuple(sorted([*outside(tree.root, root), *writer.removals], key=lambda r: r.line)),
    )


def read_html(source: str, zone: datetime.tzinfo, url: str | None = None) -> Draft:
    """A saved page as a Draft, like `read_text`; a page without headline or date fails."""
    page = extract_html(source, zone, url)
    if page.title is None:
        raise ImportFailure("no headline found", hint="the page has no og:title, <h1> or <title>")
    if page.date is None:
        raise ImportFailure("no date found", hint=_DATE_HINT)
    return Draft(
        page.title,
        page.date,
        page.blocks,
        page.removals,
        page.author,
        page.url,
        page.site_name,
        page.keywords,
    )
