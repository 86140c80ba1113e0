"""Each converted input checked against the site and the rest of the batch before anything
is written: nothing overwritten, nothing published twice.

An existing file at the target path, an article that would publish at the same URL, a tag
whose URL another tag already has, or the same source URL, text, or title and date as an
article of the site or one earlier in the same run is an ImportFailure naming the other
article. Each converted file is read back by the build's own front-matter checks, so an
imported article builds as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from builder.commands.importer.convert import (
    ExistingArticle,
    ImportedArticle,
    ImportFailure,
    ImportOptions,
    body_key,
    convert,
)
from builder.commands.importer.inputs import Input
from builder.commands.importer.model import title_key
from builder.core.errors import Diagnostics
from builder.core.models import ArticleMeta, BuildOptions, SiteConfig, SourceFile
from builder.core.paths import SiteLayout
from builder.core.slugs import slugify, tag_key
from builder.core.urls import normalise_url
from builder.read import discover, frontmatter

_DUPLICATE_HINT = "import only one of the two files"
_SLUG_HINT = "the slug comes from the headline: change the headline in the file, or edit {}"


@dataclass(frozen=True)
class SiteIndex:
    """What content/ already holds, as far as an import needs to know."""

    existing: tuple[ExistingArticle, ...]
    vocabulary: tuple[str, ...]  # one spelling per tag, most used first
    pages: dict[str, str]  # output folder of each article → its file
    tag_slugs: dict[str, str]  # tag URL slug → the tag's spelling
    broken: int  # files under content/ with errors, left out of the checks


@dataclass(frozen=True)
class Planned:
    """One input, converted and checked, ready to write."""

    shown: str  # the input as given on the command line
    article: ImportedArticle
    meta: ArticleMeta  # the converted file as the build will read it
    page: str  # its output folder, e.g. 2024/06/slug/


def index_site(config: SiteConfig) -> SiteIndex:
    """Read every article's front matter (no Markdown: an import must be quick)."""
    from builder.pipeline import read_model

    diags = Diagnostics()
    metas = (
        read_model(config, BuildOptions(), diags, markdown=False).metas
        if config.content_dir.is_dir()
        else {}
    )
    existing: list[ExistingArticle] = []
    pages: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for rel, meta in metas.items():
        if not isinstance(meta, ArticleMeta):
            continue
        source = meta.source.url if meta.source else None
        existing.append(
            ExistingArticle(rel, meta.title, original_day(meta), source, body_key(meta.body))
        )
        pages.setdefault(SiteLayout.of(config).entry_folder(meta), rel)
        for tag in dict.fromkeys(t for t, _line in meta.tags):
            counts[tag_key(tag)][tag] += 1
    # The spelling most articles use (as the build picks it), the most used tags first,
    # so a tie between two suggested tags goes to the established one.
    names = {key: min(c, key=lambda t: (-c[t], t)) for key, c in counts.items()}
    order = sorted(counts, key=lambda key: (-counts[key].total(), names[key]))
    return SiteIndex(
        existing=tuple(existing),
        vocabulary=tuple(names[key] for key in order),
        pages=pages,
        tag_slugs={slugify(names[key]): names[key] for key in order},
        broken=len({d.path for d in diags.items if d.severity == "error"}),
    )


def plan(
    item: Input, options: ImportOptions, config: SiteConfig, site: SiteIndex, earlier: list[Planned]
) -> Planned:
    """Convert one input and refuse anything that would overwrite or duplicate."""
    article = convert(
        item.path, item.data, replace(options, fetched_from=item.url, charset=item.charset)
    )
    size = len(article.text.encode("utf-8"))
    if size > discover.MAX_BYTES:  # the build's own limit: it would refuse the file
        raise ImportFailure(
            f"the article would be {size:,} bytes, over the "
            f"{discover.MAX_BYTES // 2**20} MB limit of an article file",
            hint="split it into several articles, or import only the part that is the article",
        )
    meta = _as_built(article, config)
    page = SiteLayout.of(config).entry_folder(meta)
    rel = article.rel_path
    if (config.root / rel).exists() or (config.root / rel).is_symlink():
        raise ImportFailure(f"{rel} already exists", hint=_SLUG_HINT.format("that article"))
    if page in site.pages:
        raise ImportFailure(
            f"{site.pages[page]} is already published at /{page}",
            hint=_SLUG_HINT.format("the existing article"),
        )
    for tag, _line in meta.tags:
        other = site.tag_slugs.get(slugify(tag), tag)
        if tag_key(other) != tag_key(tag):
            raise ImportFailure(
                f"tag `{tag}` would have the same URL as the site's tag `{other}`",
                hint=f"use `{other}`, or another tag",
            )
    for prev in earlier:
        if (
            meta.source
            and prev.meta.source
            and meta.source.url
            and (normalise_url(meta.source.url) == normalise_url(prev.meta.source.url))
        ):
            same = "source URL"
        elif title_key(meta.title) == title_key(prev.meta.title) and (
            original_day(meta) == original_day(prev.meta)
        ):
            same = "title and date"
        elif article.text_key == prev.article.text_key:
            same = "text"
        elif prev.article.rel_path == rel or prev.page == page:
            same = f"target {rel}"
        else:
            continue
        raise ImportFailure(
            f"same {same} as {prev.shown}, also in this import", hint=_DUPLICATE_HINT
        )
    return Planned(item.shown, article, meta, page)


def original_day(meta: ArticleMeta) -> dt.date:
    """The day of the original: `source.date`, else (an article dated by its source, as
    imports were before `date:` became the day of curation) its own date."""
    if meta.source and meta.source.date:
        return meta.source.date
    assert meta.date is not None  # articles without a date are not indexed
    return meta.date.date()


def _as_built(article: ImportedArticle, config: SiteConfig) -> ArticleMeta:
    """The converted file read back by the build's own front-matter checks."""
    data = article.text.encode("utf-8")
    src = SourceFile(article.rel_path, data, hashlib.sha256(data).hexdigest())
    diags = Diagnostics()
    meta = frontmatter.parse(src, config, diags)
    errors = [d for d in diags.items if d.severity == "error"]
    if not isinstance(meta, ArticleMeta) or errors:
        first = errors[0] if errors else None
        message = first.message if first else "its front matter cannot be read"
        raise ImportFailure(
            f"the converted article would not build: {message}",
            hint=(first.hint if first else None) or "report this as a bug",
        )
    return meta
