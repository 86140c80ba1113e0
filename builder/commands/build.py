"""`broadsheet build`: build the site into output/ and say what was done."""

from __future__ import annotations

import argparse
import sys

from builder.commands.common import (
    build_options,
    from_cwd,
    load_site,
    options_from,
    site_options,
    summary,
)
from builder.core.errors import EXIT_CONTENT, EXIT_OK, emit

HELP = "build the site into output/"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    build_options(parser)


def run(args: argparse.Namespace) -> int:
    from builder.pipeline import build

    config = load_site(args)
    result = build(config, options_from(args, config))
    emit(from_cwd(result.diagnostics, config), sys.stderr)
    if not result.ok:
        errors = sum(1 for d in result.diagnostics if d.severity == "error")
        print(f"build failed: {errors} error{'s' if errors != 1 else ''}; "
              "output/ left as it was", file=sys.stderr)
        return EXIT_CONTENT
    print(summary(result), file=sys.stderr)
    if args.timings:
        print("  " + ", ".join(f"{name} {sec:.2f} s" for name, sec in result.timings),
              file=sys.stderr)
    return EXIT_OK
