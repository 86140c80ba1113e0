"""The render loop: Specs in, OutputFiles out, reusing what has not changed.

Each output is first described by a Spec: where it goes and a fingerprint
of everything it shows (article keys, template digests, settings). Outputs
whose fingerprint matches the previous build are not rendered at all;
write.py keeps their old file. Template errors become diagnostics naming the
template line and the page. This module knows no page type: which outputs a
site has is render/outputs.py, what each page shows is render/pages.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

import jinja2

from builder.core import interrupts
from builder.core import parallel as workers
from builder.core.errors import Diagnostic, Diagnostics
from builder.core.models import OutputFile, Site
from builder.core.paths import SiteLayout, folder_of_output
from builder.render.context import SiteInfo
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


def run(
    specs: Iterable[Spec],
    theme: Theme,
    reusable: Mapping[str, str],
    diags: Diagnostics,
    jobs: int = 1,
    seen: dict[str, str] | None = None,
    stop: interrupts.Stop | None = None,
) -> Generator[OutputFile, None, None]:
    """Make every output; those whose fingerprint is in `reusable` are left as data=None.

    A generator, so each page goes to the writer as soon as it is made and
    the whole site never sits in memory at once. With jobs > 1 and many
    pages to make, forked workers render them (the site model is shared
    copy-on-write); the order of the outputs is the same either way. Two
    outputs with one path are an error, reported against the later one;
    `seen` (path → origin) carries the paths of an earlier run of the same
    build, so a clash with one of those is found too. Each output is a safe point
    for `stop` (interrupts.Stop: serve holds its build while it shows a page).
    """
    seen = {} if seen is None else seen
    before = set(seen)
    todo: list[Spec] = []
    for spec in specs:
        interrupts.check(stop)
        if spec.out_path in seen:
            _collision(spec, seen[spec.out_path], diags)
            continue
        seen[spec.out_path] = spec.origin
        if reusable.get(spec.out_path) == spec.fingerprint:
            yield OutputFile(spec.out_path, None, spec.fingerprint)
        else:
            todo.append(spec)
    clashing = _folder_clashes(seen, diags, before)
    todo = [spec for spec in todo if spec.out_path not in clashing]
    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        yield from _render_parallel(todo, theme, diags, jobs)
        return
    for spec in todo:
        interrupts.check(stop)
        try:
            data = spec.make()
        except jinja2.TemplateError as exc:
            _template_error(exc, spec, theme, diags)
            continue
        yield OutputFile(spec.out_path, data, spec.fingerprint)


def _render_parallel(
    todo: list[Spec], theme: Theme, diags: Diagnostics, jobs: int
) -> Iterator[OutputFile]:
    """The pages of `todo`, made by forked workers (see core.parallel), in the same order."""
    made = workers.fork_map(
        partial(_render_one, theme=theme),
        todo,
        jobs,
        CHUNK,
        lambda s: s.out_path if s.origin == "generated" else s.origin,
    )
    with contextlib.closing(made):  # on Ctrl-C or a write error: stop the pool now
        for spec, (data, problems) in zip(todo, made, strict=True):
            diags.extend(problems)
            if data is not None:
                yield OutputFile(spec.out_path, data, spec.fingerprint)


def _render_one(spec: Spec, theme: Theme) -> tuple[bytes | None, list[Diagnostic]]:
    """In a worker: one page, or the diagnostics of its template error."""
    try:
        return spec.make(), []
    except jinja2.TemplateError as exc:
        found = Diagnostics()
        _template_error(exc, spec, theme, found)
        return None, found.items


def _collision(spec: Spec, other: str, diags: Diagnostics) -> None:
    first, second = sorted([spec.origin, other])
    if first == "generated":
        first, second = second, first
    what = _named(second)
    diags.error(
        first,
        0,
        0,
        f"would write /{spec.out_path}, which {what} writes too",
        "change the slug or the permalink pattern so the paths differ",
    )


def _named(origin: str) -> str:
    """An output's source as a message names it: its file, or what Broadsheet generates."""
    return "a page Broadsheet generates" if origin == "generated" else origin


def _folder_clashes(
    seen: dict[str, str], diags: Diagnostics, before: set[str] | frozenset[str] = frozenset()
) -> set[str]:
    """The outputs that are a file where another output needs a folder (an asset named
    `2025/01/hello` beside the article published at `2025/01/hello/index.html`): an error
    at the source that can be renamed, never the disk's "Is a directory" later. A clash
    of two paths both in `before` was found by an earlier run, and is not reported again."""
    folders: dict[str, str] = {}  # a folder some output is in → the first such output
    for path in seen:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:  # a known folder's parents are known too
            folders[folder] = path
            folder = folder.rpartition("/")[0]
    clashing = {
        path
        for path in seen
        if path in folders and not (path in before and folders[path] in before)
    }
    for path in sorted(clashing):
        inner = folders[path]
        file_origin, inner_origin = seen[path], seen[inner]
        what = _named(inner_origin)
        where = file_origin if file_origin != "generated" else inner_origin
        diags.error(
            where,
            0,
            0,
            f"would write /{path} as a file, but /{inner}, from {what}, needs a folder there",
            "rename the file, or change the slug or the permalink pattern, so a file and a "
            "folder do not share a name",
        )
    return clashing


def _template_error(
    exc: jinja2.TemplateError, spec: Spec, theme: Theme, diags: Diagnostics
) -> None:
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
    diags.error(
        where,
        line,
        0,
        f"{message} (rendering {spec.page or spec.out_path})",
        "check the template against the variables listed in docs/themes.md",
    )


# --------------------------------------------------------------------------
# Pages from templates
# --------------------------------------------------------------------------
def nothing_kept(_path: str) -> None:
    """Job.kept without a writer (outputs.specs): every page is rendered."""
    return None


@dataclass(frozen=True)
class Job:
    """What every output function of the catalogue receives: the site, and `page()`.

    `base_fp` covers what every output depends on (Broadsheet's code, the
    config, what templates see as `site`), so a page's own fingerprint only
    has to name what the page itself shows.
    """

    site: Site
    layout: SiteLayout
    theme: Theme
    info: SiteInfo  # what templates see as `site`
    base_fp: str
    # The previous build's outputs still intact (path → fingerprint): an output made of many
    # files whose names come from their content (the search index) reuses them by this.
    reusable: Mapping[str, str] = field(default_factory=dict)
    jobs: int = 1  # processes the build may use (--jobs): the search index's indexers too
    search_later: bool = False  # keep out-of-date index parts (BuildOptions.search_later)
    stop: interrupts.Stop | None = None  # asked from another thread: stop (serve's catch-up)
    # The bytes this build gives an output already made or kept (the writer's), or None: the
    # search index, made after the pages (outputs.LATER), reads them instead of rendering.
    kept: Callable[[str], bytes | None] = field(default=nothing_kept, compare=False)
    # The outputs wanted, when only a few are (serve's preview, render/showing.py): the
    # others' Specs, which are left out, get no fingerprint, the cost of describing them.
    only: frozenset[str] | None = None

    def page(
        self,
        template: str,
        out_path: str,
        fp_parts: tuple,
        origin: str,
        context: Callable[[], dict],
        finish: Callable[[str], str] | None = None,
    ) -> Spec:
        """A Spec rendering `template` with `context()`; the context is made only if needed.

        `finish` rewrites the rendered text (the email's CSS inlining).
        """
        theme, info = self.theme, self.info
        if self.only is not None and out_path not in self.only:
            fp = ""
        else:
            fp = fingerprint(self.base_fp, theme.fingerprints.get(template, "missing"), fp_parts)

        def make() -> bytes:
            text = theme.env.get_template(template).render(site=info, **context())
            return (finish(text) if finish is not None else text).encode("utf-8")

        return Spec(out_path, fp, origin, make, "/" + folder_of_output(out_path))
