"""`broadsheet import FILE|DIR|URL…`: add received articles to content/, never losing work.

The conversion itself is `importer.convert` (pure); reading the inputs (files, the text and
HTML files in a folder, pages fetched by `importer.fetch`) is `importer.inputs`, checking
each against the site `importer.planning`, creating the files `importer.create`. This
module takes the arguments, runs those steps and decides whether anything is written:

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
import sys

from builder.commands import progress
from builder.commands.common import parse_tags, quiet_option, site_options
from builder.commands.importer.convert import ImportFailure, ImportOptions
from builder.commands.importer.create import write
from builder.commands.importer.inputs import Input, gather
from builder.commands.importer.planning import Planned, SiteIndex, index_site, plan
from builder.commands.importer.report import report_lines
from builder.config import load_config
from builder.core.errors import EXIT_CONTENT, EXIT_OK, Diagnostic, UsageError, display_path, emit
from builder.core.models import SiteConfig
from builder.core.progress import Progress, counted
from builder.core.slugs import tag_key
from builder.core.urls import parse_url, web_url

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
    (
        "see the article and what would be removed, writing nothing",
        "broadsheet import received.txt --dry-run",
    ),
    (
        "a folder of pages saved from one publication",
        'broadsheet import inbox/ --source-name "Harbour Times" --tags Shipping',
    ),
    ("an article page on the web", "broadsheet import https://example.org/news/grid-deal"),
)
DOCS = "docs/import.md"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="FILE|DIR|URL",
        help="a .txt or .html file, a folder of them (subfolders included), "
        "or the http(s) address of an article page; one or more",
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        help="the original article's address, for source.url (one input only)",
    )
    parser.add_argument(
        "--source-name", metavar="NAME", help="the original publication's name (no URL needed)"
    )
    parser.add_argument(
        "--tags",
        default="",
        metavar="TAGS",
        help="comma-separated tags to add before the suggested ones",
    )
    parser.add_argument(
        "--date-from-source",
        action="store_true",
        help="date the article by the original's dateline, not by today",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the article and what was removed, instead of writing",
    )
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
            raise UsageError(
                f"--url names one article, but {count} files were given",
                "import the files one at a time, each with its own --url",
            )
        shown.stage("content/")
        site = index_site(config)
        planned = _plan_all(inputs, args, url, tags, config, site, problems, shown)
    if site.broken:
        many = site.broken != 1
        print(
            f"note: {site.broken} file{'s' if many else ''} in content/ "
            f"{'have' if many else 'has'} errors and {'were' if many else 'was'} not "
            "checked for duplicates; `broadsheet build` shows them",
            file=sys.stderr,
        )
    if problems:
        emit(problems, sys.stderr)
        print(
            f"nothing written: {len(problems)} of {count} file"
            f"{'s' if count != 1 else ''} could not be imported",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    if args.dry_run:
        for item in planned:
            shown_path = display_path(config.root / item.article.rel_path)
            print(f"dry run: would write {shown_path}", file=sys.stderr, flush=True)
            for line in report_lines(
                item.shown, item.article.removals, item.article.converted_from
            ):
                print(f"  {line}", file=sys.stderr)
            print(item.article.text, end="", flush=True)
        return EXIT_OK
    return write(planned, config)


def _plan_all(
    inputs: list[Input],
    args: argparse.Namespace,
    url: str | None,
    tags: list[str],
    config: SiteConfig,
    site: SiteIndex,
    problems: list[Diagnostic],
    shown: Progress,
) -> list[Planned]:
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
            problems.append(
                Diagnostic(item.shown, exc.line, 0, "error", exc.message, exc.hint or None)
            )
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
