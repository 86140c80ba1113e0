"""Site + Theme → [OutputFile]: every page, feed and file of the built site.

Each output is first described by a fingerprint of everything it shows
(article keys, template digests, settings). Pages whose fingerprint matches
the previous build are not rendered at all; write.py keeps their old file.
Template errors become diagnostics naming the template line and the page.
"""

from __future__ import annotations

import gc
import hashlib
import json
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from builder import code_digest
from builder.core import parallel as workers
from builder.core.errors import Diagnostics
from builder.core.models import Article, Link, OutputFile, Site, config_fingerprint
from builder.render import formats as feeds
from builder.render.styles import highlight_css
from builder.render.theme import Theme


@dataclass(frozen=True)
class Spec:
    """An output file not yet made: where it goes, what it depends on, how to make it."""

    out_path: str
    fingerprint: str
    origin: str  # the source file it comes from, or "generated"
    make: Callable[[], bytes]
    page: str = ""  # the page URL, for template diagnostics


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


PARALLEL_MIN = 400  # fewer pages than this render faster in one process
CHUNK = 48


def render(
    site: Site,
    theme: Theme,
    reusable: dict[str, str],
    diags: Diagnostics,
    serve_script: str = "",
    jobs: int = 1,
) -> Iterator[OutputFile]:
    """Make every output; those whose fingerprint is in `reusable` are left as data=None.

    A generator, so each page goes to the writer as soon as it is made and
    the whole site never sits in memory at once. With jobs > 1 and many
    pages to make, forked workers render them (the site model is shared
    copy-on-write); the order of the outputs is the same either way.
    """
    seen: dict[str, str] = {}
    todo: list[Spec] = []
    for spec in specs(site, theme, serve_script):
        if spec.out_path in seen:
            _collision(spec, seen[spec.out_path], diags)
            continue
        seen[spec.out_path] = spec.origin
        if reusable.get(spec.out_path) == spec.fingerprint:
            yield OutputFile(spec.out_path, None, spec.fingerprint)
        else:
            todo.append(spec)
    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        yield from _render_parallel(todo, theme, diags, jobs)
        return
    for spec in todo:
        try:
            data = spec.make()
        except jinja2.TemplateError as exc:
            _template_error(exc, spec, theme, diags)
            continue
        yield OutputFile(spec.out_path, data, spec.fingerprint)


_shared: tuple[list[Spec], Theme] | None = None  # set before forking workers


def _render_chunk(bounds: tuple[int, int]) -> tuple[list[tuple[int, bytes]], list]:
    assert _shared is not None
    todo, theme = _shared
    made: list[tuple[int, bytes]] = []
    diags = Diagnostics()
    for index in range(*bounds):
        try:
            made.append((index, todo[index].make()))
        except jinja2.TemplateError as exc:
            _template_error(exc, todo[index], theme, diags)
    return made, diags.items


def _render_parallel(todo: list[Spec], theme: Theme, diags: Diagnostics,
                     jobs: int) -> Iterator[OutputFile]:
    global _shared
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _shared = (todo, theme)
    gc.freeze()  # keep the collector from touching (and so copying) the shared model
    chunks = [(i, min(i + CHUNK, len(todo))) for i in range(0, len(todo), CHUNK)]
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=workers.leave_signals_to_parent)
    try:
        with workers.forking():  # the workers are forked by the first submit, in map()
            results = pool.map(_render_chunk, chunks)
        for made, problems in results:
            diags.extend(problems)
            for index, data in made:
                spec = todo[index]
                yield OutputFile(spec.out_path, data, spec.fingerprint)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on Ctrl-C: drop chunks not begun
        _shared = None
        gc.unfreeze()


def _collision(spec: Spec, other: str, diags: Diagnostics) -> None:
    first, second = sorted([spec.origin, other])
    if first == "generated":
        first, second = second, first
    what = "a page Broadsheet generates" if second == "generated" else second
    diags.error(first, 0, 0, f"would write /{spec.out_path}, which {what} writes too",
                "change the slug or the permalink pattern so the paths differ")


def _template_error(exc: jinja2.TemplateError, spec: Spec, theme: Theme,
                    diags: Diagnostics) -> None:
    name, line = getattr(exc, "name", None), getattr(exc, "lineno", None) or 0
    if isinstance(exc, jinja2.TemplateNotFound):
        name = None  # the missing one: report where it is included from instead
    if not name:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            for template in theme.origins:
                if frame.filename.endswith("/" + template) or frame.filename == template:
                    name, line = template, frame.lineno or 0
                    break
            if name:
                break
    where = theme.origins.get(name or "", name or "templates")
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template `{exc.name}` not found"
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"undefined variable: {exc.message}"
    else:
        message = f"template error: {exc.message or exc}"
    diags.error(where, line, 0, f"{message} (rendering {spec.page or spec.out_path})",
                "check the template against the variables listed in docs/themes.md")


# --------------------------------------------------------------------------
# What templates see
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str  # absolute
    type: str


@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    base_url: str
    base_path: str
    language: str
    author: str
    nav: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]


@dataclass(frozen=True)
class PageInfo:
    title: str
    description: str
    url: str
    canonical: str
    kind: str
    feeds: tuple[FeedLink, ...] = ()
    image: str | None = None
    json_ld: str = ""


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


def _site_info(site: Site) -> SiteInfo:
    config = site.config
    base = config.base_path
    feeds_out = []
    if config.feeds.rss.enabled:
        feeds_out.append(FeedLink(f"{config.title} (RSS)", config.base_url + "feed.xml",
                                  "application/rss+xml"))
    if config.feeds.atom.enabled:
        feeds_out.append(FeedLink(f"{config.title} (Atom)", config.base_url + "atom.xml",
                                  "application/atom+xml"))
    if config.feeds.json.enabled:
        feeds_out.append(FeedLink(f"{config.title} (JSON Feed)", config.base_url + "feed.json",
                                  "application/feed+json"))
    nav = [Link("Latest", base)]
    if site.editions:
        nav.append(Link("Editions", base + "editions/"))
    nav += [Link("Archive", base + "archive/"), Link("Tags", base + "tags/")]
    nav += [Link(p.title, p.url) for p in site.pages]
    return SiteInfo(config.title, config.description, config.base_url, base, config.language,
                    config.author, tuple(nav), tuple(feeds_out))


def plain(html: str, limit: int = 200) -> str:
    """Text of an HTML fragment, cut at a word boundary, for meta descriptions."""
    text = feeds.plain_text(html)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _json_ld(article: Article, site: Site) -> str:
    config = site.config
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat() if article.date else None,
        "dateModified": (article.meta.updated or article.date).isoformat()  # type: ignore[union-attr]
        if article.date else None,
        "url": feeds.absolute(article.url, config),
        "description": plain(article.rendered.summary_html),
        "keywords": [t.name for t in article.tags],
        "author": [{"@type": "Person", "name": a} for a in article.meta.authors]
        or {"@type": "Organization", "name": config.author or config.title},
        "publisher": {"@type": "Organization", "name": config.title},
        "inLanguage": config.language,
    }
    if article.meta.image:
        data["image"] = feeds.image_url(article, config)
    if article.meta.source and article.meta.source.url:
        data["isBasedOn"] = article.meta.source.url
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Inside <script>, `</` and `<!--` must never appear literally.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pages_of(items: tuple[int, ...] | list[int], size: int) -> Iterator[tuple[int, list[int]]]:
    """(page number, indexes) for each page of a list; an empty list has one page."""
    items = list(items)
    total = max(1, -(-len(items) // size))
    for number in range(1, total + 1):
        yield number, items[(number - 1) * size: number * size]


def specs(site: Site, theme: Theme, serve_script: str = "") -> Iterator[Spec]:
    """Every output of the site, in a stable order."""
    from builder.render import pages as render_lists

    config = site.config
    info = _site_info(site)
    base_fp = fingerprint(code_digest(), config_fingerprint(config), info, serve_script)

    def page(template: str, out_path: str, fp_parts: tuple, origin: str,
             context: Callable[[], dict]) -> Spec:
        fp = fingerprint(base_fp, theme.fingerprints.get(template, "missing"), fp_parts)

        def make() -> bytes:
            tpl = theme.env.get_template(template)
            html = tpl.render(site=info, **context())
            if serve_script:  # before the last </body>: content may hold one too
                head, body_end, tail = html.rpartition("</body>")
                html = head + serve_script + body_end + tail if body_end else html + serve_script
            return html.encode("utf-8")

        return Spec(out_path, fp, origin, make, "/" + out_path.removesuffix("index.html"))

    for article in site.articles + site.pages:
        yield page(
            "article.html" if article.meta.kind == "article" else "page.html",
            article.out_path,
            (article.page_key or article.key,),
            article.meta.path,
            _article_context(article, site),
        )
    yield from render_lists.list_specs(site, info, page)
    yield from render_lists.feed_specs(site, base_fp)
    css = highlight_css(config.markdown).encode("utf-8")
    yield Spec("static/highlight.css", fingerprint(css), "generated", lambda: css)
    for rel, path in theme.statics:
        yield _file_spec(rel, path, "generated")
    for asset in site.assets:
        rel = asset.rel.removeprefix("content/")
        yield Spec(rel, asset.sha256, asset.rel, asset.content)


def _file_spec(rel: str, path: Path, origin: str) -> Spec:
    data = path.read_bytes()
    return Spec(rel, hashlib.sha256(data).hexdigest()[:32], origin, lambda: data)


def _article_context(article: Article, site: Site) -> Callable[[], dict]:
    def context() -> dict:
        config = site.config
        info = PageInfo(
            title=article.title,
            description=plain(article.rendered.summary_html),
            url=article.url,
            canonical=feeds.absolute(article.url, config),
            kind=article.meta.kind,
            image=feeds.image_url(article, config),
            json_ld=Markup(_json_ld(article, site)) if article.meta.kind == "article" else "",
        )
        return {"page": info, "article": article, "content": Markup(article.rendered.html),
                "summary": Markup(article.rendered.summary_html)}

    return context
