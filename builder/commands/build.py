"""`broadsheet build`: build the site into output/ and say what was done."""

from __future__ import annotations

import argparse
import sys

from builder.commands import progress
from builder.commands.common import (
    build_options,
    from_cwd,
    load_site,
    options_from,
    quiet_option,
    site_options,
    summary,
)
from builder.core.errors import EXIT_CONTENT, EXIT_OK, emit

HELP = "build the site into output/"
ABOUT = """\
Reads site.yaml and content/, renders every page, feed and the sitemap
through the theme, and puts the new site in output/ only if nothing failed:
a failed build leaves the previous site as it was. A rebuild redoes only
what changed. Drafts and articles dated later are left out unless asked for."""
EXAMPLES = (
    ("build as CI does: any warning fails the build", "broadsheet build --strict"),
    (
        "include drafts and scheduled articles, to look them over",
        "broadsheet build --drafts --future",
    ),
    (
        "a site in another folder, built into public/",
        "broadsheet build --config site/site.yaml --output public",
    ),
)
DOCS = "docs/commands.md#broadsheet-build"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser, output="the folder to build into")
    build_options(parser)
    parser.add_argument(
        "--timings",
        action="store_true",
        help="after the closing line, print the seconds each stage took",
    )
    quiet_option(parser)


def run(args: argparse.Namespace) -> int:
    from builder.pipeline import build

    config = load_site(args)
    options = options_from(args, config)
    with progress.shown(args.quiet) as shown:
        result = build(config, options, shown)
    emit(from_cwd(result.diagnostics, config), sys.stderr)
    if not result.ok:
        errors = sum(1 for d in result.diagnostics if d.severity == "error")
        print(
            f"build failed: {errors} error{'s' if errors != 1 else ''}; output/ left as it was",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print(summary(result), file=sys.stderr)
    if args.timings:
        print(
            "  " + ", ".join(f"{name} {sec:.2f} s" for name, sec in result.timings), file=sys.stderr
        )
    return EXIT_OK
