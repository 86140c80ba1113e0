"""How a cache entry is stored: front matter and rendered Markdown as compact JSON, and
read back with every value checked, because a cache is untrusted input.

Apart from the SQLite store (cache/__init__.py) so that what an entry *is* can be read,
and tested, without a database.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from builder.core.errors import Diagnostic
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    Item,
    LinkMeta,
    Meta,
    OutLink,
    OwnPage,
    PageMeta,
    Rendered,
    Source,
    StoredHtml,
    TocEntry,
)
from builder.core.textfile import has_bad_char

Value = tuple[Meta | None, Rendered | None, list[Diagnostic]]


def _encode(value: Any) -> Any:
    """JSON for `extra` values, which may hold dates (rare, so the slow path is fine)."""
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dict):
        return {"$map": [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        return {k: _decode(v) for k, v in value["$map"]}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


_KIND_OF: dict[type, str] = {
    ArticleMeta: "article",
    LinkMeta: "link",
    PageMeta: "page",
    EditionNote: "edition",
}


def dump(meta: Meta | None, rendered: Rendered | None, diags: list[Diagnostic]) -> tuple[str, str]:
    """An entry as (JSON of everything but the HTML, the HTML).

    Fields are stored positionally and dates as ISO text, because decoding
    10,000 of these is on the path of every incremental build. The body is
    left out: it is only needed to render, and rendering is what is cached.
    The front matter is stored as [kind, fields common to every kind, fields
    of that kind]; `load` rebuilds the same type.
    """
    data: list[Any] = [[list(d.__dict__.values()) for d in diags], None, None]
    if meta is not None:
        common = [
            meta.path,
            meta.summary,
            _encode(meta.extra) if meta.extra else None,
            meta.body_line,
        ]
        own: list[Any]
        if isinstance(meta, EditionNote):
            own = [meta.title, meta.closed, meta.number, meta.number_at]
        else:
            own = [
                meta.title,
                _iso(meta.date),
                _iso(meta.updated),
                meta.slug,
                meta.draft,
                meta.title_line,
                meta.slug_line,
                meta.lang,
            ]
            if isinstance(meta, OwnPage):
                own += [meta.authors, meta.image]
            if isinstance(meta, Item):
                own += [
                    meta.tags,
                    meta.section,
                    meta.section_at,
                    meta.featured,
                    meta.via,
                    [[o.url, o.line, o.col, o.curated, o.key] for o in meta.links],
                ]
            if isinstance(meta, ArticleMeta):
                source = meta.source
                own.append(
                    [source.url, source.name, source.author, _iso(source.date), source.key]
                    if source
                    else None
                )
            elif isinstance(meta, LinkMeta):
                own.append(meta.link)
        data[1] = [_KIND_OF[type(meta)], common, own]
    html = ""
    if rendered is not None:
        data[2] = [
            rendered.summary_html,
            [[t.level, t.id, t.title] for t in rendered.toc],
            rendered.words,
            rendered.reading_minutes,
        ]
        html = rendered.html
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), html


def _datetime(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _meta(kind: str, common: list[Any], own: list[Any]) -> Meta:
    """The front matter `dump` stored; a malformed entry raises (and is a cache miss)."""
    path, summary, extra, body_line = common
    base: dict[str, Any] = {
        "path": path,
        "summary": summary,
        "extra": _decode(extra) if extra else {},
        "body_line": body_line,
    }
    if kind == "edition":
        title, closed, number, number_at = own
        return EditionNote(
            title=title, closed=closed, number=number, number_at=tuple(number_at), **base
        )
    title, date, updated, slug, draft, title_line, slug_line, lang = own[:8]
    base.update(
        title=title,
        updated=_datetime(updated),
        slug=slug,
        draft=draft,
        title_line=title_line,
        slug_line=slug_line,
        lang=lang,
    )
    rest = own[8:]
    if kind in ("page", "article"):
        authors, image = rest[:2]
        base.update(authors=tuple(authors), image=image)
        rest = rest[2:]
    if kind == "page":
        return PageMeta(date=_datetime(date), **base)
    if kind not in ("article", "link"):
        raise ValueError(f"unknown kind of entry {kind!r}")
    tags, section, section_at, featured, via, links, last = rest
    base.update(
        date=dt.datetime.fromisoformat(date),
        tags=tuple((t, n) for t, n in tags),
        section=section,
        section_at=tuple(section_at),
        featured=featured,
        via=via,
        links=tuple(OutLink(*o) for o in links),
    )
    if kind == "link":
        return LinkMeta(link=last, **base)
    return ArticleMeta(
        source=Source(
            last[0], last[1], last[2], dt.date.fromisoformat(last[3]) if last[3] else None, last[4]
        )
        if last
        else None,
        **base,
    )


def load(text: str, html: str, stored: StoredHtml | None = None) -> Value:
    """An entry from `dump`'s two parts; with `stored`, the body HTML is left in the cache
    (Rendered.body is then that StoredHtml, and `html` is not used)."""
    diags_data, meta_data, rendered_data = json.loads(text)
    diags = [Diagnostic(*d) for d in diags_data]
    meta = _checked(_meta(*meta_data)) if meta_data is not None else None
    rendered = None
    if rendered_data is not None:
        summary_html, toc, words, minutes = rendered_data
        _want(summary_html, str, "summary_html")
        _want(words, int, "words")
        _want(minutes, int, "reading_minutes")
        if not isinstance(html, str) or not all(
            isinstance(level, int) and isinstance(ident, str) and isinstance(title, str)
            for level, ident, title in toc
        ):
            raise TypeError("a table-of-contents entry or the body is not of its type")
        _clean_text(*(ident + title for _level, ident, title in toc))
        rendered = Rendered(
            stored if stored is not None else html,
            summary_html,
            tuple(TocEntry(*t) for t in toc),
            words,
            minutes,
        )
    return meta, rendered, diags


def _want(value: object, kind: type | tuple[type, ...], name: str) -> None:
    """Raise TypeError unless `value` is of `kind` (bool is not an int here)."""
    if isinstance(value, bool) and kind is int or not isinstance(value, kind):
        raise TypeError(f"{name} is {type(value).__name__}, not {getattr(kind, '__name__', kind)}")


_OPTIONAL_STR = (str, type(None))


def _checked(meta: Meta) -> Meta:
    """The front matter back from JSON, with the types the later stages rely on checked:
    a value of the wrong type in a tampered cache would otherwise surface as a traceback
    pages later. Strings are escaped by the templates as any front-matter string is."""
    _want(meta.path, str, "path")
    _clean_text(meta.path, meta.summary, meta.title, getattr(meta, "slug", None))
    _want(meta.summary, _OPTIONAL_STR, "summary")
    _want(meta.body_line, int, "body_line")
    _want(meta.extra, dict, "extra")
    if isinstance(meta, EditionNote):
        _want(meta.title, _OPTIONAL_STR, "title")
        _want(meta.closed, bool, "closed")
        return meta
    _want(meta.title, str, "title")
    _want(meta.slug, str, "slug")
    _want(meta.draft, bool, "draft")
    _want(meta.lang, _OPTIONAL_STR, "lang")
    if isinstance(meta, Item):
        _want(meta.date, dt.datetime, "date")
        _want(meta.section, _OPTIONAL_STR, "section")
        _want(meta.via, _OPTIONAL_STR, "via")
        for tag, line in meta.tags:
            _want(tag, str, "tag")
            _want(line, int, "tag line")
        for link in meta.links:
            _want(link.url, str, "link url")
            _want(link.key, str, "link key")
        _clean_text(meta.section, meta.via, *(t for t, _ in meta.tags))
    if isinstance(meta, OwnPage):
        _want(meta.image, _OPTIONAL_STR, "image")
        for author in meta.authors:
            _want(author, str, "author")
        _clean_text(meta.image, *meta.authors)
    if "/" in getattr(meta, "slug", "") or getattr(meta, "slug", None) in {".", ".."}:
        raise TypeError("the slug is not a URL segment")  # front matter allows no such slug
    return meta


def _clean_text(*texts: str | None) -> None:
    """Raise TypeError if a text holds a character front matter refuses (a control
    character, a non-character): a tampered cache would put it in pages and feeds."""
    if has_bad_char("".join(t for t in texts if t)):
        raise TypeError("a text holds a control character or a non-character")
