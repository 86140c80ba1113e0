"""What several commands share: the site and build options, how a build is reported, tags.

Not a command itself: `build` and `serve` both build, so both read these
options and print the same closing line; `new` and `import` both take
--tags. A command imports this, never another command.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from builder.core.errors import Diagnostic, UsageError, display_path
from builder.core.models import BuildOptions, SiteConfig
from builder.core.slugs import slug_problem, slugify, tag_key

if TYPE_CHECKING:
    from builder.pipeline import BuildResult


def site_options(parser: argparse.ArgumentParser, output: bool = True) -> None:
    """--config (every command that reads a site) and --output (those that write output/)."""
    parser.add_argument("--config", type=Path, default=Path("site.yaml"),
                        help="the site's site.yaml (default: ./site.yaml)")
    if output:
        parser.add_argument("--output", type=Path, help="output folder (default: output/)")


def build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include future-dated articles")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--jobs", "-j", type=int, default=0,
                        help="worker processes for a cold build (default: all cores)")
    parser.add_argument("--cache-dir", type=Path,
                        help="cache folder (default: .broadsheet-cache beside site.yaml)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")
    parser.add_argument("--timings", action="store_true", help="print the seconds of each stage")


def load_site(args: argparse.Namespace) -> SiteConfig:
    from builder.config import load_config

    return load_config(args.config, getattr(args, "output", None))


def options_from(args: argparse.Namespace, config: SiteConfig) -> BuildOptions:
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    cache_dir = None
    if not args.no_cache:
        cache_dir = (args.cache_dir or config.root / ".broadsheet-cache").resolve()
        check_cache_dir(cache_dir, config)
    return BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict,
                        jobs=args.jobs, cache_dir=cache_dir)


def check_cache_dir(folder: Path, config: SiteConfig) -> None:
    """Refuse a cache folder the build would publish, read as input, or wipe.

    Inside content/ (or a theme) the next build would publish cache.sqlite,
    drafts' text included; inside the output folder each build replaces it.
    """
    places = [(config.root / "content", "the site's content/ folder, which is published "
               "(drafts' text included)"),
              (config.root / "themes", "the site's themes/ folder, which is published"),
              (config.root / "templates", "the site's templates/ folder"),
              (config.output_dir, "the output folder, which each build replaces")]
    for place, what in places:
        if folder.is_relative_to(place):
            where = "it is" if folder == place else "it is inside"
            raise UsageError(f"refusing to use {folder} as the cache folder",
                             f"{where} {what}; pick a folder of its own, such as "
                             ".broadsheet-cache/ beside site.yaml (the default)")


def from_cwd(diags: list[Diagnostic], config: SiteConfig) -> list[Diagnostic]:
    """Site-relative paths made relative to the current folder.

    Run as `broadsheet build --config site/site.yaml` from a repository root,
    `content/a.md` must read `site/content/a.md` for editors and for GitHub
    annotations to find the file.
    """
    root = display_path(config.root)
    if root in ("", "."):
        return diags
    site_dirs = ("content/", "themes/", "templates/")
    return [replace(d, path=f"{root}/{d.path}") if d.path.startswith(site_dirs) else d
            for d in diags]


def summary(result: BuildResult) -> str:
    """The closing line of a build: what was built and what was written."""
    stats = result.stats
    assert stats is not None, "only a successful build has a summary"
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


def parse_tags(text: str | None) -> list[str]:
    """`a, b ,c` → [a, b, c]: spaces collapsed, empties and repeats dropped."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in (text or "").split(","):
        tag = " ".join(part.split())
        if not tag:
            continue
        problem = slug_problem(slugify(tag), reserved=False)
        if problem:
            raise UsageError(f"tag `{tag}` cannot be a URL: its slug {problem}",
                             "use a tag with letters or digits")
        if tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            tags.append(tag)
    return tags
