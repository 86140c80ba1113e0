"""An edited page, or an added or deleted article's lists, made at once, before the build
that follows: serve shows them.

Rebuilding a large site after an edit takes seconds, nearly all of it spent
confirming that the rest of the site is as it was (its files, its model, the
fingerprint of every output). When only the text of one article or page
changed (its front matter is as it was), its own page is all that can change
at once: its URL, tags, neighbours and related links come from the front
matter of the whole site, which is the same. So that page is made from the
last good build's site model (warm.Shown) with this one entry read again, by
the same read, site and render code as a build, and serve sends it until the
build that follows has put the real one in place. Nothing is written.

An article added or deleted alone changes the lists it is on, which for a
large site means a thousand pages a newest-first list shifts by one. Its
own page and the page of each list it is (or was) on, with their feeds,
are made from a site model made again from the last good build's entries
with this one added or taken out (site.assemble's preview_of: only what
those pages show), and the rest of each list comes with the build.

Any doubt gives None and the editor waits for the build as before: a problem
in the file, a changed front matter, a file that is not a page of the site.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import jinja2

from builder.core.collector import fewer_collections
from builder.core.errors import Diagnostics
from builder.core.models import Article, ArticleMeta, LinkMeta, SiteConfig, SourceFile
from builder.read import markup
from builder.read.discover import MAX_BYTES
from builder.read.entries import entry_of
from builder.render import outputs, pages
from builder.render.showing import outputs_showing
from builder.site.assemble import again, build_site
from builder.warm import Warm


@dataclass(frozen=True)
class Preview:
    """A page of the site as the next build will make it: where it goes, its bytes."""

    out_path: str  # inside the output folder
    data: bytes


def page_of(warm: Warm, rel: str) -> Preview | None:
    """The page of the source `rel` (site-relative, `content/…md`) as it now reads, made from
    `warm`'s last good build; None whenever that cannot tell. Only for an edit of `rel`
    alone: with site.yaml or the theme changed too, the last build's model is not the site's.
    """
    shown = warm.shown
    if shown is None or not rel.endswith(".md"):
        return None
    config = shown.site.config
    src = _source(config, rel)
    if src is None:
        return None
    entry, found = entry_of(src, config)
    if entry is None or found:
        return None  # the build reports it
    item = again(shown.site, entry)
    if item is None:
        return None
    job = outputs.job_for(shown.site, shown.theme)
    if isinstance(item, Article):
        spec = pages.article_page(job, item)
    else:
        spec = pages.page_page(job, item)
    try:
        return Preview(spec.out_path, spec.make())
    except jinja2.TemplateError:
        return None


def lists_of(warm: Warm, rel: str) -> list[Preview] | None:
    """For the article or link item `rel` added or deleted alone since `warm`'s last good
    build: the page of each list it is (or was) on and their feeds as the next build will
    make them, and an added article's own page; None whenever that cannot tell (an edit
    of a file the site has is page_of's)."""
    shown = warm.shown
    if shown is None or shown.options.strict or not rel.endswith(".md"):
        return None  # strict: the warnings this leaves to the build would fail it
    config = shown.site.config
    before = shown.entries
    entries = [e for e in before if e.meta.path != rel]
    if len(entries) == len(before):  # not in the last build: added
        src = _source(config, rel)
        if src is None:
            return None
        entry, found = entry_of(src, config)
        if entry is None or Diagnostics(found).has_errors:
            return None
        if not isinstance(entry.meta, ArticleMeta | LinkMeta):  # a page, an edition note
            return None
        entries.append(entry)
    elif len(entries) != len(before) - 1 or os.path.lexists(config.root / rel):
        return None  # still there: edited, not deleted
    with fewer_collections():
        diags = Diagnostics()
        site = build_site(
            entries,
            list(shown.site.assets),
            config,
            shown.options,
            diags,
            None,
            warm.site.copy(),
            preview_of=rel,
        )
        if diags.has_errors:
            return None
        home = site if len(entries) > len(before) else shown.site  # where it is, or was
        at = [i for i, item in enumerate(home.articles) if item.meta.path == rel]
        if len(at) != 1:
            return None  # a draft, scheduled: on no list
        job = outputs.job_for(site, shown.theme)
        try:
            return [Preview(s.out_path, s.make()) for s in outputs_showing(job, home, at[0])]
        except jinja2.TemplateError:
            return None


def prepare(warm: Warm) -> None:
    """Get ready for the first page_of now, rendering nothing: Python-Markdown imports its
    extensions and Jinja compiles the templates (about 0.3 s at 10,000 articles), which a
    build that found nothing changed has not needed, so the first edit is shown as fast
    as the rest."""
    shown = warm.shown
    if shown is None:
        return
    markup.render("", None, "/", shown.site.config.markdown)
    env = shown.theme.env
    for name in env.list_templates(filter_func=lambda n: not n.startswith(".")):
        env.get_template(name)


def _source(config: SiteConfig, rel: str) -> SourceFile | None:
    """The source file `rel` read now, if discovery would read it: inside content/ once
    symlinks are followed, and not over the size limit."""
    content = os.path.realpath(config.root / "content")
    path = os.path.realpath(config.root / rel)
    if os.path.commonpath([content, path]) != content or not rel.startswith("content/"):
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    return SourceFile(rel, data, hashlib.sha256(data).hexdigest(), path)
