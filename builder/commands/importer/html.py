"""Reading side of `broadsheet import`, part two: saved HTML pages.

A page becomes plain data (`HtmlArticle`) made of the same `Block` and `Inline` values the
plain-text reader builds (see `importer_text`), so cleaning and rendering are shared and
`importer.py` never sees HTML. Only the standard library's `html.parser` is used: the
vetted extraction libraries would add a dependency for what a short, well-tested walk
over the tree does here.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from builder.commands.importer.text import (
    ASCII_WS,
    Block,
    Date,
    Draft,
    ImportFailure,
    Inline,
    collapse,
    parse_date,
    words,
)
from builder.core.urls import join_url, parse_url


@dataclass(frozen=True)
class HtmlArticle:
    """What a page says about itself: for each field the best candidate that is usable."""

    title: str | None
    date: Date | None
    author: str | None
    url: str | None
    site_name: str | None
    blocks: tuple[Block, ...]


def _strip_site(title: str, site: str | None) -> str:
    """'Headline | Site' → 'Headline' (and the site name alone → '')."""
    if site and title.casefold().endswith(site.casefold()):
        rest = title[: -len(site)].rstrip()
        if not rest or rest[-1] in "|-–—:·•»":
            return rest.rstrip("|-–—:·•» ")
    return title


class _Node:
    """A minimal mutable element used only while parsing (never leaves this module)."""

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []

    def names(self) -> str:
        return f"{self.attrs.get('class', '')} {self.attrs.get('id', '')}".lower()


_VOID = words("area base br col embed hr img input link meta param source track wbr")
_INLINE = words(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd label mark q s "
    "samp small span strike strong sub sup time tt u var wbr"
)
# Whole subtrees that are never article text, whatever their class says.
_DROP_TAGS = words(
    "script style noscript template svg nav header footer aside form button iframe select "
    "textarea input figure canvas object embed video audio dialog menu head img"
)
_DROP_ROLES = words("navigation complementary banner contentinfo search dialog alert menu")
# Words in class/id values that mark ads, comments, sharing and other page furniture.
_JUNK_WORDS = words(
    "ad ads adsbygoogle advert adverts advertisement advertising sponsor sponsored promo "
    "banner comment comments disqus respond share sharing social related recommended "
    "newsletter subscribe subscription sidebar widget cookie cookies consent popup modal "
    "breadcrumb breadcrumbs byline tags nav navbar menu footer header masthead outbrain "
    "taboola paywall"
)
_CONTENT_CLASS = re.compile(
    r"article[-_]?(?:body|content|text)|entry[-_]content|post[-_](?:body|content)|"
    r"story[-_](?:body|content)"
)
_ARTICLE_TYPES = words(
    "Article NewsArticle BlogPosting ReportageNews AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle Report"
)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")


class _TreeBuilder(HTMLParser):
    """Builds a forgiving tree: implicit </p> and </li>, stray end tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INLINE:  # a block start closes an open <p>; <li> closes an <li>
            target = "li" if tag == "li" else "p"
            for i in range(len(self.stack) - 1, 0, -1):
                if self.stack[i].tag == target:
                    del self.stack[i:]
                    break
                if self.stack[i].tag not in _INLINE and (
                    target == "p" or self.stack[i].tag in ("ul", "ol")
                ):
                    break
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < 200:  # unclosed tags can't nest us to death
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _walk(node: _Node) -> list[_Node]:
    """All elements below node, in document order."""
    return [n for c in node.children if isinstance(c, _Node) for n in (c, *_walk(c))]


def _text(node: _Node) -> str:
    """The whitespace-collapsed text of a subtree, scripts and styles excluded."""
    parts = [
        c if isinstance(c, str) else _text(c)
        for c in node.children
        if isinstance(c, str) or c.tag not in ("script", "style", "template")
    ]
    return ASCII_WS.sub(" ", "".join(parts)).strip()


def _junk_tag(node: _Node) -> bool:
    """Furniture by tag, ARIA role or hidden state: never article text."""
    a = node.attrs
    return (
        node.tag in _DROP_TAGS
        or a.get("role") in _DROP_ROLES
        or "hidden" in a
        or a.get("aria-hidden") == "true"
        or "display:none" in a.get("style", "").replace(" ", "")
    )


def _junk_class(node: _Node) -> bool:
    """Furniture by a telling class/id word (ad, comments, share, related…), unless the
    element also says it is the article text ("entry-content share-enabled")."""
    names = node.names()
    words_ = re.split(r"[\s_-]+", names)
    return not _CONTENT_CLASS.search(names) and any(w in _JUNK_WORDS for w in words_)


def _weight(node: _Node) -> int:
    """Characters of <p> text under node, furniture tags excluded: how article-like."""
    if node.tag == "p":
        return len(_text(node))
    return sum(_weight(c) for c in node.children if isinstance(c, _Node) and not _junk_tag(c))


def _content_root(elements: list[_Node], fallback: _Node) -> _Node:
    """The heaviest <article>/articleBody/content div, unless <main> or <body> holds
    more than twice its text (then the article element was only a teaser card)."""
    broad = next((e for e in elements if e.tag == "main" or e.attrs.get("role") == "main"), None)
    broad = broad or next((e for e in elements if e.tag == "body"), fallback)
    specific = [
        e
        for e in elements
        if e.tag == "article"
        or e.attrs.get("itemprop") == "articleBody"
        or _CONTENT_CLASS.search(e.names())
    ]
    best = max(specific, key=_weight, default=None)
    return best if best is not None and 2 * _weight(best) >= _weight(broad) else broad


def _inlines(node: _Node, base: str | None) -> list[Inline]:
    """Flatten inline content, keeping links (made absolute against the page URL)."""
    out: list[Inline] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(Inline(child))
        elif child.tag == "br":
            out.append(Inline(" "))
        elif child.tag in ("ul", "ol") or _junk_tag(child) or _junk_class(child):
            continue
        elif child.tag == "a" and child.attrs.get("href"):
            raw = child.attrs["href"].strip()
            joined = join_url(base or "", raw)
            # A link still relative here would point into our own site, an in-page or
            # script link nowhere useful, one that cannot be parsed nowhere: keep the text.
            href = None if isinstance(joined, str) or raw.startswith("#") \
                or joined.scheme not in ("http", "https", "mailto") else joined.text
            out.append(Inline(_text(child), href))
        else:
            out.extend(_inlines(child, base))
    return out


class _BlockWriter:
    """Turns the content element into Blocks, skipping furniture."""

    def __init__(self, base: str | None, weight: int) -> None:
        self.base = base
        self.weight = weight  # the content root's, so a class word cannot drop most of it
        self.blocks: list[Block] = []
        self.loose = _Node("#loose", {})  # text and inline elements between blocks

    def visit(self, node: _Node) -> None:
        for child in node.children:
            if isinstance(child, str) or child.tag in _INLINE:
                self.loose.children.append(child)
            elif not _junk_tag(child) and not (
                _junk_class(child) and 2 * _weight(child) < self.weight
            ):
                self.flush()
                self._block(child)
        self.flush()

    def flush(self) -> None:
        if _text(self.loose):
            self.blocks.append(Block("p", (tuple(_inlines(self.loose, self.base)),)))
        self.loose = _Node("#loose", {})

    def _block(self, node: _Node) -> None:
        if node.tag in ("p", "pre", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"):
            kind = node.tag if node.tag[0] == "h" else "p"
            self.blocks.append(Block(kind, (tuple(_inlines(node, self.base)),)))
        elif node.tag == "blockquote":
            inner = _BlockWriter(self.base, self.weight)
            inner.visit(node)
            self.blocks.append(Block("quote", tuple(i for b in inner.blocks for i in b.items)))
        elif node.tag in ("ul", "ol"):
            self.blocks.append(Block(node.tag, tuple(self._items(node))))
        else:
            self.visit(node)

    def _items(self, node: _Node) -> list[tuple[Inline, ...]]:
        """List items in order; nested lists are flattened into the same list."""
        items: list[tuple[Inline, ...]] = []
        for li in (c for c in node.children if isinstance(c, _Node) and c.tag == "li"):
            items.append(tuple(_inlines(li, self.base)))
            for sub in (n for n in _walk(li) if n.tag in ("ul", "ol")):
                items.extend(self._items(sub))
        return items


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


def extract_html(source: str, zone: datetime.tzinfo, url: str | None = None) -> HtmlArticle:
    """Parse a saved page: metadata from the whole page, blocks from its content root.

    `url` (the editor's --url) resolves relative links when the page names no URL itself.
    """
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    elements = _walk(builder.root)
    meta: dict[str, str] = {}
    links: dict[str, str] = {}
    scripts: list[str] = []
    for e in elements:
        key = e.attrs.get("property") or e.attrs.get("name") or e.attrs.get("itemprop") or ""
        if e.tag == "meta" and key and e.attrs.get("content", "").strip():
            meta.setdefault(key.lower(), ASCII_WS.sub(" ", e.attrs["content"]).strip())
        elif e.tag in ("link", "base") and e.attrs.get("href"):
            for rel in e.attrs.get("rel", e.tag).lower().split():
                links.setdefault(rel, e.attrs["href"].strip())
        elif e.tag == "script" and "ld+json" in e.attrs.get("type", ""):
            scripts.append("".join(c for c in e.children if isinstance(c, str)))
    ld = _ld_articles(scripts)
    root = _content_root(elements, builder.root)
    near = [*_walk(root), *elements]  # inside the article first, then anywhere

    def ld_first(key: str) -> list[str]:
        return [v for obj in ld if isinstance(v := obj.get(key), str)][:1]

    titles = [meta.get("og:title", ""), *ld_first("headline")]
    titles += [_text(e) for e in near if e.tag == "h1"]
    titles += [_text(e) for e in elements if e.tag == "title"]
    keys = ("article:published_time", "datepublished", "date", "pubdate", "dc.date")
    dates = [meta.get(k, "") for k in keys] + ld_first("datePublished")
    dates += [e.attrs.get("datetime", "") for e in near if e.tag == "time"]
    dates += [_text(e) for e in near if e.tag == "time"]
    authors = [meta.get("author", ""), meta.get("article:author", "")]
    authors += [", ".join(dict.fromkeys(_ld_names(obj.get("author")))) for obj in ld]
    authors += [_text(e) for e in near if e.tag == "a" and "author" in e.attrs.get("rel", "")]
    urls = [links.get("canonical", ""), meta.get("og:url", "")]
    urls += [u for obj in ld for k in ("url", "mainEntityOfPage") for u in _ld_url(obj.get(k))]
    urls += [m.group(1) for c in builder.comments if (m := _SAVED_FROM.search(c))]
    urls = [u.strip() for u in urls if _absolute(u.strip())]
    publisher = [n for obj in ld for n in _ld_names(obj.get("publisher"))]
    writer = _BlockWriter(links.get("base") or next(iter(urls), url), _weight(root))
    writer.visit(root)
    site = meta.get("og:site_name") or next(iter(publisher), None)
    names = (re.sub(r"(?i)^(?:written )?by\s+", "", collapse(a)) for a in authors)
    return HtmlArticle(
        title=next((t for t in (_strip_site(collapse(t), site) for t in titles) if t), None),
        date=next((d for s in dates if (d := parse_date(s, zone))), None),
        author=next((a for a in names if a and not _absolute(a)), None),
        url=next(iter(urls), None),
        site_name=site,
        blocks=tuple(writer.blocks),
    )


_DATE_HINT = (
    "the page has no <time datetime>, article:published_time or JSON-LD datePublished; "
    "save the article as text with a dateline instead"
)


def read_html(source: str, zone: datetime.tzinfo, url: str | None = None) -> Draft:
    """A saved page as a Draft, like `read_text`; a page without headline or date fails."""
    page = extract_html(source, zone, url)
    if page.title is None:
        raise ImportFailure("no headline found", hint="the page has no og:title, <h1> or <title>")
    if page.date is None:
        raise ImportFailure("no date found", hint=_DATE_HINT)
    return Draft(page.title, page.date, page.blocks, page.author, page.url, page.site_name)
