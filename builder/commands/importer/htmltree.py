"""A saved page as a forgiving tree, built with the standard library's `html.parser`.

Pages saved from browsers are rarely valid HTML, so the builder closes an open `<p>` at
the next block and an `<li>` at the next item, ignores stray end tags, and caps nesting.
Each element keeps the line it starts on, so the removal report can point into the page.
"""

from __future__ import annotations

from html.parser import HTMLParser

from builder.commands.importer.model import ASCII_WS, words

VOID = words("area base br col embed hr img input link meta param source track wbr")
INLINE = words(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd label mark q s "
    "samp small span strike strong sub sup time tt u var wbr"
)


class Node:
    """A minimal mutable element used only while reading a page (never leaves the reader)."""

    __slots__ = ("attrs", "children", "line", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], line: int = 0) -> None:
        self.tag = tag
        self.attrs = attrs
        self.line = line
        self.children: list[Node | str] = []

    def names(self) -> str:
        """Its class and id, lower-cased: where pages say what an element is for."""
        return f"{self.attrs.get('class', '')} {self.attrs.get('id', '')}".lower()


class TreeBuilder(HTMLParser):
    """Builds the tree: implicit </p> and </li>, stray end tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, 1)
        self.stack = [self.root]
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:  # a block start closes an open <p>; <li> closes an <li>
            target = "li" if tag == "li" else "p"
            for i in range(len(self.stack) - 1, 0, -1):
                if self.stack[i].tag == target:
                    del self.stack[i:]
                    break
                if self.stack[i].tag not in INLINE and (
                    target == "p" or self.stack[i].tag in ("ul", "ol")
                ):
                    break
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(node)
        if tag not in VOID and len(self.stack) < 200:  # unclosed tags can't nest us to death
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


def parse(source: str) -> TreeBuilder:
    """The page's tree (`.root`) and its comments."""
    builder = TreeBuilder()
    builder.feed(source)
    builder.close()
    return builder


def walk(node: Node) -> list[Node]:
    """All elements below node, in document order."""
    return [n for c in node.children if isinstance(c, Node) for n in (c, *walk(c))]


def text_of(node: Node) -> str:
    """The whitespace-collapsed text of a subtree, scripts and styles excluded."""
    parts = [
        c if isinstance(c, str) else text_of(c)
        for c in node.children
        if isinstance(c, str) or c.tag not in ("script", "style", "template", "noscript")
    ]
    return ASCII_WS.sub(" ", " ".join(parts) if _blocky(node) else "".join(parts)).strip()


def _blocky(node: Node) -> bool:
    """Children of block elements are joined with a space (two <li> are two words)."""
    return any(isinstance(c, Node) and c.tag not in INLINE for c in node.children)


def spaced_text(node: Node) -> str:
    """Every piece of text in a subtree, one space between pieces: how a removal is shown
    ("Share on X Email", not "Share on XEmail")."""
    parts = [
        c if isinstance(c, str) else spaced_text(c)
        for c in node.children
        if isinstance(c, str) or c.tag not in ("script", "style", "template", "noscript")
    ]
    return ASCII_WS.sub(" ", " ".join(parts)).strip()
