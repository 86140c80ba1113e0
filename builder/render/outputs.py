"""THE catalogue: every output of a site, one line each, in the order they are made.

To add a page type, write its function in render/pages.py and add its line
here; its URL goes in core/paths.py. A feed is a row of render/feeds.py.
The order is stable, and it decides which output keeps a path two of them
claim: the first (so an article wins over a generated page).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping

from builder import code_digest
from builder.core import interrupts
from builder.core.errors import Diagnostics
from builder.core.models import OutputFile, Site, config_fingerprint
from builder.core.paths import SiteLayout
from builder.render import email, feeds, pages, search, sitemap
from builder.render.context import cover_finder, site_info
from builder.render.engine import Job, Spec, fingerprint, nothing_kept, run
from builder.render.styles import highlight_css
from builder.render.theme import Theme


def _highlight_css(job: Job) -> Iterator[Spec]:
    """The Pygments colours of code blocks, from the site's markdown settings."""
    css = highlight_css(job.site.config.markdown).encode("utf-8")
    yield Spec(job.layout.HIGHLIGHT_CSS, fingerprint(css), "generated", lambda: css)


def _theme_statics(job: Job) -> Iterator[Spec]:
    """The theme's static/ files, as they are."""
    for rel, path in job.theme.statics:
        data = path.read_bytes()

        def make(data: bytes = data) -> bytes:
            return data

        yield Spec(rel, hashlib.sha256(data).hexdigest()[:32], "generated", make)


def _assets(job: Job) -> Iterator[Spec]:
    """The files beside the Markdown in content/, published at the same paths."""
    for asset in job.site.assets:
        yield Spec(job.layout.asset_output(asset.rel), asset.sha256, asset.rel, asset.content)


SEARCH_INDEX = "search index"  # its line of the catalogue, which --timings names
# Lines made after all the others: they read the others' bytes (see render()).
LATER = frozenset({SEARCH_INDEX})
CATALOGUE: tuple[tuple[str, Callable[[Job], Iterable[Spec]]], ...] = (
    ("article pages", pages.articles),
    ("pages", pages.pages),
    ("index", pages.index),
    ("tags", pages.tags),
    ("tag pages", pages.tag_pages),
    ("author pages", pages.authors),
    ("archive", pages.archive),
    ("years", pages.years),
    ("months", pages.months),
    ("editions index", pages.editions),
    ("edition pages", pages.edition_pages),
    ("edition emails", email.emails),
    ("404", pages.not_found),
    ("search page", pages.search),
    (SEARCH_INDEX, search.specs),
    ("feeds", feeds.specs),
    ("sitemap", sitemap.sitemap),
    ("robots", sitemap.robots),
    ("highlight.css", _highlight_css),
    ("theme statics", _theme_statics),
    ("assets", _assets),
)


def job_for(
    site: Site,
    theme: Theme,
    reusable: Mapping[str, str] | None = None,
    jobs: int = 1,
    search_later: bool = False,
    stop: interrupts.Stop | None = None,
    kept: Callable[[str], bytes | None] | None = None,
) -> Job:
    """What every line of the catalogue is given: the site, its layout, `site` for templates."""
    layout = SiteLayout.of(site.config)
    info = site_info(site, layout, feeds.alternates(site, layout).get(layout.home, ()))
    base_fp = fingerprint(code_digest(), config_fingerprint(site.config), info)
    theme.env.filters["cover"] = cover_finder(site, layout)  # sizes read from this site's files
    kept = kept or nothing_kept
    return Job(site, layout, theme, info, base_fp, reusable or {}, jobs, search_later, stop, kept)


def specs(site: Site, theme: Theme, reusable: Mapping[str, str] | None = None) -> Iterator[Spec]:
    """Every output of the site, in the catalogue's order."""
    return _catalogue(job_for(site, theme, reusable))


def _catalogue(
    job: Job, seconds: dict[str, float] | None = None, later: bool | None = None
) -> Iterator[Spec]:
    """Every line's outputs in order (with `later`, only the LATER lines or only the others);
    with `seconds`, the time each line took to make its Specs (its own time only, not its
    consumer's): the search index does its work there."""
    for name, outputs in CATALOGUE:
        if later is not None and (name in LATER) != later:
            continue
        if seconds is None:
            yield from outputs(job)
            continue
        made, spent = iter(outputs(job)), 0.0
        while True:
            start = time.perf_counter()
            spec = next(made, None)
            spent += time.perf_counter() - start
            if spec is None:
                break
            yield spec
        seconds[name] = spent


def render(
    site: Site,
    theme: Theme,
    reusable: dict[str, str],
    diags: Diagnostics,
    jobs: int = 1,
    search_later: bool = False,
    stop: interrupts.Stop | None = None,
    kept: Callable[[str], bytes | None] | None = None,
    seconds: dict[str, float] | None = None,
) -> Generator[OutputFile, None, None]:
    """Every output of the site, made (or reused by fingerprint) by the engine; a requested
    `stop` ends it with interrupts.Cancelled (the search index checks it as it goes);
    `seconds` is given the time each line of the catalogue took to make its outputs
    (--timings).

    The LATER lines come last, once every other output has been taken by the
    caller: `kept` then gives the bytes this build has for an output (the
    writer's: made now, or kept from the last build), so the search index reads
    each article page as the render pool made it instead of rendering it again.
    A build with errors by then writes nothing, so they are not made.
    """
    job = job_for(site, theme, reusable, jobs, search_later, stop, kept)
    seen: dict[str, str] = {}
    yield from run(_catalogue(job, seconds, later=False), theme, reusable, diags, jobs, seen, stop)
    if not diags.has_errors:
        yield from run(
            _catalogue(job, seconds, later=True), theme, reusable, diags, jobs, seen, stop
        )
