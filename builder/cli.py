"""The `broadsheet` command: argument parsing, exit codes, and nothing else.

Exit codes mean something to CI: 0 built, 1 content or theme errors, 2 a
usage or configuration problem, 130 interrupted. Whatever goes wrong, the
user sees diagnostics, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from pathlib import Path

from builder import __version__
from builder.errors import (
    EXIT_CONTENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ConfigErrors,
    Diagnostic,
    UsageError,
    emit,
)
from builder.models import BuildOptions, SiteConfig


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("site.yaml"),
                        help="the site's site.yaml (default: ./site.yaml)")
    parser.add_argument("--output", type=Path, help="output folder (default: output/)")


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include future-dated articles")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--jobs", "-j", type=int, default=0,
                        help="worker processes for a cold build (default: all cores)")
    parser.add_argument("--cache-dir", type=Path,
                        help="cache folder (default: .broadsheet-cache beside site.yaml)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")
    parser.add_argument("--timings", action="store_true", help="print the seconds of each stage")


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="broadsheet", description="Build a curated article digest from Markdown.")
    main_parser.add_argument("--version", action="version", version=f"broadsheet {__version__}")
    sub = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="build the site into output/")
    _site_options(build)
    _build_options(build)
    serve = sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    _site_options(serve)
    _build_options(serve)
    serve.add_argument("--port", type=int, default=8000)
    check = sub.add_parser("check", help="check links, anchors and feeds of the built site")
    _site_options(check)
    check.add_argument("--strict", action="store_true",
                       help="content warnings count as problems (exit 1)")
    new = sub.add_parser("new", help="start a new article")
    _site_options(new)
    new.add_argument("title")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--source", help="URL of the article being curated")
    new.add_argument("--date", help="publication date: 2024-06-23, 2024-06-23T09:30 or with "
                     "an offset (default: now, in the site time zone)")
    new.add_argument("--slug", help="URL name of the article (default: from the title)")
    imp = sub.add_parser("import", help="turn received articles (text or HTML) into Markdown")
    _site_options(imp)
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--url", help="the original article's URL")
    imp.add_argument("--source-name", help="the original publication's name")
    imp.add_argument("--tags", default="", help="comma-separated tags to add")
    imp.add_argument("--dry-run", action="store_true", help="print instead of writing")
    init = sub.add_parser("init", help="create a new site in an empty folder")
    init.add_argument("folder", type=Path)
    return main_parser


def load_site(args: argparse.Namespace) -> SiteConfig:
    from builder.config import load_config

    return load_config(args.config, args.output)


def options_from(args: argparse.Namespace, config: SiteConfig) -> BuildOptions:
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    cache_dir = None
    if not args.no_cache:
        cache_dir = (args.cache_dir or config.root / ".broadsheet-cache").resolve()
    return BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict,
                        jobs=args.jobs, cache_dir=cache_dir)


def cmd_build(args: argparse.Namespace) -> int:
    from builder.build import build

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


def from_cwd(diags: list[Diagnostic], config: SiteConfig) -> list[Diagnostic]:
    """Site-relative paths made relative to the current folder.

    Run as `broadsheet build --config site/site.yaml` from a repository root,
    `content/a.md` must read `site/content/a.md` for editors and for GitHub
    annotations to find the file.
    """
    from dataclasses import replace

    from builder.config import display_path

    root = display_path(config.root)
    if root in ("", "."):
        return diags
    site_dirs = ("content/", "themes/", "templates/")
    return [replace(d, path=f"{root}/{d.path}") if d.path.startswith(site_dirs) else d
            for d in diags]


def summary(result) -> str:  # type: ignore[no-untyped-def]
    """The closing line of a build: what was built and what was written."""
    stats = result.stats
    if result.site is None:
        text = f"nothing changed: {result.summary}; {stats.kept} files unchanged"
    else:
        text = (f"built {result.summary}: {stats.written} files written, {stats.kept} "
                f"unchanged, {stats.removed} removed")
    text += f" in {result.seconds:.2f} s"
    warnings = sum(1 for d in result.diagnostics if d.severity == "warning")
    if warnings:
        text += f"; {warnings} warning{'s' if warnings != 1 else ''}"
    return text


COMMAND_MODULES = {"serve": "serve", "check": "check", "new": "new", "import": "importer_cli",
                   "init": "init"}


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help(sys.stderr)
        return EXIT_USAGE
    signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "build":
            return cmd_build(args)
        # Each other command lives in its own module, imported only when used.
        return importlib.import_module(f"builder.{COMMAND_MODULES[args.command]}").run(args)
    except ConfigErrors as exc:
        emit(exc.diagnostics, sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        emit([Diagnostic("broadsheet", 0, 0, "error", exc.message, exc.hint)], sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; output/ left as it was" if args.command == "build" else "stopped",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        where = exc.filename or "broadsheet"
        emit([Diagnostic(str(where), 0, 0, "error", f"{exc.strerror or exc}",
                         "free some disk space" if exc.errno == 28 else None)], sys.stderr)
        print("build failed; output/ left as it was", file=sys.stderr)
        return EXIT_CONTENT
