"""`broadsheet new "Title"`: start an article with complete, valid front matter.

An editor's first file should build as it is, so the front matter is
written with PyYAML's safe dumper (every title round-trips, however many
colons, quotes or `yes`es it holds) and the file lands where the permalink
will put it: `content/YYYY/MM/<slug>.md`. Nothing is ever overwritten: a
file that exists, or an article anywhere in content/ with the same slug, is
an error naming it.

The article starts as a draft (`draft: true`) unless `--publish` is given:
its body is still empty, and a push must not put an empty page live.
`--edit` opens it in the editor the shell names ($VISUAL, then $EDITOR).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
import zoneinfo
from collections.abc import Mapping
from pathlib import Path

import yaml

from builder.commands.common import parse_tags, site_options
from builder.config import load_config
from builder.core.errors import Diagnostics, UsageError
from builder.core.models import ArticleMeta, BuildOptions, LinkMeta, SiteConfig
from builder.core.paths import SiteLayout
from builder.core.slugs import slug_problem, slugify, tag_key
from builder.core.textfile import bad_char
from builder.core.urls import normalise_url, parse_url, web_url

SLUG_LENGTH = 60  # a URL segment people can still read and type
SUMMARY_HINT = (
    "# summary: one or two sentences for lists and feeds "
    "(without one, the first paragraph is used)\n"
)
LINK_HINT = "# a link item: below the front matter, a comment of at most 80 words, or nothing\n"
DRAFT_HINT = (
    "# a draft is left out of the site (serve --drafts shows it); "
    "delete the line above to publish\n"
)


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing datetimes as ISO 8601 with a `T` and the offset."""


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(dt.datetime, _represent_datetime)


HELP = "start a new article (a draft unless --publish)"
ABOUT = """\
Writes content/YYYY/MM/<slug>.md with complete front matter (title, date,
tags, source, draft: true) and an empty body, and prints its path. Nothing
is overwritten: an existing file, or an article with the same slug anywhere
in content/, is an error naming it."""
EXAMPLES = (
    ("a draft, opened in your editor", 'broadsheet new "Ferry fares rise on island routes" --edit'),
    (
        "with tags and the article being curated",
        'broadsheet new "Grid deal signed" --tags Energy,EU --source https://ex.org/a',
    ),
    (
        "published at once, with its date and URL name given",
        'broadsheet new "Weekly roundup" --publish --date 2024-06-23 --slug roundup-25',
    ),
)
DOCS = "docs/commands.md#broadsheet-new"


def configure(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument(
        "title",
        metavar="TITLE",
        help="the headline, in quotes; the file name and URL are made from it",
    )
    parser.add_argument(
        "--tags",
        default="",
        metavar="TAGS",
        help="comma-separated tags, e.g. Energy,Europe (a tag the site has "
        "keeps the site's spelling)",
    )
    parser.add_argument(
        "--source", metavar="URL", help="the http(s) address of the article being curated"
    )
    parser.add_argument(
        "--link",
        metavar="URL",
        help="write a link item pointing at this http(s) address instead: "
        "listed with a short comment, no page of its own",
    )
    parser.add_argument(
        "--date",
        metavar="WHEN",
        help="publication date: 2024-06-23, 2024-06-23T09:30 or with an offset "
        "(default: now, in the site time zone)",
    )
    parser.add_argument(
        "--slug", help="URL name of the article (default: from the title, at most 60 characters)"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="write it as published, without draft: true (default: a draft)",
    )
    parser.add_argument(
        "--edit",
        action="store_true",
        help="open the new file in $VISUAL or $EDITOR and wait for it",
    )


def run(args: argparse.Namespace) -> int:
    """Write the new article and print its path on stdout (for `$EDITOR $(broadsheet new …)`)."""
    config = load_config(args.config)
    title = clean_title(args.title)
    slug = choose_slug(title, args.slug)
    when = parse_date(args.date, config.timezone)
    tags = parse_tags(args.tags)
    source = check_source(args.source)
    link = check_source(args.link, "--link")
    if link and source:
        raise UsageError(
            "--link and --source cannot go together: a link item's `link` is what it curates",
            "pass one of them",
        )
    editor = find_editor(os.environ) if args.edit else None
    existing = _existing(config)
    tags = [existing.tags.get(tag_key(t), t) for t in tags]
    rel = SiteLayout.new_article(when, slug)
    path = config.root / rel
    if path.exists():
        raise UsageError(f"{rel} already exists", "choose another title, or pass --slug")
    if slug in existing.slugs:
        raise UsageError(
            f"an article with the slug `{slug}` already exists: {existing.slugs[slug]}",
            "choose another title, or pass --slug",
        )
    curated = link or source
    if curated and normalise_url(curated) in existing.sources:
        print(
            f"warning: {existing.sources[normalise_url(curated)]} already curates {curated}",
            file=sys.stderr,
        )
    text = render(title, when, tags, source, draft=not args.publish, link=link)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{rel} already exists", "choose another title, or pass --slug") from None
    print(_shown(path), flush=True)  # before the editor takes over the terminal
    if editor is not None:
        open_in_editor(editor, path, rel)
    return 0


def find_editor(environ: Mapping[str, str]) -> list[str]:
    """The editor command from $VISUAL, else $EDITOR, split as the shell would.

    Checked before anything is written, so a missing editor leaves no file
    behind. The variables may hold arguments (`code --wait`).
    """
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if not value:
            continue
        try:
            command = shlex.split(value)
        except ValueError:
            raise UsageError(
                f"${name} cannot be read as a command: {value}",
                f"set it to an editor, e.g.  export {name}=nano",
            ) from None
        if shutil.which(command[0]) is None:
            raise UsageError(
                f"${name} names `{command[0]}`, which is not an installed program",
                f"set it to an editor you have, e.g.  export {name}=nano",
            )
        return command
    raise UsageError(
        "--edit needs an editor, and neither $VISUAL nor $EDITOR is set",
        "set one, e.g.  export EDITOR=nano  (or leave out --edit)",
    )


def open_in_editor(command: list[str], path: Path, rel: str) -> None:
    """Run the editor on the new file and wait for it; the file stays whatever happens."""
    try:
        code = subprocess.run([*command, str(path)], check=False).returncode
    except OSError as exc:
        raise UsageError(
            f"cannot start the editor `{command[0]}`: {exc.strerror or exc}",
            f"{rel} was written; open it yourself",
        ) from None
    if code != 0:
        raise UsageError(
            f"the editor `{command[0]}` exited with status {code}",
            f"{rel} was written; open it yourself",
        )


def clean_title(title: str) -> str:
    """The headline on one line; empty or control characters are usage errors."""
    if bad_char(title.replace("\n", " ").replace("\t", " ")):  # what the build refuses
        raise UsageError("the title contains a control character", "type the headline again")
    text = " ".join(title.split())
    if not text:
        raise UsageError("the title is empty", 'write it in quotes: broadsheet new "Headline"')
    return text


def choose_slug(title: str, wanted: str | None) -> str:
    """--slug as given (if valid), else the title's slug cut at a hyphen to ≤ 60 characters."""
    if wanted is not None:
        fixed = slugify(wanted)
        problem = slug_problem(fixed)
        if problem is None and fixed != wanted:
            problem = f"`{wanted}` is not in URL form (use `{fixed}`)"
        if problem:
            raise UsageError(f"--slug {problem}", "use lower-case words joined by hyphens")
        return wanted
    slug = shorten(slugify(title))
    problem = slug_problem(slug)
    if problem:
        raise UsageError(f"the slug from the title {problem}", "pass --slug some-words")
    return slug


def shorten(slug: str, limit: int = SLUG_LENGTH) -> str:
    """Cut a slug to `limit` characters at a hyphen, so no word is split."""
    if len(slug) <= limit:
        return slug
    if slug[limit] == "-":
        return slug[:limit]
    head = slug[:limit]
    return head.rsplit("-", 1)[0] if "-" in head else head


def parse_date(text: str | None, timezone: str) -> dt.datetime | dt.date:
    """--date as an ISO date or datetime (naive = site time zone); default now, to the second."""
    tz = zoneinfo.ZoneInfo(timezone)
    if text is None:
        return dt.datetime.now(tz).replace(microsecond=0)
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--date `{text}` is not a date",
            "write 2024-06-23 or 2024-06-23T09:30 or 2024-06-23T09:30:00+02:00",
        ) from None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)


def check_source(url: str | None, option: str = "--source") -> str | None:
    if url is None:
        return None
    url = url.strip()
    checked = web_url(url)
    if isinstance(parse_url(url), str):
        raise UsageError(f"{option} {checked}", "copy the address from the browser's address bar")
    if isinstance(checked, str) or any(c.isspace() for c in url):
        raise UsageError(f"{option} must be an http:// or https:// URL, found `{url}`")
    return url


def render(
    title: str,
    when: dt.datetime | dt.date,
    tags: list[str],
    source: str | None,
    draft: bool = True,
    link: str | None = None,
) -> str:
    """The file: front matter (safe-dumped) and an empty body for the editor to fill.

    A draft by default: the build leaves it out (serve and build show it with
    --drafts) until the editor deletes the `draft:` line. With `link`, a link
    item, whose body is a short comment or nothing.
    """
    data: dict[str, object] = {"title": title}
    if link:
        data["link"] = link
    data.update(date=when, tags=tags)
    if source:
        data["source"] = {"url": source}
    if draft:
        data["draft"] = True
    front = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=1_000_000,
    )
    hint = LINK_HINT if link else SUMMARY_HINT
    return f"---\n{front}{DRAFT_HINT if draft else ''}{hint}---\n\n"


class _Existing:
    """What content/ already holds: slugs, source URLs and tag spellings."""

    def __init__(self) -> None:
        self.slugs: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.tags: dict[str, str] = {}


def _existing(config: SiteConfig) -> _Existing:
    """Read every article's front matter (no Markdown rendering: this must be quick)."""
    from builder.pipeline import read_model

    found = _Existing()
    model = read_model(config, BuildOptions(), Diagnostics(), markdown=False)
    for rel, meta in model.metas.items():
        stem = rel.rsplit("/", 1)[-1].removesuffix(".md")
        slug = (
            meta.slug
            if isinstance(meta, ArticleMeta | LinkMeta)
            else slugify(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem))
        )
        found.slugs.setdefault(slug, rel)
        if not isinstance(meta, ArticleMeta | LinkMeta):
            continue
        curated = (
            meta.link if isinstance(meta, LinkMeta) else meta.source.url if meta.source else ""
        )
        if curated:
            found.sources.setdefault(normalise_url(curated), rel)
        for tag, _line in meta.tags:
            found.tags.setdefault(tag_key(tag), tag)
    return found


def _shown(path: Path) -> str:
    """The path relative to the working folder when it is inside it, else absolute."""
    try:
        return (
            os.path.relpath(path)
            if path.resolve().is_relative_to(Path.cwd().resolve())
            else str(path)
        )
    except ValueError:
        return str(path)
