"""Each item of the site: placed (its URL, its tags, its links as published), then
completed with what depends on the others (its key, edition, neighbours, related
links); and what a warm process keeps of them between builds (Placed).

site/assemble.py decides which entries are published and in what order; this
module makes each of them into the Article or LinkItem the pages show.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from markdown.extensions.toc import unique as toc_unique

from builder.core.models import (
    Article,
    ArticleMeta,
    Entry,
    Link,
    LinkItem,
    LinkMeta,
    Listed,
    Page,
    PageMeta,
    Rendered,
    SiteConfig,
    TagRef,
)
from builder.core.paths import SiteLayout
from builder.site import links


@dataclass
class Placed:
    """What one build_site leaves the next in the same process (serve's, via warm.Warm):
    each item as placed and as completed, by everything it was made from, so a rebuild
    after an edit makes again only the items whose inputs changed.

    Only the last build's items are kept (each build replaces every table),
    and only for the settings they were made with. An entry is known by its
    identity as well as its hash and path: warm.Warm gives the same entry
    object while the cache file it reads bodies from is the same.
    """

    config: SiteConfig | None = None
    placed: dict[str, tuple[Rendered, Listed]] = field(default_factory=dict)
    # Completed items by their inputs but the related links, with the related links they
    # have: a preview, which ranks none but its own article's, takes the others as they are.
    done: dict[tuple, tuple[tuple[Link, ...], Listed]] = field(default_factory=dict)
    # Each article's and page's folder and output path, by its front matter's identity (the
    # front matter kept with them, so that its id is not another's): site.assemble's.
    folders: dict[int, tuple[object, str, str]] = field(default_factory=dict)

    def for_config(self, config: SiteConfig) -> Placed:
        if self.config != config:
            self.config, self.placed, self.done, self.folders = config, {}, {}, {}
        return self

    def copy(self) -> Placed:
        """Another Placed with these tables, which a build_site given it replaces there only:
        serve's preview reads the build thread's without changing them. (A build replaces
        the tables whole, never changes one, so copying them from another thread is safe.)"""
        return Placed(self.config, dict(self.placed), dict(self.done), dict(self.folders))


def place(
    published: list[Entry[ArticleMeta] | Entry[LinkMeta]],
    paths: dict[int, str],
    layout: SiteLayout,
    tag_refs: dict[str, TagRef],
    strip: Callable[[Rendered], Rendered] | None,
    kept: Placed,
) -> tuple[list[Listed], list[str]]:
    """Each published entry placed (`paths`: its folder by entry id, none for a link item),
    and what each was made from: its key in `kept`, whose placed items it replaces.

    The key is one string rather than a tuple of its parts: a string keeps its
    hash, and the key is looked up four times a build (here and in complete), so
    a warm rebuild or a preview hashes and compares no TagRef or tuple for it.
    Its separators (\\0, \\1, \\2) cannot be in a path or tag: discover.decode and
    the YAML reader refuse control characters.
    """
    placed: list[Listed] = []
    made_from: list[str] = []
    placed_now: dict[str, tuple[Rendered, Listed]] = {}
    spelt = {t: f"{r.name}\2{r.slug}\2{r.url}" for t, r in tag_refs.items()}
    for e in published:
        rel = paths.get(id(e), "")
        refs = "\1".join([spelt[t] for t, _ in e.meta.tags])
        source = f"{id(e.rendered)}\0{e.sha256}\0{e.meta.path}\0{rel}\0{refs}"
        known = kept.placed.get(source)
        item = known[1] if known else _place(e, rel, layout, tag_refs, strip)
        placed.append(item)
        made_from.append(source)
        # The entry's Rendered is kept with its item, so that its id is not another's.
        placed_now[source] = (e.rendered, item)
    kept.placed = placed_now
    return placed, made_from


def complete(
    placed: list[Listed],
    made_from: list[str],
    edition_of: list[Link | None],
    own: list[int],
    near: dict[int, tuple[int, tuple[Link, ...] | None]],
    kept: Placed,
) -> list[Listed]:
    """Each placed item with its key and edition; an article with its neighbours among
    `own` (the items with a page) and its related links (`near`), a link item with the
    anchor of its card. What `kept` made from the same inputs is reused; related links
    of None (not ranked: a preview's other articles) take those `kept` has, if any."""
    anchors = _anchors(placed)
    done_now: dict[tuple, tuple[tuple[Link, ...], Listed]] = {}
    articles: list[Listed] = []
    for i, item in enumerate(placed):
        related: tuple[Link, ...] | None = ()
        if isinstance(item, LinkItem):
            inputs: tuple = (made_from[i], _parts(edition_of[i]), anchors[i])
            if (done := _known(kept, inputs, related)) is None:
                key = _key(item.key, item.url, item.tags, edition_of[i], anchors[i])
                done = replace(item, key=key, edition=edition_of[i], anchor=anchors[i])
        else:
            at = near.get(i)  # (position among the articles, related links)
            older = _neighbour(placed, own, at[0] + 1) if at else None
            newer = _neighbour(placed, own, at[0] - 1) if at else None
            related = at[1] if at else ()
            inputs = (made_from[i], _parts(edition_of[i]), older, newer)
            if (done := _known(kept, inputs, related)) is None:
                prev, nxt = (Link(*older) if older else None), (Link(*newer) if newer else None)
                related = related or ()
                key = _key(item.key, item.url, item.tags, edition_of[i])
                done = replace(
                    item,
                    key=key,
                    edition=edition_of[i],
                    prev=prev,
                    next=nxt,
                    related=related,
                    page_key=_page_key(key, prev, nxt, related),
                )
        articles.append(done)
        done_now[inputs] = (done.related if isinstance(done, Article) else (), done)
    kept.done = done_now
    return articles


def _known(kept: Placed, inputs: tuple, related: tuple[Link, ...] | None) -> Listed | None:
    """The item `kept` completed from `inputs` with these related links (any, for None)."""
    found = kept.done.get(inputs)
    if found is None or (related is not None and found[0] != related):
        return None
    return found[1]


def _parts(link: Link | None) -> tuple[str, str] | None:
    """A link as the strings it holds, for a memo key: hashed and compared in C, where the
    Link itself would call its dataclass __hash__ and __eq__ for each lookup."""
    return (link.title, link.url) if link else None


def _neighbour(placed: list[Listed], own: list[int], n: int) -> tuple[str, str] | None:
    """The title and URL of the article at position `n` among the articles, if there is
    one: its Link is made only for an item made again (most are known)."""
    if not 0 <= n < len(own):
        return None
    article = placed[own[n]]
    return (article.title, article.url)


def _place(
    entry: Entry[ArticleMeta] | Entry[LinkMeta],
    rel: str,
    layout: SiteLayout,
    tag_refs: dict[str, TagRef],
    strip: Callable[[Rendered], Rendered] | None,
) -> Listed:
    """An article at its URL, or a link item pointing where it points, with its tags; with
    `strip`, its links as published (without tracking parameters)."""
    meta = entry.meta
    tags: list[TagRef] = []
    for tag, _line in meta.tags:
        ref = tag_refs[tag]
        if ref not in tags:
            tags.append(ref)
    if isinstance(meta, LinkMeta):
        rendered = strip(entry.rendered) if strip else entry.rendered
        url = links.strip_tracking(meta.link) if strip else meta.link
        return LinkItem(meta=meta, rendered=rendered, url=url, tags=tuple(tags), key=entry.sha256)
    url = layout.site_path(rel)
    meta, rendered = _published(meta, entry.rendered, url, strip)
    return Article(
        meta=meta,
        rendered=rendered,
        url=url,
        out_path=layout.output(url),
        tags=tuple(tags),
        key=entry.sha256,
    )


def _published(
    meta: ArticleMeta, rendered: Rendered, url: str, strip: Callable[[Rendered], Rendered] | None
) -> tuple[ArticleMeta, Rendered]:
    """An article's front matter and text as its page and the lists show them: with `strip`,
    its links without tracking parameters; its summary's #links pointing into its page."""
    if strip:
        rendered = strip(rendered)
        if meta.source and meta.source.url:
            source = replace(meta.source, url=links.strip_tracking(meta.source.url))
            meta = replace(meta, source=source)
    if 'href="#' in rendered.summary_html:
        # A summary shown on a list page keeps its #links pointing into the article.
        rendered = replace(
            rendered, summary_html=rendered.summary_html.replace('href="#', f'href="{url}#')
        )
    return meta, rendered


def again(
    old: Article | Page, entry: Entry, strip: Callable[[Rendered], Rendered] | None
) -> Article | Page | None:
    """`old` made again from `entry`, a later version of its source, if only the text below
    its front matter changed; else None (its place in the site may have changed).

    With the front matter the same, the item's URL, tags, edition, neighbours
    and related links are what they were, so its page can be made from the
    last build's site model at once (serve shows an edit that way while the
    whole site is built again: builder/preview.py).
    """
    if isinstance(old, Page):
        if not isinstance(entry.meta, PageMeta) or not _same_heading(entry.meta, old.meta):
            return None
        key = _key(entry.sha256, old.url, (), None)
        return replace(old, meta=entry.meta, rendered=entry.rendered, key=key)
    if type(entry.meta) is not ArticleMeta:
        return None
    meta, rendered = _published(entry.meta, entry.rendered, old.url, strip)
    if not _same_heading(meta, old.meta):
        return None
    key = _key(entry.sha256, old.url, old.tags, old.edition)
    page_key = _page_key(key, old.prev, old.next, old.related)
    return replace(old, meta=meta, rendered=rendered, key=key, page_key=page_key)


def _same_heading(new: ArticleMeta | PageMeta, old: ArticleMeta | PageMeta) -> bool:
    """Whether two versions of a source's front matter are the same: all but the body and
    the links found in it (`extra` is compared too, which equality leaves out)."""
    text: dict = {"body": ""} | ({"links": ()} if isinstance(new, ArticleMeta) else {})
    return replace(new, **text) == replace(old, **text) and new.extra == old.extra


def place_page(entry: Entry[PageMeta], rel: str, layout: SiteLayout) -> Page:
    url = layout.site_path(rel)
    return Page(
        meta=entry.meta,
        rendered=entry.rendered,
        url=url,
        out_path=layout.output(url),
        key=_key(entry.sha256, url, (), None),
    )


def _anchors(placed: list[Listed]) -> dict[int, str]:
    """The id of each link item's card, `link-<slug>`, unique in the site (the heading-id
    rule: `_1`, `_2` after the first). Given oldest first, so a newer item of the same slug
    never takes an older one's anchor, which search results and shared links point at."""
    used: set[str] = set()
    return {
        i: toc_unique(f"link-{item.meta.slug}", used)
        for i, item in reversed(list(enumerate(placed)))
        if isinstance(item, LinkItem)
    }


def _key(
    sha256: str, url: str, tags: tuple[TagRef, ...], edition: Link | None, anchor: str = ""
) -> str:
    """A digest of everything list pages and feeds show of an article (a page: its page).

    The source hash covers the front matter and body; the rest is what
    other files decide (the tag spelling in use, the URL, the edition, a link item's anchor).
    """
    parts = [sha256, url, *([anchor] if anchor else [])]
    parts += [f"{t.name}\1{t.url}" for t in tags]
    if edition:
        parts += [edition.title, edition.url]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _page_key(key: str, prev: Link | None, nxt: Link | None, related: tuple[Link, ...]) -> str:
    """The list key plus what only the article's own page shows: its neighbours."""
    parts = [key]
    for link in (prev, nxt, *related):
        parts += [link.title, link.url] if link else ["-"]
    parts.append(str(len(related)))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
