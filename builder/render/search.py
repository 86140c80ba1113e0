"""The search index: Pagefind's files, made in memory and handed to the writer like any page.

Pagefind reads rendered HTML, so the theme decides what is found: the
article template marks the indexed region (`data-pagefind-body`) and the
filters (`data-pagefind-filter`: tag, edition, year), and each page's
`<html lang>` picks its index, which gives a site in several languages one
index per language, each searched from the pages in that language. A link
item has no page to read: it goes in as a custom record (`records`) with
the same filters and the language of its `lang:`, found at its card on its
edition's page (models.LinkItem.found_at). The files come back from
Pagefind's Python API as bytes (`get_files`), never written by it, so only
write.py touches output/.

Pagefind cannot update an index in place, so a change to any indexed page
means indexing its bundle again. The index is therefore made in parts of
about a thousand items (render/search_shards.py), each a whole bundle, and
the search page merges them. Every file of a part carries one fingerprint,
made of the keys of the part's pages and link items and its number of
files, so a build that changed none of them reuses the part, intact,
without starting Pagefind at all.
"""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from builder.core import interrupts
from builder.core.models import Article, LinkItem, Listed
from builder.render import pagefind, pages, search_shards
from builder.render.engine import Job, Spec, fingerprint
from builder.render.pagefind import Record

__all__ = ["INTERFACE", "Record", "records", "specs"]

# The search interface: in the first part only, which every later part is merged into.
INTERFACE = frozenset({"pagefind-ui.js", "pagefind-ui.css"})


def specs(job: Job) -> Iterator[Spec]:
    """The files of the index under pagefind/, in parts (render/search_shards.py), when the
    site has search on. A part whose items are all as they were is reused as it is."""
    site = job.site
    if not site.config.search:
        return
    common = (
        job.base_fp,
        job.theme.fingerprints.get("article.html", "missing"),  # it marks what is indexed
        pagefind.version_of_pagefind(),
    )
    last = _last_parts(job)
    # serve, after an edit: a part whose items changed keeps its last files for now.
    stale = {kept.folder: kept.paths for kept in last.values()} if job.search_later else {}
    pending = []
    for part in search_shards.shards(site.articles) or [search_shards.Shard("", ())]:
        # Every item's key: an article's covers its page, a link item's its record (text,
        # language, tags, edition, anchor), so a changed link item re-indexes its part too.
        keys = fingerprint(*common, part.folder, tuple(a.key for a in part.items))
        kept = last[keys].paths if keys in last else stale.get(part.folder, ())
        if not kept:
            pending.append((part, keys))
        for path in kept:
            yield Spec(path, job.reusable[path], "generated", _gone(path))
    yield from _indexed(job, pending)


def _indexed(job: Job, pending: list[tuple[search_shards.Shard, str]]) -> Iterator[Spec]:
    """The files of each part in `pending`, indexed afresh.

    Up to `job.jobs` Pagefinds run at once, each from a thread (each holds
    a part's index in memory: the largest processes of a build), while this
    thread renders the next part's pages for them. A `job.stop` requested
    meanwhile is seen between pages and while waiting for Pagefind: the
    build stops at once, and each Pagefind running stops at its next batch.
    """
    language = job.site.config.language
    at_once = max(1, job.jobs)
    waiting: deque[tuple[search_shards.Shard, str, concurrent.futures.Future]] = deque()
    pool = concurrent.futures.ThreadPoolExecutor(at_once, thread_name_prefix="pagefind")
    stopped = False
    try:
        for part, keys in pending:
            documents = []
            for spec in (pages.article_page(job, a) for a in part.items if isinstance(a, Article)):
                interrupts.check(job.stop)
                documents.append((_page_url(job, spec), _page_html(job, spec)))
            found = pool.submit(pagefind.index, documents, records(part.items, language), job.stop)
            waiting.append((part, keys, found))
            if len(waiting) > at_once:
                yield from _part_files(job, *waiting.popleft())
        while waiting:
            yield from _part_files(job, *waiting.popleft())
    except interrupts.Cancelled:
        stopped = True
        raise
    finally:
        pool.shutdown(wait=not stopped, cancel_futures=True)


def _part_files(
    job: Job, part: search_shards.Shard, keys: str, future: concurrent.futures.Future
) -> Iterator[Spec]:
    """A part's files as Specs; only the first part carries the search interface's own."""
    while job.stop is not None and not future.done():  # else: result() waits, unstoppable
        job.stop.check()
        concurrent.futures.wait([future], timeout=pagefind.STOP_POLL)
    files = [(n, d) for n, d in future.result() if not part.folder or n not in INTERFACE]
    fp = f"{keys}-{len(files)}"
    for name, data in files:
        yield Spec(job.layout.PAGEFIND + part.folder + name, fp, "generated", _given(data))


def records(items: Sequence[Listed], site_language: str) -> list[Record]:
    """The link items of `items` as records, with the filters an article page marks (tag,
    edition, year: article.html) and its title, in the index of the item's language."""
    found = []
    for item in items:
        if not isinstance(item, LinkItem):
            continue
        filters = {"tag": [t.name for t in item.tags], "year": [str(item.date.year)]}
        if item.edition:
            filters["edition"] = [item.edition.title]
        comment = _text(item.rendered.html)
        found.append(
            Record(
                url=item.found_at,
                content=f"{item.title}\n{comment}" if comment else item.title,
                # Pagefind files a page under its <html lang> lower-cased (zh-Hans: zh-hans),
                # a record under the language as given: lowered here, they share one index.
                language=(item.meta.lang or site_language).lower(),
                meta={"title": item.title},
                filters={name: values for name, values in filters.items() if values},
            )
        )
    return found


class _Text(HTMLParser):
    """The words of an HTML fragment: a block's edge parts words (`a</p><p>b` is two), an
    inline tag does not (`hydro<em>foil</em>` is one)."""

    # fmt: off
    BLOCKS = frozenset({
        "address", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "td",
        "th", "tr", "ul",
    })
    # fmt: on

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _page_html(job: Job, spec: Spec) -> str:
    """An article page as Pagefind reads it: as this build made it or kept it from the last
    (Job.kept: the index is made after the pages), rendered here only without a writer."""
    made = job.kept(spec.out_path)
    return (made if made is not None else spec.make()).decode("utf-8")


def _page_url(job: Job, spec: Spec) -> str:
    """The result URL of an indexed page: its site path, so a sub-path base_url is kept."""
    return job.layout.served_at(spec.out_path)


@dataclass(frozen=True)
class _Kept:
    """A part of the last build's index whose files are all still in place."""

    folder: str  # where it is under pagefind/ (search_shards.Shard.folder)
    paths: tuple[str, ...]


def _last_parts(job: Job) -> dict[str, _Kept]:
    """The last build's index parts still whole, by the keys they were made from.

    Every file of a part carries the fingerprint `<keys>-<number of files>`
    (_part_files), so a part is whole when that many files still carry it.
    """
    by_fp: dict[str, list[str]] = {}
    for path, fp in job.reusable.items():
        if path.startswith(job.layout.PAGEFIND):
            by_fp.setdefault(fp, []).append(path)
    whole = {}
    for fp, paths in by_fp.items():
        keys, _, count = fp.rpartition("-")
        if count == str(len(paths)):
            folder = search_shards.folder_of(paths[0].removeprefix(job.layout.PAGEFIND))
            whole[keys] = _Kept(folder, tuple(sorted(paths)))
    return whole


def _given(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _gone(path: str) -> Callable[[], bytes]:
    """The make() of a reused index file: never called, as the fingerprint matches."""

    def make() -> bytes:
        raise AssertionError(f"{path} is reused, not made")

    return make
