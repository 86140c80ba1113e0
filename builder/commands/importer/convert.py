"""Turn an article as editors receive it (plain text or a saved page) into a Broadsheet file.

`convert` is pure (bytes in, file text and removal report out) so `broadsheet import`
(`cli`), which fetches, writes and never overwrites, and the tests share one code path.
Both input shapes are read into the same blocks (`text`, `html`), swept of furniture once
(`furniture`) and written as Markdown once (`render`).

Dates: `date:` is when the article is curated (`ImportOptions.now`, the moment of import
in the site time zone, as `broadsheet new` does) so it lands in the edition being made;
the original's date goes to `source.date`. With `now=None` (`--date-from-source`) the
original's date is `date:` as well.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from builder.commands.importer.encoding import decode, shown
from builder.commands.importer.furniture import sweep
from builder.commands.importer.html import read_html
from builder.commands.importer.model import (
    Block,
    Date,
    ImportFailure,
    Removal,
    block_text,
    plain_text,
    title_key,
)
from builder.commands.importer.render import escape_markdown, render
from builder.commands.importer.summary import summary
from builder.commands.importer.tags import merge, suggest_tags, text_tags
from builder.commands.importer.text import read_text, subheads
from builder.core.paths import SiteLayout
from builder.core.slugs import slug_problem, slugify
from builder.core.urls import TRACKING as _TRACKING_KEY  # one list of tracking parameters
from builder.core.urls import normalise_url, parse_url

__all__ = [
    "ExistingArticle",
    "ImportFailure",
    "ImportOptions",
    "ImportedArticle",
    "body_key",
    "convert",
    "escape_markdown",
    "normalise_url",
    "suggest_tags",
]

SLUG_LENGTH = 60  # as `broadsheet new`: a URL segment people can still read and type


@dataclass(frozen=True)
class ExistingArticle:
    """An article already in content/, for refusing duplicates."""

    path: str
    title: str
    date: datetime.date  # the original's day: source.date, else the article's date
    source_url: str | None
    text_key: str = ""  # body_key of its body


@dataclass(frozen=True)
class ImportOptions:
    """What the editor said on the command line, plus what the site already has."""

    url: str | None = None
    source_name: str | None = None
    tags: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    existing: tuple[ExistingArticle, ...] = ()
    timezone: str = "UTC"
    now: datetime.datetime | None = None  # None: `date:` is the original's (--date-from-source)
    charset: str | None = None  # what the server said, for a fetched page
    fetched_from: str | None = None  # where a fetched page ended up: the source URL when the
    # page names none itself, and the base of its relative links


@dataclass(frozen=True)
class ImportedArticle:
    """The converted article; `text` is the whole .md file, ready to write."""

    title: str
    date: Date
    slug: str
    text: str
    rel_path: str
    removals: tuple[Removal, ...] = ()
    converted_from: str | None = None  # the input's encoding, when it was not UTF-8
    text_key: str = ""


_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|title)[\s>]",
    re.I | re.S,
)
_DUPLICATE_HINT = "edit the existing article instead of importing it again"


def body_key(markdown_body: str) -> str:
    """A fingerprint of an article's text that ignores markup, links' targets, case,
    punctuation and spacing: the same text imported twice has the same key."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_body)
    text = " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _untracked(query: str) -> str:
    """A query string without tracking parameters (`utm_*`, click ids), others in order:
    the URL is published as given, only what follows the reader around is dropped."""
    return "&".join(
        pair
        for pair in query.split("&")
        if pair and not _TRACKING_KEY.match(pair.split("=", 1)[0].lower())
    )


def _refuse_duplicates(
    title: str, day: datetime.date, url: str | None, key: str, opts: ImportOptions
) -> None:
    """Never import the same source, the same text, or one title twice on one day."""
    source = normalise_url(url) if url else None
    for old in opts.existing:
        if source and old.source_url and normalise_url(old.source_url) == source:
            same = "same source URL"
        elif title_key(old.title) == title_key(title) and old.date == day:
            same = "same title and date"
        elif old.text_key and old.text_key == key:
            same = "same text"
        else:
            continue
        raise ImportFailure(f"already imported as {old.path} ({same})", hint=_DUPLICATE_HINT)


class _FrontMatterDumper(yaml.SafeDumper):
    """SafeDumper writing datetimes as ISO 8601 with a "T" (PyYAML's default uses a space),
    and never an alias (`date` and `source.date` may be the same value)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


_FrontMatterDumper.add_representer(
    datetime.datetime,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()),
)


def _slug(title: str, url: str | None, name: str) -> str:
    """The build's slug of the headline, whole words up to SLUG_LENGTH characters; the
    last part of the URL or the input's file name when the headline gives none."""
    parts = parse_url(url or "")
    path = "" if isinstance(parts, str) else parts.path
    for text in (title, path.rstrip("/").rsplit("/", 1)[-1], name):
        slug = ""
        for word in slugify(text).split("-"):
            if slug and len(slug) + 1 + len(word) > SLUG_LENGTH:
                break
            slug = f"{slug}-{word}" if slug else word
        slug = slug[:SLUG_LENGTH].strip("-")
        if slug and slug_problem(slug) is None:
            return slug
    problem = slug_problem(slugify(title)[:SLUG_LENGTH]) or "cannot be used"
    raise ImportFailure(
        f"the slug from the headline {problem}",
        hint="edit the headline in the input, or pass --url with the address",
    )


def _source(
    url: str | None, name: str | None, author: str | None, day: Date | None
) -> dict[str, object] | None:
    """The `source:` mapping; without a URL it still credits a publication or writer."""
    if not (url or name or author):
        return None
    original = day.date() if isinstance(day, datetime.datetime) else day
    fields = {"url": url, "name": name, "author": author, "date": original}
    return {k: v for k, v in fields.items() if v}


def convert(path: Path, data: bytes, options: ImportOptions) -> ImportedArticle:
    """Convert one received article (plain text or saved HTML) into a Broadsheet file.

    Raises ImportFailure when the input cannot be read as an article or is already on the
    site; nothing is written here, the caller decides where and refuses to overwrite.
    """
    try:
        zone = ZoneInfo(options.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailure(
            f"unknown time zone {options.timezone!r}", hint="use an IANA name"
        ) from None
    decoded = decode(data, options.charset)
    text = decoded.text
    is_html = path.suffix.lower() in (".html", ".htm", ".xhtml") or _HTML_START.match(text[:4096])
    base = options.url or options.fetched_from
    draft = read_html(text, zone, base) if is_html else read_text(text, zone)
    swept = sweep(draft.blocks, draft.title, zone)
    blocks = tuple(
        Block("h2", b.items, b.line, b.group) if b.kind == "h1" else b
        for b in (swept.blocks if is_html else subheads(swept.blocks))
    )
    paragraphs = [b for b in blocks if b.kind in ("p", "quote", "ul", "ol", "table")]
    if not paragraphs:
        hint = "nothing was left after removing navigation, comments, ads and other furniture"
        raise ImportFailure("no body paragraphs found", hint=hint)
    original = draft.date
    assert original is not None  # both readers refuse an article without one
    date: Date = options.now.replace(microsecond=0) if options.now else original
    day = date.astimezone(zone).date() if isinstance(date, datetime.datetime) else date
    url = options.url or draft.url or options.fetched_from
    parts = parse_url(url.strip()) if url else None
    if isinstance(parts, str):  # a page's canonical URL that cannot be parsed: not kept
        url = None
    elif parts is not None:  # keep the URL as given, minus tracking parameters and fragment
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, _untracked(parts.query), ""))
    markdown = render(blocks)
    key = body_key(markdown)
    original_day = original.date() if isinstance(original, datetime.datetime) else original
    _refuse_duplicates(draft.title, original_day, url, key, options)

    first = next((b for b in paragraphs if b.kind == "p"), paragraphs[0])
    body = "\n".join(block_text(b) for b in blocks)
    suggested = [
        *suggest_tags(body, options.vocabulary, headline=draft.title),
        *text_tags(body, headline=draft.title),
    ]
    given = [*options.tags, *draft.tags, *swept.tags]
    tags = merge(given, suggested, options.vocabulary)
    meta: dict[str, object] = {
        "title": draft.title,
        "date": date,
        "summary": escape_markdown(summary(plain_text(first.items[0]))),
    }
    author = draft.author or swept.author
    source = _source(url, options.source_name or draft.site_name, author, original)
    if source:
        meta["source"] = source
    if tags:
        meta["tags"] = tags
    front = yaml.dump(
        meta, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10_000
    )
    slug = _slug(draft.title, url, path.stem)
    removals = tuple(
        _where_it_went(r, source, options.now is None) for r in (*draft.removals, *swept.removals)
    )
    return ImportedArticle(
        title=draft.title,
        date=date,
        slug=slug,
        text=f"---\n{front}---\n\n{markdown}\n",
        rel_path=SiteLayout.new_article(day, slug),
        removals=removals,
        converted_from=(shown(decoded.converted_from) + (" (detected)" if decoded.detected else ""))
        if decoded.converted_from
        else None,
        text_key=key,
    )


def _where_it_went(
    removal: Removal, source: dict[str, object] | None, from_source: bool
) -> Removal:
    """The report says where the dateline went: `date` too with --date-from-source, and
    nowhere when there is no source to hang `source.date` on."""
    if removal.kept_as != "source.date":
        return removal
    if source is None:
        kept = "date" if from_source else ""
        why = removal.reason + (
            "" if from_source else ", not kept: no source to date (pass --source-name or --url)"
        )
        return replace(removal, reason=why, kept_as=kept)
    return replace(removal, kept_as="date, source.date") if from_source else removal
