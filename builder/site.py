"""[Entry] → Site: the published articles placed in order, with tags, editions and archives.

Everything a page can show is computed here, once, through indexes (tag →
articles, week → articles), so no later stage ever scans all articles for
each article. Articles are newest first, ties broken by slug, so the order
never depends on the order files were read in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import replace

from builder import editions as editions_mod
from builder.errors import Diagnostics
from builder.models import (
    Article,
    BuildOptions,
    Entry,
    Link,
    Site,
    SiteConfig,
    SourceFile,
    Tag,
    TagRef,
)
from builder.related import related_articles
from builder.urls import expand, normalise_url, slugify


def build_site(
    entries: list[Entry],
    assets: list[SourceFile],
    config: SiteConfig,
    options: BuildOptions,
    diags: Diagnostics,
) -> Site:
    """Assemble the site model from rendered entries."""
    tz = zoneinfo.ZoneInfo(config.timezone)
    now = options.now or dt.datetime.now(tz)
    published: list[Entry] = []
    pages: list[Entry] = []
    notes: list[Entry] = []
    drafts = scheduled = 0
    for entry in entries:
        meta = entry.meta
        if meta.kind == "edition":
            notes.append(entry)
            continue
        if meta.draft and not options.drafts:
            drafts += 1
            continue
        if meta.kind == "page":
            pages.append(entry)
            continue
        if meta.date and meta.date > now and not options.future:
            scheduled += 1
            continue
        published.append(entry)
    published.sort(key=lambda e: (-e.meta.date.timestamp(), e.meta.slug))  # type: ignore[union-attr]

    tag_refs = _tags(published, config, diags)
    _duplicate_sources(published, diags)
    articles = [_place(e, config, tag_refs) for e in published]
    articles = _link_neighbours(articles)
    tag_index: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        for ref in article.tags:
            tag_index[ref.slug].append(index)
    tags = tuple(
        Tag(ref.name, ref.slug, ref.url, tuple(tag_index[ref.slug]))
        for ref in sorted({r for a in articles for r in a.tags}, key=lambda r: r.slug)
    )
    if config.related:
        rel = related_articles(articles, tags, config.related)
        articles = [replace(a, related=rel[i]) for i, a in enumerate(articles)]
    eds, articles = editions_mod.editions(articles, notes, config, diags)
    articles = [replace(a, key=_key(a)) for a in articles]
    left_out = []
    if drafts:
        left_out.append(f"{drafts} draft{'s' if drafts != 1 else ''}")
    if scheduled:
        left_out.append(f"{scheduled} scheduled")
    return Site(
        config=config,
        articles=tuple(articles),
        pages=tuple(replace(p, key=_key(p)) for p in (_place(e, config, {}) for e in pages)),
        tags=tags,
        editions=eds,
        years=editions_mod.archives(articles, config),
        assets=tuple(assets),
        build_date=_build_date(published + pages, tz),
        left_out=tuple(left_out),
    )


def tag_key(tag: str) -> str:
    """Tags equal but for case, spacing and punctuation are the same tag.

    Symbols are kept (`C++` is not `C`): those are told apart here and
    then reported when their URLs collide.
    """
    text = unicodedata.normalize("NFKC", tag).casefold()
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] == "P"))


def _tags(entries: list[Entry], config: SiteConfig, diags: Diagnostics) -> dict[str, TagRef]:
    """Map each spelling to its TagRef, warning where spellings of one tag differ."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[str, str], tuple[str, int]] = {}
    for entry in reversed(entries):  # oldest first: the first spelling used wins ties
        for tag, line in entry.meta.tags:
            key = tag_key(tag)
            spellings[key][tag] += 1
            first_seen.setdefault((key, tag), (entry.meta.path, line))
    refs: dict[str, TagRef] = {}
    by_slug: dict[str, str] = {}
    for key in sorted(spellings):
        counts = spellings[key]
        order = sorted(counts, key=lambda t: (-counts[t], first_seen[(key, t)]))
        name = order[0]
        for other in order[1:]:
            path, line = first_seen[(key, other)]
            diags.warning(path, line, 1, f"tag `{other}` is treated as `{name}`",
                          f"use one spelling: `{name}`")
        slug = slugify(name)
        if slug in by_slug and by_slug[slug] != name:
            path, line = first_seen[(key, name)]
            diags.error(path, line, 1,
                        f"tags `{by_slug[slug]}` and `{name}` would both be /tags/{slug}/",
                        "rename one of them so their URLs differ")
        by_slug.setdefault(slug, name)
        ref = TagRef(name, slug, config.base_path + expand(config.permalinks.tag, tag=slug))
        for spelling in counts:
            refs[spelling] = ref
    return refs


def _duplicate_sources(entries: list[Entry], diags: Diagnostics) -> None:
    seen: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.meta.path):
        source = entry.meta.source
        if source is None:
            continue
        key = normalise_url(source.url)
        if key in seen:
            diags.warning(entry.meta.path, 1, 1,
                          f"source {source.url} is also curated by {seen[key]}",
                          "link the earlier article instead, or drop one of them")
        else:
            seen[key] = entry.meta.path


def _place(entry: Entry, config: SiteConfig, tag_refs: dict[str, TagRef]) -> Article:
    meta = entry.meta
    if meta.kind == "page":
        rel = expand(config.permalinks.page, slug=meta.slug)
    else:
        date = meta.date
        assert date is not None
        rel = expand(config.permalinks.article, slug=meta.slug, year=f"{date.year:04d}",
                     month=f"{date.month:02d}", day=f"{date.day:02d}")
    tags: list[TagRef] = []
    for tag, _line in meta.tags:
        ref = tag_refs[tag]
        if ref not in tags:
            tags.append(ref)
    return Article(
        meta=meta,
        rendered=entry.rendered,
        url=config.base_path + rel,
        out_path=rel + "index.html",
        tags=tuple(tags),
        key=entry.sha256,
    )


def _link_neighbours(articles: list[Article]) -> list[Article]:
    result = []
    for i, article in enumerate(articles):
        newer = articles[i - 1] if i > 0 else None
        older = articles[i + 1] if i + 1 < len(articles) else None
        result.append(replace(
            article,
            prev=Link(older.title, older.url) if older else None,
            next=Link(newer.title, newer.url) if newer else None,
        ))
    return result


def _key(article: Article) -> str:
    """A digest of everything list pages and feeds show of an article.

    The source hash covers the front matter and body; the rest is what other
    files decide (the tag spelling in use, the URL, the edition).
    """
    parts = [article.key, article.url, repr(article.tags), repr(article.edition)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _build_date(entries: list[Entry], tz: dt.tzinfo) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest date in the content: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).astimezone(tz)
    dates = [d for e in entries for d in (e.meta.date, e.meta.updated) if d is not None]
    return max(dates) if dates else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
