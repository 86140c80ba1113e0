"""[Entry] → Site: the published articles placed in order, with tags, editions and archives.

Everything a page can show is computed here, once, through indexes (tag →
articles, week → articles), so no later stage ever scans all articles for
each article. Articles are newest first, ties broken by slug, so the order
never depends on the order files were read in.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import replace
from typing import cast

from builder.core import interrupts
from builder.core.dates import build_clock, source_date_epoch
from builder.core.errors import Diagnostics
from builder.core.models import (
    Article,
    ArticleMeta,
    BuildOptions,
    EditionNote,
    Entry,
    Link,
    LinkMeta,
    Meta,
    Page,
    PageMeta,
    Site,
    SiteConfig,
    SourceFile,
    Tag,
    TagRef,
)
from builder.core.paths import SiteLayout
from builder.core.slugs import slugify, tag_key
from builder.site import editions as editions_mod
from builder.site import items, links
from builder.site.archives import archives
from builder.site.authors import place_authors
from builder.site.related import related_articles


def build_site(
    entries: list[Entry[Meta]],
    assets: list[SourceFile],
    config: SiteConfig,
    options: BuildOptions,
    diags: Diagnostics,
    memo: dict | None = None,
    kept: items.Placed | None = None,
    stop: interrupts.Stop | None = None,
    preview_of: str | None = None,
) -> Site:
    """Assemble the site model from rendered entries.

    `memo` carries the related-articles ranking between builds (see
    related.py), `kept` the items of the last build in this process
    (items.Placed); leave them out and everything is computed afresh.

    `preview_of` (a source's path) makes a model good only for the pages of
    that item and the lists and feeds that show it, in half the time, for
    serve to show them before the build that follows (preview.py): the other
    articles get no related links, and the checks that can only warn are left
    to that build, which reports them.

    Between its steps are safe points for `stop` (interrupts.Stop): serve
    holds its build there while it shows a page ahead of it.
    """
    kept = (kept or items.Placed()).for_config(config)
    tz = zoneinfo.ZoneInfo(config.timezone)
    now = build_clock(options.now, tz)
    published: list[Entry[ArticleMeta] | Entry[LinkMeta]] = []
    owners: list[Entry[ArticleMeta]] = []  # the items with a page of their own
    pages: list[Entry[PageMeta]] = []
    notes: list[Entry[EditionNote]] = []
    drafts = scheduled = 0
    next_due: dt.datetime | None = None
    for entry in entries:  # each sorted by its kind, the type saying which (cast: no copy)
        meta = entry.meta
        if isinstance(meta, EditionNote):
            notes.append(cast(Entry[EditionNote], entry))
        elif meta.draft and not options.drafts:
            drafts += 1
        elif isinstance(meta, PageMeta):
            pages.append(cast(Entry[PageMeta], entry))
        elif meta.date > now and not options.future:
            scheduled += 1
            next_due = meta.date if next_due is None else min(next_due, meta.date)
        elif isinstance(meta, LinkMeta):
            published.append(cast(Entry[LinkMeta], entry))
        else:
            owners.append(cast(Entry[ArticleMeta], entry))
            published.append(owners[-1])
    published.sort(key=lambda e: (-e.meta.date.timestamp(), e.meta.slug))
    layout = SiteLayout.of(config)
    paths = _unique_paths([*owners, *pages], layout, diags, kept)  # a link item has no page
    published = [e for e in published if id(e) in paths or isinstance(e.meta, LinkMeta)]
    pages = [e for e in pages if id(e) in paths]
    interrupts.check(stop)

    tag_refs = _tags(published, layout, diags)
    if preview_of is None:
        links.duplicate_sources(published, diags)
    strip = links.stripped if config.links.strip_tracking else None
    # Items are made in two steps (site/items.py): placed (URL, tags), then completed
    # with what depends on the others (neighbours, related, edition) in one go.
    placed, made_from = items.place(published, paths, layout, tag_refs, strip, kept)
    interrupts.check(stop)
    tag_index: dict[str, list[int]] = defaultdict(list)
    in_use: dict[tuple[str, str, str], TagRef] = {}  # by its strings: hashed in C
    for index, article in enumerate(placed):
        for ref in article.tags:
            tag_index[ref.slug].append(index)
            in_use[(ref.slug, ref.name, ref.url)] = ref
    tags = tuple(
        Tag(ref.name, ref.slug, ref.url, tuple(tag_index[ref.slug]))
        for _, ref in sorted(in_use.items())
    )
    eds = editions_mod.editions(placed, notes, config, now, diags)
    interrupts.check(stop)
    if preview_of is None:
        links.check_repeats(
            placed,
            eds.periods,
            config.links.window,
            layout.origin.split("://", 1)[1].removeprefix("www."),
            diags,
        )
    interrupts.check(stop)
    own = [i for i, item in enumerate(placed) if isinstance(item, Article)]  # with a page
    near = _related(
        [a for a in placed if isinstance(a, Article)], tags, own, config.related, memo, preview_of
    )
    articles = items.complete(placed, made_from, eds.edition_of, own, near, kept)
    interrupts.check(stop)
    left_out = []
    if drafts:
        left_out.append(f"{drafts} draft{'s' if drafts != 1 else ''}")
    if scheduled:
        left_out.append(f"{scheduled} scheduled")
    return Site(
        config=config,
        articles=tuple(articles),
        pages=tuple(items.place_page(e, paths[id(e)], layout) for e in pages),
        tags=tags,
        editions=eds.shown,
        years=archives(articles, config),
        assets=tuple(assets),
        build_date=_build_date([*(e.meta for e in published), *(e.meta for e in pages)], tz),
        left_out=tuple(left_out),
        next_due=min((t for t in (next_due, eds.next_close) if t), default=None),
        authors=place_authors(articles, config, diags),
    )


def again(site: Site, entry: Entry[Meta]) -> Article | Page | None:
    """The article or page of `site` that `entry` is a later version of, made again from it
    (items.again), if only its text changed; else None: the site is to be built again."""
    path = entry.meta.path
    found: list[Article | Page] = [
        a for a in site.articles if isinstance(a, Article) and a.meta.path == path
    ]
    found += [p for p in site.pages if p.meta.path == path]
    if len(found) != 1:
        return None
    strip = links.stripped if site.config.links.strip_tracking else None
    return items.again(found[0], entry, strip)


def _tags(
    entries: list[Entry[ArticleMeta] | Entry[LinkMeta]], layout: SiteLayout, diags: Diagnostics
) -> dict[str, TagRef]:
    """Map each spelling to its TagRef, warning where spellings of one tag differ."""
    uses: Counter[str] = Counter()
    first_seen: dict[str, tuple[str, int]] = {}  # in the order first used (oldest article)
    for entry in reversed(entries):  # oldest first: the first spelling used wins ties
        for tag, line in entry.meta.tags:
            uses[tag] += 1
            if tag not in first_seen:
                first_seen[tag] = (entry.meta.path, line)
    # Then by tag, over the spellings (a few hundred), not over every use of one.
    age = {tag: n for n, tag in enumerate(first_seen)}  # 0 for the spelling used first
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for tag in first_seen:
        spellings[tag_key(tag)][tag] = uses[tag]
    refs: dict[str, TagRef] = {}
    by_slug: dict[str, tuple[str, str, int]] = {}  # slug → (tag, path, line) of its owner
    for key in sorted(spellings):
        counts = spellings[key]
        order = sorted(counts, key=lambda t: (-counts[t], age[t]))
        name = order[0]
        for other in order[1:]:
            path, line = first_seen[other]
            diags.warning(
                path,
                line,
                1,
                f"tag `{other}` is treated as `{name}`",
                f"use one spelling: `{name}`",
            )
        slug = slugify(name)
        url = layout.tag(slug)
        if slug in by_slug and by_slug[slug][0] != name:
            other, other_path, other_line = by_slug[slug]
            path, line = first_seen[name]
            diags.error(
                path,
                line,
                1,
                f"tag `{name}` would have the same URL {url} as tag `{other}` "
                f"({other_path}:{other_line})",
                "rename one of the two tags so their URLs differ",
            )
        by_slug.setdefault(slug, (name, *first_seen[name]))
        ref = TagRef(name, slug, url)
        for spelling in counts:
            refs[spelling] = ref
    return refs


def _related(
    articles: list[Article],
    tags: tuple[Tag, ...],
    own: list[int],
    count: int,
    memo: dict | None,
    preview_of: str | None = None,
) -> dict[int, tuple[int, tuple[Link, ...] | None]]:
    """Each article's position among the articles (link items have no page to relate or
    neighbour) and its related articles, by its index among all items (with `preview_of`,
    None for every article but that one: not ranked, see items.complete)."""
    position = {index: n for n, index in enumerate(own)}
    mine = tuple(
        kept
        for t in tags
        if (
            kept := replace(t, articles=tuple(position[i] for i in t.articles if i in position))
        ).articles
    )
    only = None
    if preview_of is not None:
        only = [n for n, a in enumerate(articles) if a.meta.path == preview_of]
    ranked = related_articles(articles, mine, count, memo, only) if count else None
    if only is not None:
        return {
            index: (n, (ranked[n] if ranked else ()) if n in only else None)
            for n, index in enumerate(own)
        }
    return {index: (n, ranked[n] if ranked else ()) for n, index in enumerate(own)}


def _unique_paths(
    entries: list[Entry[ArticleMeta] | Entry[PageMeta]],
    layout: SiteLayout,
    diags: Diagnostics,
    kept: items.Placed,
) -> dict[int, str]:
    """Entry id → its folder, for the entries that keep their page; a clash is an error.

    Slugs are case-folded and NFKC-normalised, so `Hello.md` and `hello.md`,
    or `café.md` spelt with a composed and with a combining accent (macOS
    and Linux disagree), land on one URL. The message names both files and,
    as such names can look identical, says how they differ. The folders of front
    matter `kept` has seen are taken from it (kept.folders), not worked out again.
    """
    owner: dict[str, str] = {}
    found: dict[int, str] = {}
    folders: dict[int, tuple[object, str, str]] = {}  # the next build's kept.folders
    for entry in sorted(entries, key=lambda e: e.meta.path):
        meta = entry.meta
        known = kept.folders.get(id(meta))
        if known and known[0] is meta:
            rel, out = known[1], known[2]
        else:
            rel = layout.entry_folder(meta)
            out = layout.output(layout.site_path(rel))
        folders[id(meta)] = (meta, rel, out)
        first = owner.setdefault(out, meta.path)
        if first == meta.path:
            found[id(entry)] = rel
            continue
        second = meta.path
        if unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second):
            first, second = _show_combining(first), _show_combining(second)
            hint = (
                "the two file names differ only in how accents are encoded "
                "(composed or combining); delete or rename one"
            )
        elif first.casefold() == second.casefold():
            hint = "the two file names differ only in letter case; rename one"
        elif (
            entry.meta.date
            and "{day}" not in layout.permalinks.article
            and any(
                e.meta.path == first and e.meta.date and e.meta.date.day != entry.meta.date.day
                for e in entries
            )
        ):
            hint = (
                "give one of them another `slug:`, or put the day in the URLs: "
                'permalinks: {article: "{year}/{month}/{day}/{slug}/"} in site.yaml'
            )
        else:
            hint = "give one of them another `slug:`"
        diags.error(
            entry.meta.path,
            entry.meta.slug_line,
            1,
            f"{first} and {second} would both write /{out}",
            hint,
        )
    kept.folders = folders
    return found


def _show_combining(path: str) -> str:
    """Spell out combining marks (`e\\u0301`) so look-alike names can be told apart."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.combining(ch) else ch for ch in path)


def _build_date(metas: list[ArticleMeta | LinkMeta | PageMeta], tz: dt.tzinfo) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest date in the content: never the clock."""
    epoch = source_date_epoch(tz)
    if epoch is not None:
        return epoch
    dates = [d for m in metas for d in (m.date, m.updated) if d is not None]
    return max(dates) if dates else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
