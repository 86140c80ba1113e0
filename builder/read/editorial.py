"""The front matter editors run editions with, and the links an item's text gives.

Beside the fields every article has (frontmatter.py), an item may name its
edition `section:`, be `featured: true` and credit whoever pointed the
editors to it (`via:`); `link: URL` makes it a link item, listed with a
short comment and no page of its own. An editor's note may close its
edition early (`closed: true`) or set its `number:`. And every item's
links to other sites are collected here with their lines, so link hygiene
(site/links.py) can say where a repeated link is written.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from builder.core.models import OutLink
from builder.core.yamlload import YamlValue, describe
from builder.core.yamlschema import FieldReader

ITEM_KEYS = {"section", "featured", "via", "link"}
NOTE_KEYS = {"closed", "number"}
LINK_WORDS = 80  # the longest comment a link item may carry
# The fields of an article that a link item, having no page, cannot show.
_PAGE_ONLY = ("image", "author", "authors")
_WEB = re.compile(r"https?://[^\s/?#]+", re.I)
# A URL in Markdown or HTML text: up to white space, a quote, or a bracket closing it.
_URL = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.I)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def placement(r: FieldReader, data: dict[str, YamlValue]) -> dict[str, Any]:
    """`section`, `featured` and `via` (ItemFields of core/models), checked for type."""
    section = data.get("section")
    name = r.text(data, "section", None, strip=True)
    return {
        "section": name or None,
        "section_at": (section.line, section.col) if section is not None else (1, 1),
        "featured": r.boolean(data, "featured", False),
        "via": r.text(data, "via", None, strip=True) or None,
    }


def note_fields(r: FieldReader, data: dict[str, YamlValue]) -> dict[str, Any]:
    """`closed` and `number` of an editor's note."""
    value = data.get("number")
    number = None
    if value is not None and value.kind != "null":
        before = len(r.diags.items)
        written = str(value.value).strip()  # `"12"` is told to lose its quotes
        number = r.integer(data, "number", int(written) if written.isdigit() else 1, 0,
                           999_999)
        if len(r.diags.items) > before:
            number = None
    return {
        "closed": r.boolean(data, "closed", False),
        "number": number,
        "number_at": (value.line, value.col) if value is not None else (1, 1),
    }


def link_of(r: FieldReader, data: dict[str, YamlValue], body: str,
            body_line: int) -> str | None:
    """A link item's URL, once its front matter and comment are checked; None on error."""
    value = data["link"]
    url = str(value.value).strip() if value.kind == "str" else ""
    if not _WEB.match(url) or any(c.isspace() for c in url):
        shown = f"`{url}`" if value.kind == "str" else describe(value)
        r.error(value, f"`link` must be an http:// or https:// URL, found {shown}",
                "write  link: https://example.org/story")
        url = ""
    source = data.get("source")
    if source is not None:
        r.error(source, "a link item has no `source`: its `link` is what it points at",
                "remove `source:`, or remove `link:` to make it an article")
    for key in _PAGE_ONLY:
        if key in data:
            r.diags.warning(r.path, data[key].key_line, data[key].key_col,
                            f"`{key}` is ignored: a link item has no page of its own",
                            f"remove `{key}:`, or remove `link:` to make it an article")
    words = len(body.split())
    if words > LINK_WORDS:
        start = body_line + next(i for i, line in enumerate(body.split("\n")) if line.strip())
        r.diags.error(r.path, start, 1,
                      f"a link item's comment is {words} words; at most {LINK_WORDS}",
                      "shorten it, or remove `link:` to make it an article with a page")
    return url or None


def curated(data: dict[str, YamlValue]) -> OutLink | None:
    """The URL an item curates (`link:`, else `source:`'s), where it is written."""
    value = data.get("link") or data.get("source")
    if value is not None and value.kind == "map":
        value = value.value.get("url")
    if value is None or value.kind != "str" or not _WEB.match(str(value.value).strip()):
        return None
    return OutLink(str(value.value).strip(), value.line, value.col, curated=True)


def outbound_links(body: str, body_line: int) -> tuple[OutLink, ...]:
    """Every http(s) URL written in a Markdown body, with its line and column; code
    (fenced blocks and `spans`) is left out, since a URL there is shown, not linked."""
    found: list[OutLink] = []
    fence = ""
    for number, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened[1]
            continue
        text = _CODE_SPAN.sub(lambda m: " " * len(m[0]), line)
        for match in _URL.finditer(text):
            url = unescape(_trim(match[0]))  # `&amp;` in raw HTML is `&`
            found.append(OutLink(url, body_line + number, match.start() + 1))
    return tuple(found)


def _trim(url: str) -> str:
    """A URL without the punctuation that ends the sentence or the Markdown around it."""
    url = url.rstrip(".,;:!?*_~")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?*_~")
    return url
