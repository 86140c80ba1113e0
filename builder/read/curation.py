"""What an item curates: an article's `source:`, or a link item's `link:`.

Both are the URL the item is about, so both are checked alike (http(s)
only, through core.urls) and both are what the duplicate-source warning
and link hygiene compare (`curated`). A link item is listed with a short
comment and no page of its own; its front matter is checked here too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from builder.core.models import OutLink, Source
from builder.core.urls import ParsedUrl, normalise_url, parse_url, web_url
from builder.core.yamlload import YamlValue, describe
from builder.core.yamlschema import FieldReader

LINK_WORDS = 80  # the longest comment a link item may carry
# The fields of an article that a link item, having no page, cannot show.
_PAGE_ONLY = ("image", "author", "authors")
_SOURCE_KEYS = {"url", "name", "author", "date"}
_WEB = re.compile(r"https?://[^\s/?#]+", re.I)
ToDate = Callable[[YamlValue, str], "dt.date | None"]  # frontmatter's reader of a date


def source(r: FieldReader, data: dict[str, YamlValue], to_date: ToDate) -> Source | None:
    """An article's `source:`: a URL, or a mapping with `url`, `name`, `author` and `date`."""
    value = data.get("source")
    if value is None or value.kind == "null":
        return None
    if value.kind == "str":
        if not _source_url(r, value):
            return None
        return Source(url=str(value.value).strip(), key=normalise_url(str(value.value).strip()))
    if value.kind != "map":
        r.error(
            value,
            f"`source` must be a URL or a mapping, found {describe(value)}",
            "write  source: {url: https://..., name: Outlet}",
        )
        return None
    fields: dict[str, YamlValue] = value.value
    r.unknown_keys(fields, _SOURCE_KEYS, "source")
    url = fields.get("url")
    name, author = r.text(fields, "name", None), r.text(fields, "author", None)
    if url is None and not (name or author):  # a credit needs a link, a name or a writer
        r.error(value, "`source` needs a `url`", "add  url: https://...")
        return None
    when = fields.get("date")
    # The original's date is shown as written: no time zone is applied.
    day = to_date(when, "source.date") if when and when.kind != "null" else None
    if url is not None and not _source_url(r, url):
        return None
    link = str(url.value).strip() if url is not None else ""
    return Source(
        url=link,
        name=name or "",
        author=author or "",
        date=day.date() if isinstance(day, dt.datetime) else day,
        key=normalise_url(link) if link else "",
    )


def _source_url(r: FieldReader, url: YamlValue) -> bool:
    text = str(url.value) if url.kind == "str" else ""
    checked = web_url(text) if url.kind == "str" else ""
    if isinstance(checked, ParsedUrl):
        return True
    hint = "write  source: https://example.org/story"
    if isinstance(parse_url(text), str):
        r.error(url, f"source URL {checked}", hint)
    else:
        r.error(url, f"source URL must start with http:// or https://, found {describe(url)}", hint)
    return False


def link_of(r: FieldReader, data: dict[str, YamlValue], body: str, body_line: int) -> str | None:
    """A link item's URL, once its front matter and comment are checked; None on error."""
    value = data["link"]
    url = str(value.value).strip() if value.kind == "str" else ""
    checked = (
        web_url(url) if url else f"must be an http:// or https:// URL, found {describe(value)}"
    )
    if isinstance(checked, str):  # why not, as core.urls says it
        r.error(value, f"`link` {checked}", "write  link: https://example.org/story")
        url = ""
    source = data.get("source")
    if source is not None:
        r.error(
            source,
            "a link item has no `source`: its `link` is what it points at",
            "remove `source:`, or remove `link:` to make it an article",
        )
    for key in _PAGE_ONLY:
        if key in data:
            r.diags.warning(
                r.path,
                data[key].key_line,
                data[key].key_col,
                f"`{key}` is ignored: a link item has no page of its own",
                f"remove `{key}:`, or remove `link:` to make it an article",
            )
    words = len(body.split())
    if words > LINK_WORDS:
        start = body_line + next(i for i, line in enumerate(body.split("\n")) if line.strip())
        r.diags.error(
            r.path,
            start,
            1,
            f"a link item's comment is {words} words; at most {LINK_WORDS}",
            "shorten it, or remove `link:` to make it an article with a page",
        )
    return url or None


def curated(data: dict[str, YamlValue]) -> OutLink | None:
    """The URL an item curates (`link:`, else `source:`'s), where it is written."""
    value = data.get("link") or data.get("source")
    if value is not None and value.kind == "map":
        value = value.value.get("url")
    if value is None or value.kind != "str" or not _WEB.match(str(value.value).strip()):
        return None
    return OutLink(str(value.value).strip(), value.line, value.col, curated=True)
