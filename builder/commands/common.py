"""What several commands share: the site and build options, how a build is reported, tags.

Not a command itself: `build` and `serve` both build, so both read these
options and print the same closing line; `new` and `import` both take
--tags. A command imports this, never another command. An option is
offered only by the commands it does something for.
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


CACHE_DIR = ".broadsheet-cache"  # the cache's folder beside site.yaml, unless --cache-dir


def site_options(
    parser: argparse.ArgumentParser,
    output: str | None = None,
    instead: str = ", instead of the `output` of site.yaml (default: output/)",
) -> None:
    """--config (every command that reads a site) and, with its help, --output (the
    commands that read or write the built site; `new` and `import` write content/)."""
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("site.yaml"),
        metavar="PATH",
        help="the site's settings; the site is the folder holding it",
    )
    if output:
        parser.add_argument("--output", type=Path, metavar="DIR", help=output + instead)


def build_options(parser: argparse.ArgumentParser) -> None:
    """What a build is asked for: `build` and `serve` both build."""
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    parser.add_argument(
        "--future",
        action="store_true",
        help="include articles dated later than now (scheduled ones)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat every warning as an error, as CI does"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for a cold build; 0 means one per core",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where the build cache lives (default: .broadsheet-cache beside site.yaml)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write a cache: build everything afresh",
    )


def quiet_option(parser: argparse.ArgumentParser) -> None:
    """--quiet: the commands whose long work shows progress on a terminal (see progress.py)."""
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="show no progress display, even on a terminal (it appears only "
        "there, once the work runs past a second)",
    )


def load_site(args: argparse.Namespace) -> SiteConfig:
    from builder.config import load_config

    return load_config(args.config, getattr(args, "output", None))


def options_from(args: argparse.Namespace, config: SiteConfig) -> BuildOptions:
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    cache_dir = None
    if not args.no_cache:
        cache_dir = (args.cache_dir or config.root / CACHE_DIR).resolve()
        check_cache_dir(cache_dir, config)
    return BuildOptions(
        drafts=args.drafts,
        future=args.future,
        strict=args.strict,
        jobs=args.jobs,
        cache_dir=cache_dir,
    )


def check_cache_dir(folder: Path, config: SiteConfig) -> None:
    """Refuse a cache folder the build would publish, read as input, or wipe.

    Inside content/ (or a theme) the next build would publish cache.sqlite,
    drafts' text included; inside the output folder each build replaces it.
    """
    places = [
        (
            config.root / "content",
            "the site's content/ folder, which is published (drafts' text included)",
        ),
        (config.root / "themes", "the site's themes/ folder, which is published"),
        (config.root / "templates", "the site's templates/ folder"),
        (config.output_dir, "the output folder, which each build replaces"),
    ]
    for place, what in places:
        if folder.is_relative_to(place):
            where = "it is" if folder == place else "it is inside"
            raise UsageError(
                f"refusing to use {folder} as the cache folder",
                f"{where} {what}; pick a folder of its own, such as "
                f"{CACHE_DIR}/ beside site.yaml (the default)",
            )


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
    return [
        replace(d, path=f"{root}/{d.path}") if d.path.startswith(site_dirs) else d for d in diags
    ]


def summary(result: BuildResult) -> str:
    """The closing line of a build: what was built and what was written."""
    stats = result.stats
    assert stats is not None, "only a successful build has a summary"
    if result.site is None:
        text = f"nothing changed: {result.summary}; {stats.kept} files unchanged"
    else:
        text = (
            f"built {result.summary}: {stats.written} files written, {stats.kept} "
            f"unchanged, {stats.removed} removed"
        )
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
            raise UsageError(
                f"tag `{tag}` cannot be a URL: its slug {problem}",
                "use a tag with letters or digits",
            )
        if tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            tags.append(tag)
    return tags
