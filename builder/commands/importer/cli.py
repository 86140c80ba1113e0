"""`broadsheet import FILE|DIR|URL…`: add received articles to content/, never losing work.

The conversion itself is `importer.convert` (pure); this module gathers the inputs (files,
the text and HTML files in a folder, pages fetched by `importer.fetch`), decides what the
site already holds, where each file goes and whether anything is written at all:

- Every input is read, converted and checked before anything is written. If any of them
  fails, each problem is printed (`path: error: message` + hint), nothing is written
  and the exit code is 1, so a re-run after fixing one file cannot half-import a batch.
- Nothing is overwritten: an existing file at the target path, an article that would
  publish at the same URL, the same source URL, the same text or the same title and date
  (in the site or earlier in the same run) is an error naming the other article. Files
  are created with open(..., "x"), so even a file appearing meanwhile is not replaced.
- `--url` names one article, so it is refused with more than one input; `--source-name`
  and `--tags` apply to every input (a batch saved from one publication is common).
- Each converted file is parsed with the build's own front-matter checks before it is
  written, so an imported article builds as it is.
- `--dry-run` prints each file's text on stdout and its path and removal report on
  stderr, and writes nothing. A real run prints each path on stdout, one summary line
  on stderr, and a warning for every removed piece that reads like body text.

Articles elsewhere in content/ that have errors are skipped (an import must not fail
because another article is broken), and a one-line note says how many there are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from builder.commands import progress
from builder.commands.common import parse_tags, quiet_option, site_options
from builder.commands.importer.convert import (
    ExistingArticle,
    ImportedArticle,
    ImportFailure,
    ImportOptions,
    body_key,
    convert,
)
from builder.commands.importer.model import title_key
from builder.commands.importer.report import WARNING_HINT, dropped, report_lines, warns
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
from builder.core.models import ArticleMeta, BuildOptions, SiteConfig, SourceFile
from builder.core.paths import SiteLayout
from builder.core.progress import SILENT, Progress, counted
from builder.core.slugs import slugify, tag_key
from builder.core.urls import normalise_url, parse_url, web_url
from builder.read import discover, frontmatter

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a saved page with inline images, with room to spare
SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")  # what a folder is searched for
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
class Input:
    """One article to import, as read: a file, a file in a folder, or a fetched page."""

    shown: str  # how the report and errors name it
    path: Path  # its name (a fetched page's is `page.html`), for telling HTML from text
    data: bytes
    url: str | None = None  # where a fetched page ended up
    charset: str | None = None  # what the server said the page's charset is


@dataclass(frozen=True)
class Planned:
    """One input, converted and checked, ready to write."""

    shown: str  # the input as given on the command line
    article: ImportedArticle
    meta: ArticleMeta  # the converted file as the build will read it
    page: str  # its output folder, e.g. 2024/06/slug/


HELP = "turn received articles (text, saved pages or links) into Markdown"
ABOUT = """\
Each input is an article as an editor receives it: plain text (a headline,
then paragraphs; datelines, bylines and site furniture such as "Read more"
lists are recognised), an HTML page saved from a browser, a folder of .txt
and .html files, or the http(s) address of an article page. Each becomes
content/YYYY/MM/<slug>.md, dated today (the original's date goes to
source.date), and every line removed is reported. A batch is all or
nothing, and nothing is ever overwritten."""
EXAMPLES = (
    ("see the article and what would be removed, writing nothing",
     "broadsheet import received.txt --dry-run"),
    ("a folder of pages saved from one publication",
     'broadsheet import inbox/ --source-name "Harbour Times" --tags Shipping'),
    ("an article page on the web", "broadsheet import https://example.org/news/grid-deal"),
)
DOCS = "docs/import.md"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("inputs", nargs="+", metavar="FILE|DIR|URL",
                        help="a .txt or .html file, a folder of them (subfolders included), "
                        "or the http(s) address of an article page; one or more")
    parser.add_argument("--url", metavar="URL",
                        help="the original article's address, for source.url (one input only)")
    parser.add_argument("--source-name", metavar="NAME",
                        help="the original publication's name (no URL needed)")
    parser.add_argument("--tags", default="", metavar="TAGS",
                        help="comma-separated tags to add before the suggested ones")
    parser.add_argument("--date-from-source", action="store_true",
                        help="date the article by the original's dateline, not by today")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the article and what was removed, instead of writing")
    quiet_option(parser)


def now(timezone: str) -> dt.datetime:
    """The moment of import in the site time zone (a seam for tests)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).replace(microsecond=0)


def run(args: argparse.Namespace) -> int:
    """Convert every input; write them all (printing each path) or, on any error, none."""
    config = load_config(args.config)
    url = _check_url(args.url)
    tags = parse_tags(args.tags)
    problems: list[Diagnostic] = []
    with progress.shown(args.quiet) as shown:
        inputs = gather(args.inputs, problems, shown)
        count = len(inputs) + len(problems)
        if args.url is not None and count > 1:
            raise UsageError(f"--url names one article, but {count} files were given",
                             "import the files one at a time, each with its own --url")
        shown.stage("content/")
        site = index_site(config)
        planned = _plan_all(inputs, args, url, tags, config, site, problems, shown)
    if site.broken:
        many = site.broken != 1
        print(f"note: {site.broken} file{'s' if many else ''} in content/ "
              f"{'have' if many else 'has'} errors and {'were' if many else 'was'} not "
              "checked for duplicates; `broadsheet build` shows them", file=sys.stderr)
    if problems:
        emit(problems, sys.stderr)
        print(f"nothing written: {len(problems)} of {count} file"
              f"{'s' if count != 1 else ''} could not be imported", file=sys.stderr)
        return EXIT_CONTENT
    if args.dry_run:
        for item in planned:
            shown_path = display_path(config.root / item.article.rel_path)
            print(f"dry run: would write {shown_path}", file=sys.stderr, flush=True)
            for line in report_lines(item.shown, item.article.removals,
                                     item.article.converted_from):
                print(f"  {line}", file=sys.stderr)
            print(item.article.text, end="", flush=True)
        return EXIT_OK
    return write(planned, config)


def _plan_all(inputs: list[Input], args: argparse.Namespace, url: str | None,
              tags: list[str], config: SiteConfig, site: SiteIndex,
              problems: list[Diagnostic], shown: Progress) -> list[Planned]:
    """Every input converted and checked against the site and the others; what fails is
    added to `problems`."""
    spelling = {tag_key(v): v for v in site.vocabulary}
    options = ImportOptions(
        url=url,
        source_name=" ".join((args.source_name or "").split()) or None,
        tags=tuple(spelling.get(tag_key(t), t) for t in tags),
        vocabulary=site.vocabulary,
        existing=site.existing,
        timezone=config.timezone,
        now=None if args.date_from_source else now(config.timezone),
    )
    planned: list[Planned] = []
    shown.stage("converting", len(inputs), "articles")
    for item in counted(inputs, shown):
        try:
            planned.append(plan(item, options, config, site, planned))
        except ImportFailure as exc:
            problems.append(Diagnostic(item.shown, exc.line, 0, "error", exc.message,
                                       exc.hint or None))
    return planned


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
    from builder.pipeline import read_model

    diags = Diagnostics()
    metas = (read_model(config, BuildOptions(), diags, markdown=False).metas
             if config.content_dir.is_dir() else {})
    existing: list[ExistingArticle] = []
    pages: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for rel, meta in metas.items():
        if not isinstance(meta, ArticleMeta):
            continue
        source = meta.source.url if meta.source else None
        existing.append(ExistingArticle(rel, meta.title, original_day(meta), source,
                                        body_key(meta.body)))
        pages.setdefault(SiteLayout.of(config).entry_folder(meta), rel)
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


def gather(args: list[str], problems: list[Diagnostic],
           shown: Progress = SILENT) -> list[Input]:
    """Every input as bytes: files as given, a folder's text and HTML files (sorted, in
    subfolders too, hidden ones skipped), pages fetched from http(s) addresses. What
    cannot be read is a problem, and the others are still read so all are reported."""
    inputs: list[Input] = []
    shown.stage("reading", len(args), "inputs")
    for arg in counted(args, shown):
        try:
            if re.match(r"(?i)https?://", arg):
                from builder.commands.importer.fetch import fetch  # urllib and ssl: when needed

                page = fetch(arg)
                inputs.append(Input(arg, Path("page.html"), page.data, page.url, page.charset))
            elif Path(arg).is_dir():
                found = sorted(p for p in Path(arg).rglob("*") if p.suffix.lower() in SUFFIXES
                               and p.is_file() and not any(
                                   part.startswith(".") for part in p.relative_to(arg).parts))
                if not found:
                    raise ImportFailure("no .txt or .html files in this folder",
                                        hint="save the articles as .txt or .html files")
                inputs += [Input(str(p), p, read_input(p)) for p in found]
            else:
                inputs.append(Input(arg, Path(arg), read_input(Path(arg))))
        except ImportFailure as exc:
            problems.append(Diagnostic(arg, exc.line, 0, "error", exc.message, exc.hint or None))
    return inputs


def read_input(file: Path) -> bytes:
    """The FILE's bytes, or an ImportFailure saying why it cannot be read."""
    try:
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


def plan(item: Input, options: ImportOptions, config: SiteConfig, site: SiteIndex,
         earlier: list[Planned]) -> Planned:
    """Convert one input and refuse anything that would overwrite or duplicate."""
    article = convert(item.path, item.data,
                      replace(options, fetched_from=item.url, charset=item.charset))
    size = len(article.text.encode("utf-8"))
    if size > discover.MAX_BYTES:  # the build's own limit: it would refuse the file
        raise ImportFailure(f"the article would be {size:,} bytes, over the "
                            f"{discover.MAX_BYTES // 2**20} MB limit of an article file",
                            hint="split it into several articles, or import only the part "
                                 "that is the article")
    meta = _as_built(article, config)
    page = SiteLayout.of(config).entry_folder(meta)
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
        if meta.source and prev.meta.source and meta.source.url and (
            normalise_url(meta.source.url) == normalise_url(prev.meta.source.url)
        ):
            same = "source URL"
        elif title_key(meta.title) == title_key(prev.meta.title) and (
            original_day(meta) == original_day(prev.meta)
        ):
            same = "title and date"
        elif article.text_key == prev.article.text_key:
            same = "text"
        elif prev.article.rel_path == rel or prev.page == page:
            same = f"target {rel}"
        else:
            continue
        raise ImportFailure(f"same {same} as {prev.shown}, also in this import",
                            hint=_DUPLICATE_HINT)
    return Planned(item.shown, article, meta, page)


def original_day(meta: ArticleMeta) -> dt.date:
    """The day of the original: `source.date`, else (an article dated by its source, as
    imports were before `date:` became the day of curation) its own date."""
    if meta.source and meta.source.date:
        return meta.source.date
    assert meta.date is not None  # articles without a date are not indexed
    return meta.date.date()


def _as_built(article: ImportedArticle, config: SiteConfig) -> ArticleMeta:
    """The converted file read back by the build's own front-matter checks."""
    data = article.text.encode("utf-8")
    src = SourceFile(article.rel_path, data, hashlib.sha256(data).hexdigest())
    diags = Diagnostics()
    meta = frontmatter.parse(src, config, diags)
    errors = [d for d in diags.items if d.severity == "error"]
    if not isinstance(meta, ArticleMeta) or errors:
        first = errors[0] if errors else None
        message = first.message if first else "its front matter cannot be read"
        raise ImportFailure(f"the converted article would not build: {message}",
                            hint=(first.hint if first else None) or "report this as a bug")
    return meta


def write(planned: list[Planned], config: SiteConfig) -> int:
    """Create each file (never replacing one), print its path on stdout, then one summary
    line and a warning for each removed piece that reads like body text."""
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
    emit([Diagnostic(item.shown, r.line, 0, "warning",
                     f"removed text that reads like the article ({r.reason}): “{r.text}”",
                     WARNING_HINT)
          for item in planned for r in item.article.removals if warns(r)], sys.stderr)
    print(_summary(planned), file=sys.stderr)
    return EXIT_OK


def _summary(planned: list[Planned]) -> str:
    """One line: how many articles, and how much furniture was left out of them."""
    count = len(planned)
    removed = sum(dropped(p.article.removals) for p in planned)
    converted = sum(1 for p in planned if p.article.converted_from)
    line = f"imported {count} article{'s' if count != 1 else ''}"
    if removed:
        line += (f", leaving out {removed} piece{'s' if removed != 1 else ''} of site furniture "
                 "(--dry-run lists them)")
    if converted:
        line += f"; {converted} converted to UTF-8"
    return line


def _stopped(item: Planned, shown: str, message: str, planned: list[Planned]) -> int:
    """A write failed after the checks passed: say so, and which files were written."""
    emit([Diagnostic(shown, 0, 0, "error", message,
                     "run the import again for the files not written")], sys.stderr)
    rest = planned[planned.index(item):]
    print(f"not written: {', '.join(p.shown for p in rest)}", file=sys.stderr)
    return EXIT_CONTENT
