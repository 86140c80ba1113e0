"""Rewrite the URL attributes of an HTML fragment, found by an HTML parser, never a regex.

Pages link relative to their source folder and feeds need every URL
absolute, so rendered HTML has its `href`s and `src`s rewritten twice. A
regular expression cannot tell an attribute from text that looks like one:
it can start inside another attribute's value (`title="a href='x'
onmouseover='…'"`) and, by re-quoting it, close that value and turn the
rest into a live attribute; or rewrite `href="…"` shown in a code sample.
Here the fragment is tokenised by `html.parser`, and only the start tags
whose URL attributes change are written again, from their parsed
attributes, every value double-quoted and escaped. Everything else, text,
code, comments and unchanged tags, is copied through byte for byte.

What a fix sees is the attribute's value decoded, as a browser would
follow it; what it returns is escaped here, and None drops the attribute
(the contract of nh3's attribute filter, so one fix can serve both). A fix
returning its input leaves the tag as it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from html.parser import HTMLParser

# (tag, attribute, decoded value) -> the new decoded value, or None to drop the attribute.
Fix = Callable[[str, str, str], str | None]

# The attributes whose value is a URL a reader follows or a browser loads.
URL_ATTRS = frozenset({"href", "src", "srcset", "poster"})


def rewrite(
    html: str, fix: Fix, names: Collection[str] = URL_ATTRS, tags: Collection[str] | None = None
) -> str:
    """`html` with `fix` applied to each attribute in `names` (of `tags`, or of any tag)."""
    lowered = html.lower()
    if not any(name in lowered for name in names):  # no such attribute anywhere: no parse
        return html
    parser = _Rewriter(html, fix, names, tags)
    parser.feed(html)
    parser.close()
    return parser.result()


def quote_attr(value: str) -> str:
    """An attribute value, double-quoted, as an HTML serialiser writes it (html5ever's
    rules: `&`, `"`, `<`, `>` and no-break space escaped; nothing else)."""
    for char, entity in _ESCAPES:
        if char in value:
            value = value.replace(char, entity)
    return f'"{value}"'


_ESCAPES = (("&", "&amp;"), ('"', "&quot;"), ("<", "&lt;"), (">", "&gt;"), ("\xa0", "&nbsp;"))


class _Rewriter(HTMLParser):
    """Collects the fragment as (unchanged source, rewritten tag, unchanged source, …)."""

    def __init__(
        self, html: str, fix: Fix, names: Collection[str], tags: Collection[str] | None
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.source = html
        self.fix = fix
        self.names = names
        self.tags = tags
        self.pieces: list[str] = []
        self.copied = 0  # source up to here is in `pieces`
        self.line_starts: list[int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.tags is not None and tag not in self.tags:
            return
        changed = False
        new: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if value is not None and name in self.names:
                fixed = self.fix(tag, name, value)
                changed = changed or fixed != value
                if fixed is None:
                    continue
                value = fixed
            new.append((name, value))
        if changed:
            self._replace(tag, new)

    handle_startendtag = handle_starttag

    def _replace(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self._offset()
        assert self.source.startswith(raw, start), "the parser's position is off"
        parts = [f"<{tag}"]
        for name, value in attrs:
            parts.append(f" {name}" if value is None else f" {name}={quote_attr(value)}")
        parts.append("/>" if raw.endswith("/>") else ">")
        self.pieces += [self.source[self.copied : start], "".join(parts)]
        self.copied = start + len(raw)

    def _offset(self) -> int:
        """Where the tag being handled starts in the source (the parser counts lines)."""
        line, column = self.getpos()
        if line == 1:
            return column
        if self.line_starts is None:
            starts, at = [0], self.source.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = self.source.find("\n", at + 1)
            self.line_starts = starts
        return self.line_starts[line - 1] + column

    def result(self) -> str:
        if not self.pieces:
            return self.source
        return "".join(self.pieces) + self.source[self.copied :]
