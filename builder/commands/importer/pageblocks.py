"""The body of a saved page: find the article element, turn it into Blocks, and say what
was left out and why.

The article element is the heaviest `<article>`, `itemprop=articleBody` or content-classed
element, unless `<main>`/`<body>` holds more than twice its text (then it was a teaser
card). Inside it, navigation, forms, hidden elements and elements whose class says ad,
share, comments, related, newsletter or cookie are furniture; everything outside it is
reported as outside the article. Figures keep their image and caption, tables become pipe
tables, `<b>`/`<strong>` and `<i>`/`<em>` stay emphasis, links become absolute.
"""

from __future__ import annotations

import re

from builder.commands.importer.htmltree import INLINE, Node, spaced_text, text_of, walk
from builder.commands.importer.model import Block, Inline, Removal, words
from builder.core.urls import join_url, parse_url

# Whole subtrees that are never article text: no report for what no reader sees.
_INVISIBLE = words("script style noscript template svg head canvas object embed video audio")
_TAG_REASONS = {
    "nav": "navigation", "header": "page header", "footer": "page footer", "aside": "sidebar",
    "form": "form", "button": "button", "iframe": "embedded frame", "select": "form",
    "textarea": "form", "input": "form", "dialog": "pop-up", "menu": "navigation",
}  # fmt: skip
_ROLE_REASONS = {
    "navigation": "navigation", "complementary": "sidebar", "banner": "page header",
    "contentinfo": "page footer", "search": "search box", "dialog": "pop-up", "alert": "pop-up",
    "menu": "navigation",
}  # fmt: skip
# Words in class/id values that mark page furniture, and what to call it in the report.
_CLASS_REASONS = {
    **dict.fromkeys(
        words(
            "ad ads adsbygoogle advert adverts advertisement advertising "
            "sponsor sponsored promo dfp"
        ),
        "advertisement",
    ),
    **dict.fromkeys(words("comment comments disqus respond"), "comments"),
    **dict.fromkeys(words("share sharing social sharebar"), "share bar"),
    **dict.fromkeys(words("related recommended outbrain taboola more-stories"), "related stories"),
    **dict.fromkeys(words("newsletter subscribe subscription signup"), "newsletter sign-up"),
    **dict.fromkeys(words("cookie cookies consent gdpr"), "cookie banner"),
    **dict.fromkeys(words("sidebar widget rail"), "sidebar"),
    **dict.fromkeys(words("breadcrumb breadcrumbs"), "breadcrumbs"),
    **dict.fromkeys(words("byline author-info"), "byline"),
    **dict.fromkeys(words("tags tag-list topics"), "tag list"),
    **dict.fromkeys(words("nav navbar menu topbar toolbar"), "navigation"),
    **dict.fromkeys(words("footer"), "page footer"),
    **dict.fromkeys(words("header masthead"), "page header"),
    **dict.fromkeys(words("popup modal"), "pop-up"),
    **dict.fromkeys(words("paywall"), "paywall notice"),
}
_CONTENT_CLASS = re.compile(
    r"article[-_]?(?:body|content|text)|entry[-_]content|post[-_](?:body|content)|"
    r"story[-_](?:body|content)"
)
_NOT_INLINE = words("ul ol img figure figcaption")
_STYLE = {"b": "strong", "strong": "strong", "i": "em", "em": "em"}


def junk(node: Node) -> str | None:
    """Why an element is furniture, or None; "" for what no reader sees (scripts,
    styles), which needs no report."""
    found = junk_tag(node)
    return junk_class(node) if found is None else found


def junk_tag(node: Node) -> str | None:
    """Furniture by tag, ARIA role or hidden state: never article text."""
    a = node.attrs
    if node.tag in _INVISIBLE:
        return ""
    if node.tag in _TAG_REASONS:
        return _TAG_REASONS[node.tag]
    if a.get("role") in _ROLE_REASONS:
        return _ROLE_REASONS[a["role"]]
    style = a.get("style", "").replace(" ", "")
    if "hidden" in a or a.get("aria-hidden") == "true" or "display:none" in style:
        return "hidden element"
    return None


def junk_class(node: Node) -> str | None:
    """Furniture by a telling class/id word (ad, comments, share, related…), unless the
    element also says it is the article text ("entry-content share-enabled")."""
    names = node.names()
    if _CONTENT_CLASS.search(names):
        return None
    for part in re.split(r"[\s_]+", names):
        for word in (part, *part.split("-")):
            if word in _CLASS_REASONS:
                return _CLASS_REASONS[word]
    return None


def weight(node: Node) -> int:
    """Characters of <p> text under node, furniture excluded: how article-like it is."""
    if node.tag == "p":
        return len(text_of(node))
    return sum(weight(c) for c in node.children if isinstance(c, Node) and junk_tag(c) is None)


def content_root(elements: list[Node], fallback: Node) -> Node:
    """The heaviest article-like element, unless <main> or <body> holds twice its text."""
    broad = next((e for e in elements if e.tag == "main" or e.attrs.get("role") == "main"), None)
    broad = broad or next((e for e in elements if e.tag == "body"), fallback)
    specific = [
        e for e in elements
        if e.tag == "article" or e.attrs.get("itemprop") == "articleBody"
        or _CONTENT_CLASS.search(e.names())
    ]  # fmt: skip
    best = max(specific, key=weight, default=None)
    return best if best is not None and 2 * weight(best) >= weight(broad) else broad


def outside(top: Node, root: Node) -> list[Removal]:
    """Every text-bearing part of the page that is not inside `root`, with why."""
    path = _path(top, root) or [top]
    found: list[Removal] = []
    for parent, child in zip(path, path[1:], strict=False):
        for sibling in parent.children:
            if sibling is child:
                continue
            if isinstance(sibling, str):
                if sibling.strip() and parent.tag not in _INVISIBLE | {"title"}:
                    found.append(
                        Removal(parent.line, sibling.strip(), "outside the article", guess=True)
                    )
            elif (reason := junk(sibling)) != "" and (text := spaced_text(sibling)):
                found.append(
                    Removal(
                        sibling.line, text, reason or "outside the article", guess=reason is None
                    )
                )
    return found


def _path(top: Node, target: Node) -> list[Node] | None:
    """The elements from top down to target (both included), or None."""
    if top is target:
        return [top]
    for child in top.children:
        if isinstance(child, Node) and (found := _path(child, target)):
            return [top, *found]
    return None


class BlockWriter:
    """Turns the article element into Blocks, recording each piece of furniture skipped."""

    def __init__(self, base: str | None, root_weight: int) -> None:
        self.base = base
        self.root_weight = root_weight  # so one class word cannot drop most of the article
        self.blocks: list[Block] = []
        self.removals: list[Removal] = []
        self.loose = Node("#loose", {})  # text and inline elements between blocks

    def visit(self, node: Node) -> None:
        for child in node.children:
            if isinstance(child, str) or (child.tag in INLINE and child.tag != "img"):
                if not self.loose.children:
                    self.loose.line = node.line if isinstance(child, str) else child.line
                self.loose.children.append(child)
                continue
            reason = junk_tag(child)
            if reason is None and 2 * weight(child) < self.root_weight:
                reason = junk_class(child)  # a class word cannot drop most of the article
            if reason is not None:
                if reason and (text := spaced_text(child)):
                    self.removals.append(Removal(child.line, text, reason))
                continue
            self.flush()
            self.block(child)
        self.flush()

    def flush(self) -> None:
        if text_of(self.loose):
            self.paragraph(self.inlines(self.loose), self.loose.line)
        self.loose = Node("#loose", {})

    def paragraph(self, item: tuple[Inline, ...], line: int) -> None:
        """A paragraph, unless it is only a few links (a menu or a sign-in bar)."""
        text = " ".join(i.text for i in item if i.text.strip())
        links = [i for i in item if i.href]
        if (
            links
            and all(i.href or not i.text.strip() for i in item)
            and len(text.split()) <= 8
            and len(links) > 1
        ):
            self.removals.append(
                Removal(line, " ".join(text.split()), "links only (a menu)", guess=True)
            )
        else:
            self.add("p", (item,), line)

    def add(
        self,
        kind: str,
        items: tuple[tuple[Inline, ...], ...],
        line: int,
        columns: int = 0,
        src: str = "",
    ) -> None:
        self.blocks.append(Block(kind, items, line, len(self.blocks), columns, src))

    def block(self, node: Node) -> None:
        tag = node.tag
        if tag in ("p", "pre", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"):
            kind = tag if tag[0] == "h" else "p"  # the sweep drops a repeated h1, demotes others
            for img in (n for n in walk(node) if n.tag == "img"):
                self.image(img)
            if text_of(node) and kind == "p":
                self.paragraph(self.inlines(node), node.line)
            elif text_of(node):
                self.add(kind, (self.inlines(node),), node.line)
        elif tag == "blockquote":
            inner = BlockWriter(self.base, self.root_weight)
            inner.visit(node)
            self.removals += inner.removals
            items = tuple(i for b in inner.blocks for i in b.items if b.kind != "image")
            if items:
                self.add("quote", items, node.line)
        elif tag in ("ul", "ol"):
            items = tuple(self.items(node))
            if items:
                self.add(tag, items, node.line)
        elif tag == "figure":
            self.figure(node)
        elif tag == "img":
            self.image(node)
        elif tag != "table" or not self.table(node):
            self.visit(node)

    def figure(self, node: Node) -> None:
        """An image (or several) with its caption; a figure without image keeps its text."""
        caption = next((n for n in walk(node) if n.tag == "figcaption"), None)
        images = [n for n in walk(node) if n.tag == "img"]
        for img in images:
            self.image(img)
        if caption is not None and text_of(caption):
            self.add("caption", (self.inlines(caption),), caption.line)
        if not images:
            rest = Node("div", {}, node.line)
            rest.children = [c for c in node.children if c is not caption]
            self.visit(rest)

    def image(self, node: Node) -> None:
        src = node.attrs.get("src", "").strip() or node.attrs.get("data-src", "").strip()
        alt = " ".join(node.attrs.get("alt", "").split())
        href = _joined(self.base, src) if src else ""
        if node.attrs.get("width") == "1" or node.attrs.get("height") == "1":
            return  # a tracking pixel: nothing a reader sees
        if _scheme(href) not in ("http", "https"):
            self.removals.append(
                Removal(node.line, alt or src[:80] or "(no address)", "image without a web address")
            )
            return
        self.add("image", ((Inline(alt),),), node.line, src=href)

    def table(self, node: Node) -> bool:
        """A data table (two columns or more, no table inside) as a table block."""
        rows = [r for r in walk(node) if r.tag == "tr"]
        if any(n.tag == "table" for n in walk(node)) or not rows:
            return False
        cells = [
            [c for c in r.children if isinstance(c, Node) and c.tag in ("td", "th")] for r in rows
        ]
        width = max(len(r) for r in cells)
        if width < 2:
            return False
        items = []
        for row in cells:
            items += [self.inlines(c) for c in row] + [(Inline(""),)] * (width - len(row))
        self.add("table", tuple(items), node.line, columns=width)
        return True

    def items(self, node: Node) -> list[tuple[Inline, ...]]:
        """List items in order; nested lists are flattened into the same list."""
        items: list[tuple[Inline, ...]] = []
        for li in (c for c in node.children if isinstance(c, Node) and c.tag == "li"):
            items.append(self.inlines(li))
            for sub in (n for n in walk(li) if n.tag in ("ul", "ol")):
                items.extend(self.items(sub))
        return items

    def inlines(self, node: Node, style: str = "") -> tuple[Inline, ...]:
        """Inline content flattened, keeping emphasis and links (made absolute)."""
        out: list[Inline] = []
        for child in node.children:
            if isinstance(child, str):
                out.append(Inline(child, style=style))
            elif child.tag == "br":
                out.append(Inline(" "))
            elif child.tag in _NOT_INLINE or junk(child) is not None:
                continue
            elif child.tag == "a" and child.attrs.get("href"):
                raw = child.attrs["href"].strip()
                href = _joined(self.base, raw)
                # A link still relative here would point into our own site, an in-page or
                # script link nowhere useful, one that cannot be parsed nowhere: keep the text.
                keep = not raw.startswith("#") and _scheme(href) in ("http", "https", "mailto")
                out.append(Inline(text_of(child), href if keep else None))
            else:
                out.extend(self.inlines(child, style or _STYLE.get(child.tag, "")))
        return tuple(out)


def _joined(base: str | None, url: str) -> str:
    """`url` resolved against the page's base, or "" when either cannot be parsed: an
    imported page is untrusted input, and a URL that leads nowhere is dropped, its text kept."""
    joined = join_url(base or "", url) if base else parse_url(url)
    return "" if isinstance(joined, str) else joined.text


def _scheme(url: str) -> str:
    parsed = parse_url(url)
    return "" if isinstance(parsed, str) else parsed.scheme
