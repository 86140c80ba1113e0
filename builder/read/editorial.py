"""The front matter editors run editions with, and the links an item's text gives.

Beside the fields every article has (frontmatter.py), an item may name its
edition `section:`, be `featured: true` and credit whoever pointed the
editors to it (`via:`); `link: URL` makes it a link item (curation.py). An
editor's note may close its edition early (`closed: true`) or set its
`number:`. And every item's links to other sites are collected here with
their lines, so link hygiene (site/links.py) can say where a repeated link
is written.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from builder.core.models import OutLink
from builder.core.yamlload import YamlValue
from builder.core.yamlschema import FieldReader
from builder.read.curation import curated

ITEM_KEYS = {"section", "featured", "via", "link"}
NOTE_KEYS = {"closed", "number"}
# A URL in Markdown or HTML text: up to white space, a quote, or a bracket closing it.
_URL = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.I)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def placement(
    r: FieldReader, data: dict[str, YamlValue], body: str, body_line: int
) -> dict[str, Any]:
    """The fields of core.models.Item beside date and tags: `section`, `featured` and `via`,
    checked for type, and the item's links, the one it curates first."""
    section = data.get("section")
    name = r.text(data, "section", None, strip=True)
    own = curated(data)
    return {
        "section": name or None,
        "section_at": (section.line, section.col) if section is not None else (1, 1),
        "featured": r.boolean(data, "featured", False),
        "via": r.text(data, "via", None, strip=True) or None,
        "links": ((own,) if own else ()) + outbound_links(body, body_line),
    }


def note_fields(r: FieldReader, data: dict[str, YamlValue]) -> dict[str, Any]:
    """`closed` and `number` of an editor's note."""
    value = data.get("number")
    number = None
    if value is not None and value.kind != "null":
        before = len(r.diags.items)
        written = str(value.value).strip()  # `"12"` is told to lose its quotes
        number = r.integer(data, "number", int(written) if written.isdigit() else 1, 0, 999_999)
        if len(r.diags.items) > before:
            number = None
    return {
        "closed": r.boolean(data, "closed", False),
        "number": number,
        "number_at": (value.line, value.col) if value is not None else (1, 1),
    }


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
