"""Blocks as Markdown that Python-Markdown (with the build's extensions) renders as read.

Text is escaped so nothing in an article becomes markup by accident (`*`, `_`, a `#` or
`1.` at a line start, HTML); the markup an import keeps on purpose is written here only:
`##` headings, `>` quotes, lists, `**bold**` and `*emphasis*`, links, images with their
caption in emphasis below, and pipe tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from builder.commands.importer.model import Block, Inline, inline_runs

_SPECIAL = re.compile(r"[\\`*_{}\[\]]|<(?![ \t]|$)|&(?=#\d|#x[0-9a-f]|[a-z]\w*;)", re.I)
_ENTITIES = {"=": "&#61;", "~": "&#126;", "|": "&#124;", ":": "&#58;"}
_URL_SAFE = "/:?#[]@!$&'*+,;=%~"


def escape_inline(text: str) -> str:
    """Backslash-escape what Python-Markdown would read as inline markup; `<` and `&`
    become entities because Python-Markdown has no backslash escape for them."""

    def sub(m: re.Match[str]) -> str:
        c, i = m.group(), m.start()
        if c in "<&":
            return "&lt;" if c == "<" else "&amp;"
        if c == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            return c  # intraword underscores are never emphasis: keep snake_case readable
        return "\\" + c

    return _SPECIAL.sub(sub, text)


def escape_markdown(text: str) -> str:
    """Escape text so Python-Markdown renders it as written, as one plain paragraph.

    Inline markup (`*`, `_`, backticks, brackets, braces, backslashes, HTML tags and
    entities) is escaped anywhere; block markers only at a line start (`#`, `>`, `-`, `+`,
    `1.`, a `===` underline, a `~~~` fence, a table rule). Expects no leading indentation.
    """
    return "\n".join(_escape_line_start(line) for line in escape_inline(text).split("\n"))


def _escape_line_start(line: str) -> str:
    """A line whose start Python-Markdown would read as a block marker, made plain."""
    if line[:1] in ("#", ">", "-", "+"):
        return "\\" + line
    if m := re.match(r"\d+(?=\.(?:\s|$))", line):
        return f"{m.group()}\\{line[m.end() :]}"
    if line[:1] in _ENTITIES and re.fullmatch(r"=+\s*|[|:\s-]*\|[|:\s-]*|~~~.*", line):
        return _ENTITIES[line[0]] + line[1:]  # no backslash escape exists for these
    return line


def render_item(item: tuple[Inline, ...]) -> str:
    """One line of inlines: escaped text, `*em*`, `**strong**` and `[links](…)`."""
    parts = []
    for text, href, style in inline_runs(item):
        piece = escape_inline(text)
        if style:
            mark = "**" if style == "strong" else "*"
            piece = f"{mark}{piece}{mark}"
        if href:
            piece = f"[{piece}]({quote(href, safe=_URL_SAFE)})"
        parts.append(piece)
    return _escape_line_start("".join(parts))


def _table(block: Block) -> str:
    """A pipe table; the first row is the header, cells keep their inline markup."""
    cells = [render_item(item).replace("|", "\\|") or " " for item in block.items]
    width = block.columns
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * width)
    return "\n".join(lines)


def render(blocks: Sequence[Block]) -> str:
    """Blocks as Markdown, separated by blank lines."""
    out = []
    for block in blocks:
        lines = [render_item(item) for item in block.items]
        if block.kind[0] == "h":  # a closing # would be eaten as ATX heading decoration
            heading = lines[0][:-1] + "\\#" if lines[0].endswith("#") else lines[0]
            out.append("#" * int(block.kind[1]) + " " + heading)
        elif block.kind == "quote":
            out.append("\n>\n".join("> " + line for line in lines))
        elif block.kind in ("ul", "ol"):
            marks = [f"{n}." if block.kind == "ol" else "-" for n in range(1, len(lines) + 1)]
            out.append("\n".join(f"{m} {line}" for m, line in zip(marks, lines, strict=True)))
        elif block.kind == "caption":  # in emphasis as a whole: its own emphasis is dropped
            plain = tuple(Inline(i.text, i.href) for i in block.items[0])
            out.append(f"*{render_item(plain)}*")
        elif block.kind == "image":
            alt = lines[0] if lines else ""
            out.append(f"![{alt}]({quote(block.src, safe=_URL_SAFE)})")
        elif block.kind == "table":
            out.append(_table(block))
        else:
            out.append(lines[0])
    return "\n\n".join(out)
