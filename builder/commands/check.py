"""`broadsheet check`: after a build, prove the published site holds together.

CI runs it after `broadsheet build`. It reads output/ (never writes it) and
reports every internal link, image, stylesheet, script and `#anchor` that
leads nowhere, every feed or sitemap entry pointing at a page that does not
exist, and the content warnings of the build.

Those warnings are the build's own: check reads content/ through the same
front half of the pipeline (pipeline.read_model: read stage and site stage,
the cache only read), so the two can never disagree, and a site that passes
`build --strict` passes `check --strict` unless its links are broken.
Check adds none of its own: an article without a summary is the content
model working as designed (lists and feeds use the part above `<!-- more
-->`, else the first paragraph), and one dated later is scheduled, which
the build's closing line already counts.

This module is the command; links.py reads output/ and finds what does not
resolve. A problem is reported where it can be fixed: when a broken link is
written in an article's Markdown, at that line of the source file (the site
model maps output pages back to sources); otherwise at the line of the
output file, once, with a count of the other pages that share it (a broken
link in a template would otherwise be reported on every page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from builder.commands import progress
from builder.commands.common import quiet_option, site_options
from builder.commands.links import Built, Checker, Finding, parse_html
from builder.config import load_config
from builder.core.errors import EXIT_CONTENT, EXIT_OK, Diagnostics, UsageError, emit
from builder.core.models import BuildOptions, LinkItem, SiteConfig
from builder.core.progress import SILENT, Progress
from builder.site import assemble as site_mod
from builder.write import MARKER

# Built and parse_html moved to links.py; tests still import them from here.
__all__ = ["Built", "Sources", "parse_html", "read_sources", "run", "to_diagnostics"]


# --------------------------------------------------------------------------
# Findings → diagnostics
# --------------------------------------------------------------------------
def to_diagnostics(findings: list[Finding], diags: Diagnostics) -> None:
    """Source-located findings as they are; the rest once per broken target, with a count."""
    in_sources = {f.key for f in findings if f.from_source}
    groups: dict[str, list[Finding]] = defaultdict(list)
    hint_src = "fix the link in the Markdown, or build again if output/ is older than content/"
    hint_out = "the theme or a feed writes this URL; check the template or the permalinks"
    for f in findings:
        if f.from_source:
            diags.error(f.path, f.line, f.col, f.message, hint_src)
        elif f.key not in in_sources:
            groups[f.key].append(f)
    for group in groups.values():
        first = min(group, key=lambda f: (f.path, f.line))
        others = len({f.path for f in group}) - 1
        if others:
            text = f"{first.message} (and in {others} other file{'s' if others != 1 else ''})"
        else:
            text = first.message + (f" (on the page of {first.page_of})" if first.page_of else "")
        diags.error(first.path, first.line, first.col, text, hint_out)


# --------------------------------------------------------------------------
# content/, as the build reads it
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Sources:
    """What check needs of content/, besides the diagnostics the build would report."""

    texts: dict[str, str]  # source rel → its text, to find the line a URL is written on
    origin: dict[str, str]  # output rel → the source rel it is made from


def read_sources(
    config: SiteConfig, now: dt.datetime, diags: Diagnostics, shown: Progress = SILENT
) -> Sources:
    """The pipeline up to the site model, writing nothing: the cache is only read.

    The site as `build` makes it now reports its problems into `diags`, the
    very warnings a build reports; the one with drafts and future articles
    too maps every page output/ may still hold to its source.
    """
    from builder.pipeline import read_model

    options = BuildOptions(now=now, jobs=1, cache_dir=config.root / ".broadsheet-cache")
    model = read_model(config, options, diags, progress=shown)
    assets = [s for s in model.sources if s.kind == "asset"]
    everything = site_mod.build_site(
        model.entries, assets, config, BuildOptions(drafts=True, future=True), Diagnostics()
    )
    origin = {
        a.out_path: a.meta.path
        for a in (*everything.articles, *everything.pages)
        if not isinstance(a, LinkItem)
    }  # a link item has no page
    origin |= {e.out_path: f"content/editions/{e.id}.md" for e in everything.editions if e.note_key}
    texts = {
        s.rel: s.content().decode("utf-8", "replace") for s in model.sources if s.kind != "asset"
    }
    return Sources(texts, origin)


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------

HELP = "check links, anchors and feeds of the built site"
ABOUT = """\
Run it after build (the publish workflow does). It reads output/ and never
writes: it reports every internal link, image, stylesheet, script or #anchor
that leads nowhere, every feed or sitemap entry pointing at a missing page,
and the content warnings the build reports (the same ones, from one list)."""
EXAMPLES = (
    ("build, then check what was built", "broadsheet build && broadsheet check"),
    ("content warnings fail the check too", "broadsheet check --strict"),
    ("check a site built into public/", "broadsheet check --output public"),
)
DOCS = "docs/commands.md#broadsheet-check"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser, output="the built site to check")
    parser.add_argument(
        "--strict", action="store_true", help="treat content warnings as problems too (exit 1)"
    )
    quiet_option(parser)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config, args.output)
    out = config.output_dir
    if not (out / MARKER).is_file():
        shown = (
            out.relative_to(config.root).as_posix() + "/"
            if out.is_relative_to(config.root)
            else str(out)
        )
        raise UsageError(f"no built site in {shown}", "run  broadsheet build  first")
    diags = Diagnostics()
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone))
    with progress.shown(args.quiet) as report:
        model = read_sources(config, now, diags, report)
        checker = Checker(
            config, {out: (src, model.texts.get(src, "")) for out, src in model.origin.items()}
        )
        findings = checker.run(report)
    to_diagnostics(findings, diags)
    result = diags.sorted(args.strict)
    emit(result, sys.stderr)
    errors = sum(1 for d in result if d.severity == "error")
    warnings = len(result) - errors
    counts = f"{checker.pages} pages and {checker.feeds} feeds, {checker.refs} links"
    tail = f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if errors:
        print(
            f"check failed: {errors} problem{'s' if errors != 1 else ''} in {counts}{tail}",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print(f"checked {counts}: no problems{tail}", file=sys.stderr)
    return EXIT_OK
