"""`broadsheet import FILE…`: add received articles to content/, never losing work.

The conversion itself is `importer.convert` (pure); this module decides what the site
already holds, where each file goes and whether anything is written at all:

- Every FILE is read, converted and checked before anything is written. If any of them
  fails, each problem is printed (`path: error: message` + hint), nothing is written
  and the exit code is 1, so a re-run after fixing one file cannot half-import a batch.
- Nothing is overwritten: an existing file at the target path, an article that would
  publish at the same URL, the same source URL or the same title and date (in the site
  or earlier in the same run) is an error naming the other article. Files are created
  with open(..., "x"), so even a file appearing meanwhile is not replaced.
- `--url` names one article, so it is refused with more than one FILE; `--source-name`
  and `--tags` apply to every FILE (a batch saved from one publication is common).
- Each converted file is parsed with the build's own front-matter checks before it is
  written, so an imported article builds as it is.
- `--dry-run` prints each file's text on stdout (its path on stderr) and writes nothing.

Articles elsewhere in content/ that have errors are skipped (an import must not fail
because another article is broken), and a one-line note says how many there are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from builder.commands.common import site_options
from builder.commands.importer.convert import (
    ExistingArticle,
    ImportedArticle,
    ImportFailure,
    ImportOptions,
    convert,
)
from builder.commands.importer.text import title_key
from builder.commands.new import parse_tags
from builder.config import load_config
from builder.core.errors import (
    EXIT_CONTENT,
    EXIT_OK,
    Diagnostic,
    Diagnostics,
    UsageError,
    display_path,
    emit,
)
from builder.core.models import ArticleMeta, SiteConfig, SourceFile
from builder.core.slugs import slugify, tag_key
from builder.core.urls import normalise_url, parse_url, web_url
from builder.read import frontmatter
from builder.read.discover import discover
from builder.site.assemble import folder_of

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a saved page with inline images, with room to spare
_DUPLICATE_HINT = "import only one of the two files"
_SLUG_HINT = "the slug comes from the headline: change the headline in the file, or edit {}"


@dataclass(frozen=True)
class SiteIndex:
    """What content/ already holds, as far as an import needs to know."""

    existing: tuple[ExistingArticle, ...]
    vocabulary: tuple[str, ...]  # one spelling per tag, most used first
    pages: dict[str, str]  # output folder of each article → its file
    tag_slugs: dict[str, str]  # tag URL slug → the tag's spelling
    broken: int  # files under content/ with errors, left out of the checks


@dataclass(frozen=True)
class Planned:
    """One FILE, converted and checked, ready to write."""

    shown: str  # the FILE as given on the command line
    article: ImportedArticle
    meta: ArticleMeta  # the converted file as the build will read it
    page: str  # its output folder, e.g. 2024/06/slug/



HELP = "turn received articles (text or HTML) into Markdown"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--url", help="the original article's URL")
    parser.add_argument("--source-name", help="the original publication's name")
    parser.add_argument("--tags", default="", help="comma-separated tags to add")
    parser.add_argument("--dry-run", action="store_true", help="print instead of writing")


def run(args: argparse.Namespace) -> int:
    """Convert every FILE; write them all (printing each path) or, on any error, none."""
    config = load_config(args.config, args.output)
    files: list[Path] = args.files
    if args.url is not None and len(files) > 1:
        raise UsageError(f"--url names one article, but {len(files)} files were given",
                         "import the files one at a time, each with its own --url")
    url = _check_url(args.url)
    tags = parse_tags(args.tags)
    site = index_site(config)
    if site.broken:
        many = site.broken != 1
        print(f"note: {site.broken} file{'s' if many else ''} in content/ "
              f"{'have' if many else 'has'} errors and {'were' if many else 'was'} not "
              "checked for duplicates; `broadsheet build` shows them", file=sys.stderr)
    spelling = {tag_key(v): v for v in site.vocabulary}
    options = ImportOptions(
        url=url,
        source_name=" ".join((args.source_name or "").split()) or None,
        tags=tuple(spelling.get(tag_key(t), t) for t in tags),
        vocabulary=site.vocabulary,
        existing=site.existing,
        timezone=config.timezone,
    )
    planned: list[Planned] = []
    problems: list[Diagnostic] = []
    for file in files:
        try:
            planned.append(plan(file, options, config, site, planned))
        except ImportFailure as exc:
            problems.append(Diagnostic(str(file), 0, 0, "error", exc.message, exc.hint or None))
    if problems:
        emit(problems, sys.stderr)
        print(f"nothing written: {len(problems)} of {len(files)} file"
              f"{'s' if len(files) != 1 else ''} could not be imported", file=sys.stderr)
        return EXIT_CONTENT
    if args.dry_run:
        for item in planned:
            shown = display_path(config.root / item.article.rel_path)
            print(f"dry run: would write {shown}", file=sys.stderr, flush=True)
            print(item.article.text, end="", flush=True)
        return EXIT_OK
    return write(planned, config)


def _check_url(url: str | None) -> str | None:
    """--url as written into `source:`, where the build accepts only http(s) URLs."""
    if url is None:
        return None
    url = url.strip()
    checked = web_url(url)
    hint = "copy the address from the browser's address bar"
    if isinstance(parse_url(url), str):
        raise UsageError(f"--url {checked}", hint)
    if isinstance(checked, str) or any(c.isspace() for c in url):
        raise UsageError(f"--url must be an http:// or https:// URL, found `{url}`", hint)
    return url


def index_site(config: SiteConfig) -> SiteIndex:
    """Read every article's front matter (no Markdown: an import must be quick)."""
    diags = Diagnostics()
    sources = discover(config.root, diags) if config.content_dir.is_dir() else []
    existing: list[ExistingArticle] = []
    pages: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for src in sources:
        if src.kind != "article":
            continue
        meta = frontmatter.parse(src, config, diags)
        if meta is None or meta.date is None:
            continue
        source = meta.source.url if meta.source else None
        existing.append(ExistingArticle(src.rel, meta.title, meta.date.date(), source))
        pages.setdefault(folder_of(meta, config), src.rel)
        for tag in dict.fromkeys(t for t, _line in meta.tags):
            counts[tag_key(tag)][tag] += 1
    # The spelling most articles use (as the build picks it), the most used tags first,
    # so a tie between two suggested tags goes to the established one.
    names = {key: min(c, key=lambda t: (-c[t], t)) for key, c in counts.items()}
    order = sorted(counts, key=lambda key: (-counts[key].total(), names[key]))
    return SiteIndex(
        existing=tuple(existing),
        vocabulary=tuple(names[key] for key in order),
        pages=pages,
        tag_slugs={slugify(names[key]): names[key] for key in order},
        broken=len({d.path for d in diags.items if d.severity == "error"}),
    )


def read_input(file: Path) -> bytes:
    """The FILE's bytes, or an ImportFailure saying why it cannot be read."""
    try:
        if file.is_dir():
            raise ImportFailure("is a folder, not a file",
                                hint="pass the article files themselves, e.g. folder/*.txt")
        size = file.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ImportFailure(
                f"file is {size:,} bytes, over the {MAX_INPUT_BYTES // 2**20} MB limit",
                hint="save only the article (text, or the page without its media)")
        return file.read_bytes()
    except FileNotFoundError:
        raise ImportFailure("no such file", hint="check the path and its spelling") from None
    except OSError as exc:
        raise ImportFailure(f"cannot read file: {exc.strerror or exc}",
                            hint="check that the file exists and is readable") from None


def plan(file: Path, options: ImportOptions, config: SiteConfig, site: SiteIndex,
         earlier: list[Planned]) -> Planned:
    """Convert one FILE and refuse anything that would overwrite or duplicate."""
    article = convert(file, read_input(file), options)
    meta = _as_built(article, config)
    page = folder_of(meta, config)
    rel = article.rel_path
    if (config.root / rel).exists() or (config.root / rel).is_symlink():
        raise ImportFailure(f"{rel} already exists", hint=_SLUG_HINT.format("that article"))
    if page in site.pages:
        raise ImportFailure(f"{site.pages[page]} is already published at /{page}",
                            hint=_SLUG_HINT.format("the existing article"))
    for tag, _line in meta.tags:
        other = site.tag_slugs.get(slugify(tag), tag)
        if tag_key(other) != tag_key(tag):
            raise ImportFailure(f"tag `{tag}` would have the same URL as the site's tag "
                                f"`{other}`", hint=f"use `{other}`, or another tag")
    for prev in earlier:
        if meta.source and prev.meta.source and (
            normalise_url(meta.source.url) == normalise_url(prev.meta.source.url)
        ):
            same = "source URL"
        elif title_key(meta.title) == title_key(prev.meta.title) and _day(meta) == _day(prev.meta):
            same = "title and date"
        elif prev.article.rel_path == rel or prev.page == page:
            same = f"target {rel}"
        else:
            continue
        raise ImportFailure(f"same {same} as {prev.shown}, also in this import",
                            hint=_DUPLICATE_HINT)
    return Planned(str(file), article, meta, page)


def _day(meta: ArticleMeta) -> dt.date | None:
    """The article's day in the site time zone (front matter dates are already in it)."""
    return meta.date.date() if meta.date else None


def _as_built(article: ImportedArticle, config: SiteConfig) -> ArticleMeta:
    """The converted file read back by the build's own front-matter checks."""
    data = article.text.encode("utf-8")
    src = SourceFile(article.rel_path, data, hashlib.sha256(data).hexdigest())
    diags = Diagnostics()
    meta = frontmatter.parse(src, config, diags)
    errors = [d for d in diags.items if d.severity == "error"]
    if meta is None or errors:
        first = errors[0] if errors else None
        message = first.message if first else "its front matter cannot be read"
        raise ImportFailure(f"the converted article would not build: {message}",
                            hint=(first.hint if first else None) or "report this as a bug")
    return meta


def write(planned: list[Planned], config: SiteConfig) -> int:
    """Create each file (never replacing one) and print its path on stdout."""
    for item in planned:
        target = config.root / item.article.rel_path
        shown = display_path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _stopped(item, shown, f"cannot create its folder: {exc.strerror or exc}",
                            planned)
        try:
            handle = open(target, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
        except FileExistsError:
            return _stopped(item, shown, "appeared while importing; it was left as it is",
                            planned)
        except OSError as exc:
            return _stopped(item, shown, f"cannot write: {exc.strerror or exc}", planned)
        try:
            with handle:
                handle.write(item.article.text)
        except OSError as exc:
            target.unlink(missing_ok=True)  # our own half-written file, not the editor's work
            return _stopped(item, shown, f"cannot write: {exc.strerror or exc}", planned)
        print(shown, flush=True)
    return EXIT_OK


def _stopped(item: Planned, shown: str, message: str, planned: list[Planned]) -> int:
    """A write failed after the checks passed: say so, and which files were written."""
    emit([Diagnostic(shown, 0, 0, "error", message,
                     "run the import again for the files not written")], sys.stderr)
    rest = planned[planned.index(item):]
    print(f"not written: {', '.join(p.shown for p in rest)}", file=sys.stderr)
    return EXIT_CONTENT
