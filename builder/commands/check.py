"""`broadsheet check`: after a build, prove the published site holds together.

CI runs it after `broadsheet build`. It reads output/ (never writes it) and
reports every internal link, image, stylesheet, script and `#anchor` that
leads nowhere, every feed or sitemap entry pointing at a page that does not
exist, and the content warnings an editor should see (no summary, a source
curated twice, one tag spelt two ways, articles scheduled for later).

This module is the command and the content warnings, read from the site
model; links.py reads output/ and finds what does not resolve. A
problem is reported where it can be fixed: when a broken link is written
in an article's Markdown, at that line of the source file (the site model
maps output pages back to sources); otherwise at the line of the output
file, once, with a count of the other pages that share it (a broken link in
a template would otherwise be reported on every page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from builder.commands.common import site_options
from builder.commands.links import Built, Checker, Finding, parse_html
from builder.config import load_config
from builder.core.errors import EXIT_CONTENT, EXIT_OK, Diagnostics, UsageError, emit
from builder.core.models import ArticleMeta, BuildOptions, Entry, LinkItem, Meta, SiteConfig
from builder.read.markup import MORE_LINE
from builder.site import assemble as site_mod
from builder.write import MARKER

# Built and parse_html moved to links.py; tests still import them from here.
__all__ = ["Built", "Sources", "content_warnings", "parse_html", "read_sources", "run",
           "to_diagnostics"]


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
# Content warnings, from the site model
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Sources:
    """What check needs of content/, besides the site model's diagnostics."""

    entries: list[Entry[Meta]]
    texts: dict[str, str]  # source rel → its text, to find the line a URL is written on
    origin: dict[str, str]  # output rel → the source rel it is made from


def read_sources(config: SiteConfig, now: dt.datetime, diags: Diagnostics) -> Sources:
    """The pipeline up to the site model, writing nothing: the cache is only read.

    The site as `build` makes it now reports its problems into `diags`; the
    one with drafts and future articles too maps every page output/ may
    still hold to its source.
    """
    from builder.pipeline import read_model

    options = BuildOptions(now=now, jobs=1, cache_dir=config.root / ".broadsheet-cache")
    model = read_model(config, options, diags)
    assets = [s for s in model.sources if s.kind == "asset"]
    everything = site_mod.build_site(model.entries, assets, config,
                                     BuildOptions(drafts=True, future=True), Diagnostics())
    origin = {a.out_path: a.meta.path for a in (*everything.articles, *everything.pages)
              if not isinstance(a, LinkItem)}  # a link item has no page
    origin |= {e.out_path: f"content/editions/{e.id}.md" for e in everything.editions
               if e.note_key}
    texts = {s.rel: s.content().decode("utf-8", "replace") for s in model.sources
             if s.kind != "asset"}
    return Sources(model.entries, texts, origin)


def content_warnings(model: Sources, now: dt.datetime, diags: Diagnostics) -> None:
    """Besides what `build` warns about: missing summaries and scheduled articles."""
    for entry in model.entries:
        meta = entry.meta
        if not isinstance(meta, ArticleMeta) or meta.draft:
            continue
        text = model.texts.get(meta.path, "")
        if meta.summary is None and not MORE_LINE.search(text):
            diags.warning(meta.path, meta.title_line, 0,
                          "no summary: lists and feeds show the first paragraph",
                          'add  summary: "..."  to the front matter, or a <!-- more --> '
                          "line after the opening paragraphs")
        if meta.date > now:
            diags.warning(meta.path, _key_line(text, "date"), 0,
                          f"scheduled: dated {meta.date.isoformat()}, so not published "
                          "until then", "the daily CI build publishes it on its date")


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^{key}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------

HELP = "check links, anchors and feeds of the built site"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("--strict", action="store_true",
                        help="content warnings count as problems (exit 1)")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config, args.output)
    out = config.output_dir
    if not (out / MARKER).is_file():
        shown = out.relative_to(config.root).as_posix() + "/" if out.is_relative_to(
            config.root) else str(out)
        raise UsageError(f"no built site in {shown}", "run  broadsheet build  first")
    diags = Diagnostics()
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone))
    model = read_sources(config, now, diags)
    content_warnings(model, now, diags)
    checker = Checker(config, {out: (src, model.texts.get(src, ""))
                               for out, src in model.origin.items()})
    to_diagnostics(checker.run(), diags)
    result = diags.sorted(args.strict)
    emit(result, sys.stderr)
    errors = sum(1 for d in result if d.severity == "error")
    warnings = len(result) - errors
    counts = f"{checker.pages} pages and {checker.feeds} feeds, {checker.refs} links"
    tail = f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if errors:
        print(f"check failed: {errors} problem{'s' if errors != 1 else ''} in {counts}{tail}",
              file=sys.stderr)
        return EXIT_CONTENT
    print(f"checked {counts}: no problems{tail}", file=sys.stderr)
    return EXIT_OK
