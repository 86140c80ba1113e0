"""Turn an article as editors receive it (plain text or a saved page) into Markdown.

`convert` is pure (bytes in, file text out) so `broadsheet import` (importer_cli.py),
which writes the file and never overwrites, and the tests share one code path; nothing
here touches the disk. Both input shapes are read into the same neutral blocks
(`importer_text`, `importer_html`), so furniture removal, escaping, summary, tags and
duplicate checks are written once.
"""

from __future__ import annotations

import codecs
import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from builder.commands.importer.html import read_html
from builder.commands.importer.text import (
    Block,
    Date,
    ImportFailure,
    Inline,
    clean,
    collapse,
    inline_runs,
    plain_text,
    read_text,
    title_key,
    words,
)
from builder.core.urls import TRACKING as _TRACKING_KEY  # one list of tracking parameters
from builder.core.urls import normalise_url, parse_url

__all__ = [
    "ExistingArticle",
    "ImportFailure",
    "ImportOptions",
    "ImportedArticle",
    "convert",
    "escape_markdown",
    "normalise_url",
    "suggest_tags",
]


@dataclass(frozen=True)
class ExistingArticle:
    """An article already in content/, for refusing duplicates."""

    path: str
    title: str
    date: datetime.date
    source_url: str | None


@dataclass(frozen=True)
class ImportOptions:
    """What the editor said on the command line, plus what the site already has."""

    url: str | None = None
    source_name: str | None = None
    tags: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    existing: tuple[ExistingArticle, ...] = ()
    timezone: str = "UTC"


@dataclass(frozen=True)
class ImportedArticle:
    """The converted article; `text` is the whole .md file, ready to write."""

    title: str
    date: Date
    slug: str
    text: str
    rel_path: str


_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_SAVE_HINT = "save the article as UTF-8 text (dateline, headline, paragraphs) or as HTML"
_DUPLICATE_HINT = "edit the existing article instead of importing it again"


def _decode(data: bytes) -> str:
    """UTF-8 (BOM allowed) with newlines normalised; say where a bad byte is."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        line = data[:at].count(b"\n") + 1
        message = f"not valid UTF-8 at byte {at} (line {line})"
        raise ImportFailure(message, hint="re-save the file as UTF-8") from None
    if not text.strip():
        raise ImportFailure("the file is empty", hint=_SAVE_HINT)
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SPECIAL = re.compile(r"[\\`*_{}\[\]]|<(?![ \t]|$)|&(?=#\d|#x[0-9a-f]|[a-z]\w*;)", re.I)


def _escape_inline(text: str) -> str:
    """Backslash-escape what Python-Markdown would read as inline markup; `<` and `&`
    become entities because Python-Markdown has no backslash escape for them."""

    def sub(m: re.Match[str]) -> str:
        c, i = m.group(), m.start()
        if c in "<&":
            return "&lt;" if c == "<" else "&amp;"
        if c == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            return c  # intraword underscores are never emphasis: keep snake_case readable
        return "\\" + c

    return _SPECIAL.sub(sub, text)


_ENTITIES = {"=": "&#61;", "~": "&#126;", "|": "&#124;", ":": "&#58;"}


def escape_markdown(text: str) -> str:
    """Escape text so Python-Markdown renders it as written, as one plain paragraph.

    Inline markup (`*`, `_`, backticks, brackets, braces, backslashes, HTML tags and
    entities) is escaped anywhere; block markers only at a line start (`#`, `>`, `-`, `+`,
    `1.`, a `===` underline, a `~~~` fence, a table rule). Expects no leading indentation.
    """
    lines = []
    for line in _escape_inline(text).split("\n"):
        if line[:1] in ("#", ">", "-", "+"):
            line = "\\" + line
        elif m := re.match(r"\d+(?=\.(?:\s|$))", line):
            line = f"{m.group()}\\{line[m.end() :]}"
        elif line[:1] in _ENTITIES and re.fullmatch(r"=+\s*|[|:\s-]*\|[|:\s-]*|~~~.*", line):
            line = _ENTITIES[line[0]] + line[1:]  # no backslash escape exists for these
        lines.append(line)
    return "\n".join(lines)


def _render_item(item: tuple[Inline, ...]) -> str:
    parts = []
    for i, (text, href) in enumerate(inline_runs(item)):
        if href:
            target = quote(href, safe="/:?#[]@!$&'*+,;=%~")
            parts.append(f"[{_escape_inline(text)}]({target})")
        else:
            parts.append(escape_markdown(text) if i == 0 else _escape_inline(text))
    return "".join(parts)


def _render(blocks: Sequence[Block]) -> str:
    """Blocks as Markdown: paragraphs, ## headings, > quotes and lists."""
    out = []
    for block in blocks:
        lines = [_render_item(item) for item in block.items]
        if block.kind[0] == "h":  # a closing # would be eaten as ATX heading decoration
            heading = lines[0][:-1] + "\\#" if lines[0].endswith("#") else lines[0]
            out.append("#" * int(block.kind[1]) + " " + heading)
        elif block.kind == "quote":
            out.append("\n>\n".join("> " + line for line in lines))
        elif block.kind in ("ul", "ol"):
            marks = [f"{n}." if block.kind == "ol" else "-" for n in range(1, len(lines) + 1)]
            out.append("\n".join(f"{m} {line}" for m, line in zip(marks, lines, strict=True)))
        else:
            out.append(lines[0])
    return "\n\n".join(out)


_ABBREVIATIONS = words(
    "mr mrs ms dr prof gen lt col maj capt sgt gov sen rep st jr sr inc ltd co corp no vs "
    "etc adm brig cmdr pres"
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[\"“‘«(\[]?[A-Z0-9]|$)")


def _summary(text: str, limit: int = 200) -> str:
    """Whole sentences up to `limit` chars; a longer first sentence is cut with "…"."""
    if len(text) <= limit:
        return text
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if m.end() <= limit
        and (word := text[: m.start()].rsplit(" ", 1)[-1].lower()) not in _ABBREVIATIONS
        and not re.fullmatch(r"(?:[a-z]\.)*[a-z]", word)  # U.S., initials
    ]
    if ends:
        return text[: ends[-1]]
    space = text.rfind(" ", 0, limit)
    return (text[:space] if space > 0 else text[: limit - 1]).rstrip(" ,;:–—-") + "…"


def _slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated, at most 60 chars, cut at a hyphen."""
    text = unicodedata.normalize("NFKD", re.sub(r"['’‘`]", "", text))
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")
    if len(slug) > 60:
        slug = slug[: slug.rfind("-", 0, 61)] if "-" in slug[:61] else slug[:60]
    return slug


_DEMONYM = "(?:n|an|ian|ean|ese|i|ish|ic)"


def _tag_pattern(tag: str) -> re.Pattern[str]:
    """Whole word/phrase; acronyms case-sensitive (US is not "us"); single-word names also
    match demonym forms by a stem rule (Iran → Iranian, Europe → European)."""
    words_ = tag.split()
    body = r"[\s-]+".join(re.escape(w) for w in words_)
    if len(words_) == 1 and tag.isalpha() and len(tag) >= 4 and not tag.isupper():
        stem = re.escape(tag[:-1] if tag[-1].lower() in "aeiouy" else tag)
        body = rf"(?:{body}{_DEMONYM}?|{stem}{_DEMONYM})"
    return re.compile(rf"(?<!\w){body}s?(?!\w)", 0 if tag.isupper() else re.I)


def suggest_tags(text: str, vocabulary: Sequence[str], *, headline: str = "") -> tuple[str, ...]:
    """Up to five vocabulary tags the article mentions, most mentioned first.

    A mention in `headline` counts three times; ties keep vocabulary order. Tags keep
    the vocabulary's spelling so the site never gains a second spelling of a tag.
    """
    scores: dict[str, int] = {}
    for tag in map(collapse, vocabulary):
        if tag and title_key(tag) not in map(title_key, scores):
            pattern = _tag_pattern(tag)
            scores[tag] = 3 * len(pattern.findall(headline)) + len(pattern.findall(text))
    return tuple(sorted((t for t in scores if scores[t]), key=lambda t: -scores[t])[:5])


def _untracked(query: str) -> str:
    """A query string without tracking parameters (`utm_*`, click ids), others in order:
    the URL is published as given, only what follows the reader around is dropped."""
    return "&".join(
        pair
        for pair in query.split("&")
        if pair and not _TRACKING_KEY.match(pair.split("=", 1)[0].lower())
    )


def _refuse_duplicates(
    title: str, day: datetime.date, url: str | None, opts: ImportOptions
) -> None:
    """Never import the same source, or the same title on the same day, twice."""
    source = normalise_url(url) if url else None
    for old in opts.existing:
        if source and old.source_url and normalise_url(old.source_url) == source:
            raise ImportFailure(
                f"already imported as {old.path} (same source URL)", hint=_DUPLICATE_HINT
            )
        if title_key(old.title) == title_key(title) and old.date == day:
            raise ImportFailure(
                f"already imported as {old.path} (same title and date)", hint=_DUPLICATE_HINT
            )


class _FrontMatterDumper(yaml.SafeDumper):
    """SafeDumper writing datetimes as ISO 8601 with a "T" (PyYAML's default uses a space)."""


_FrontMatterDumper.add_representer(
    datetime.datetime,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()),
)


def convert(path: Path, data: bytes, options: ImportOptions) -> ImportedArticle:
    """Convert one received article (plain text or saved HTML) into a Broadsheet file.

    Raises ImportFailure when the file cannot be read as an article or is already on the
    site; nothing is written here, the caller decides where and refuses to overwrite.
    """
    try:
        zone = ZoneInfo(options.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailure(
            f"unknown time zone {options.timezone!r}", hint="use an IANA name"
        ) from None
    text = _decode(data)
    is_html = path.suffix.lower() in (".html", ".htm") or _HTML_START.match(text[:4096])
    draft = read_html(text, zone, options.url) if is_html else read_text(text, zone)
    blocks, byline = clean(draft.blocks, draft.title, zone)
    paragraphs = [b for b in blocks if b.kind in ("p", "quote", "ul", "ol")]
    if not paragraphs:
        hint = "nothing was left after removing navigation, comments, ads and other furniture"
        raise ImportFailure("no body paragraphs found", hint=hint)
    date = draft.date
    day = date.astimezone(zone).date() if isinstance(date, datetime.datetime) else date
    url = options.url or draft.url
    parts = parse_url(url or "")  # both were checked to be http(s) URLs
    if url and not isinstance(parts, str):  # as given, minus tracking parameters, fragment
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, _untracked(parts.query), ""))
    _refuse_duplicates(draft.title, day, url, options)

    first = next((b for b in paragraphs if b.kind == "p"), paragraphs[0])
    body = "\n".join(plain_text(item) for b in blocks for item in b.items)
    suggested = suggest_tags(body, options.vocabulary, headline=draft.title)
    spelling = {title_key(v): collapse(v) for v in options.vocabulary}
    tags: dict[str, str] = {}  # --tags first, one spelling per tag, the vocabulary's if known
    for tag in (*options.tags, *suggested):
        if tag.strip():
            tags.setdefault(title_key(tag), spelling.get(title_key(tag), collapse(tag)))
    meta: dict[str, object] = {
        "title": draft.title,
        "date": date,
        "summary": escape_markdown(_summary(plain_text(first.items[0]))),
    }
    author = draft.author or byline
    if url:
        source = {"url": url, "name": options.source_name or draft.site_name, "author": author}
        meta["source"] = {k: v for k, v in source.items() if v}
    elif options.source_name:  # a site's `source` is a link: it cannot be a name alone
        hint = "pass --url with the original article's address as well"
        raise ImportFailure("--source-name needs a source URL, and the file names none", hint=hint)
    elif author:  # the body is the original's text, so its writer is the article's author
        meta["author"] = author
    if tags:
        meta["tags"] = list(tags.values())
    front = yaml.dump(
        meta, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10_000
    )
    slug = (
        _slugify(draft.title)
        or _slugify(("" if isinstance(parts, str) else parts.path).rstrip("/").rsplit("/")[-1])
        or "article"
    )
    return ImportedArticle(
        title=draft.title,
        date=date,
        slug=slug,
        text=f"---\n{front}---\n\n{_render(blocks)}\n",
        rel_path=f"content/{day:%Y}/{day:%m}/{slug}.md",
    )
