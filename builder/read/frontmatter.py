"""SourceFile → ArticleMeta, LinkMeta, PageMeta or EditionNote: split the `---` block, check
the schema (what an item curates is curation.py's, the fields of editions editorial.py's).

Every problem carries the file's own line and column (YAML marks are
relative to the block, so the offset of the opening `---` is added), and
the whole file is checked before giving up, so one run shows every mistake.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from builder.core.dates import guess_date
from builder.core.errors import Diagnostics, did_you_mean
from builder.core.languages import canonical, language_problem
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    LinkMeta,
    Meta,
    PageMeta,
    SiteConfig,
    SourceFile,
)
from builder.core.paths import RESERVED
from builder.core.slugs import slug_problem, slugify
from builder.core.textfile import decode
from builder.core.urls import web_url
from builder.core.yamlload import YamlValue, describe, load_mapping
from builder.core.yamlschema import FieldReader, quote_hint
from builder.read import curation, editorial

__all__ = ["KNOWN_KEYS", "decode", "guess_date", "parse", "split"]

KNOWN_KEYS = {"title", "date", "updated", "tags", "summary", "slug", "draft", "source",
              "author", "authors", "image", "lang"} | editorial.ITEM_KEYS | editorial.NOTE_KEYS
_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_DATE_HINT = "write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00"
# Dates outside this span are typos, and near the ends of the calendar the
# week and month arithmetic of editions would overflow.
MIN_YEAR, MAX_YEAR = 1000, 9000


def split(src: SourceFile, text: str, diags: Diagnostics) -> tuple[str, str, int] | None:
    """(yaml, body, body_line) or None.

    The opening `---` must be the first line; the closing one is the first
    later line that is `---` (or `...`). Trailing spaces on either are
    forgiven, since editors add them invisibly. Any `---` after that is
    body text (a Markdown rule).
    """
    if not text.strip():
        diags.error(src.rel, 1, 1, "empty file", "add front matter: ---, title: ..., ---")
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        first = next(i for i, line in enumerate(lines) if line.strip())
        if lines[first].rstrip() == "---":
            diags.error(src.rel, 1, 1, "front matter must start on the first line",
                        f"delete the {first} blank line{'s' if first > 1 else ''} above `---`")
        else:
            diags.error(
                src.rel, 1, 1, "no front matter: the file must start with a `---` line",
                'begin the file with\n  ---\n  title: "..."\n  date: 2024-06-23\n  ---',
            )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, body, index + 2
    diags.error(src.rel, 1, 1, "front matter is never closed",
                "add a `---` line after the last front matter key")
    return None


def parse(src: SourceFile, config: SiteConfig, diags: Diagnostics) -> Meta | None:
    """Read one Markdown file's front matter; None when it has errors."""
    text = decode(src, diags)
    if text is None:
        return None
    parts = split(src, text, diags)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    before = len(diags.items)
    data = load_mapping(yaml_text, src.rel, 1, diags)
    if data is None:
        return None
    meta = _Schema(src, config, diags).check(data, body, body_line)
    if any(d.severity == "error" for d in diags.items[before:]):
        return None
    return meta


class _Schema(FieldReader):
    """The front matter fields; text, flags and unknown keys are the shared readers'."""

    def __init__(self, src: SourceFile, config: SiteConfig, diags: Diagnostics) -> None:
        super().__init__(src.rel, diags)
        self.src = src
        self.kind = src.kind
        self.tz = zoneinfo.ZoneInfo(config.timezone)

    def check(self, data: dict[str, YamlValue], body: str, body_line: int) -> Meta | None:
        """The front matter of this source's kind; None for an article left without a date.

        Every field is checked whatever the kind, so a mistake is reported
        even where the field means nothing (`tags` in an editor's note).
        """
        self._unknown_keys(data)
        stem = self.path.rsplit("/", 1)[-1][:-3]
        dated = _DATED_NAME.match(stem)
        title_value = data.get("title")
        title = self.text(data, "title", None)
        if title_value is None:
            if self.kind != "edition":
                self.diags.error(self.path, 1, 1, "missing `title`",
                                 'add  title: "..."  to the front matter')
        elif title_value.kind == "null" or (title is not None and not title.strip()):
            self.error(title_value, "`title` is empty", "write a headline")
        date = self.when(data, "date")
        if "date" not in data and dated:
            date = self._date_from_name(dated)
        elif "date" not in data and self.kind == "article":
            self.diags.error(self.path, 1, 1, "missing `date`",
                             "add  date: 2024-06-23  or name the file 2024-06-23-slug.md")
        elif self.kind == "article" and data["date"].kind == "null":
            self.error(data["date"], "`date` is empty",
                       "remove the line to use the date in the file name" if dated
                       else "write  date: 2024-06-23")
        slug_value = data.get("slug")
        slug = self.slug(data, dated[4] if dated else stem)
        draft = self.boolean(data, "draft", False)
        is_link = self.kind == "article" and "link" in data
        if self.kind == "article" and not draft and not body.strip() and not is_link:
            self._no_text(body_line)
        updated = self.when(data, "updated")
        tags = self.tags(data)
        summary = (self.text(data, "summary", None) or "").strip() or None
        source = curation.source(self, data, self.to_date)
        authors = self.authors(data)
        image = self.image(data)
        lang = self.lang(data)
        extra = {k: v.to_python() for k, v in data.items() if k not in KNOWN_KEYS}
        placed = editorial.placement(self, data, body, body_line)
        noted = editorial.note_fields(self, data)
        if self.kind == "edition":
            return EditionNote(path=self.path, title=(title or "").strip() or None,
                               summary=summary, extra=extra, body=body, body_line=body_line,
                               **noted)
        title_line = title_value.line if title_value else 1
        slug_line = slug_value.line if slug_value else 1
        if self.kind == "page":
            if tags:
                self._untagged(data["tags"])
            return PageMeta(path=self.path, title=(title or "").strip(), date=date,
                            updated=updated, summary=summary, slug=slug, draft=draft,
                            authors=authors, image=image, lang=lang, extra=extra, body=body,
                            body_line=body_line, title_line=title_line, slug_line=slug_line)
        link = curation.link_of(self, data, body, body_line) if is_link else None
        if date is None or (is_link and link is None):  # an error says why
            return None
        item = dict(path=self.path, title=(title or "").strip(), date=date, updated=updated,
                    tags=tags, summary=summary, slug=slug, draft=draft, extra=extra, body=body,
                    body_line=body_line, title_line=title_line, slug_line=slug_line, lang=lang,
                    **placed)
        if link is not None:
            return LinkMeta(link=link, **item)
        return ArticleMeta(source=source, authors=authors, image=image, **item)

    def _untagged(self, value: YamlValue) -> None:
        """Pages are in no tag list: their tags would be silently lost (a build used to fail)."""
        self.diags.warning(self.path, value.line, value.col,
                           "a page has no tags: `tags` is ignored",
                           "remove it, or move the file out of content/pages/ to make an article")

    def _no_text(self, body_line: int) -> None:
        """A published article with nothing below the front matter.

        It would go live as a headline over an empty page ("1 min read" on
        zero words); `broadsheet new` writes such a file, so the editor is
        told before it is pushed. A warning, not an error: a draft-in-progress
        must still preview, and `--strict` in CI turns it into a failure.
        """
        self.diags.warning(self.path, body_line, 1, "the article has no text",
                           "write the article below the front matter, or set  draft: true")

    def _unknown_keys(self, data: dict[str, YamlValue]) -> None:
        """Warn about likely typos; other unknown keys are kept for themes.

        Short keys get a closer match (one edit), or `name` would be taken
        for `date`. A near miss is not reported when the key it resembles is
        also present: then both were meant (`image` and `images`).
        """
        for key, value in data.items():
            if key not in KNOWN_KEYS:
                guess = did_you_mean(key, KNOWN_KEYS, 1 if len(key) <= 4 else 2)
                if guess and guess not in data:
                    self.diags.warning(self.path, value.key_line, value.key_col,
                                       f"unknown key `{key}` is kept as extra data",
                                       f"did you mean `{guess}`?")
                self._no_surprises(key, value, nested=False)

    def _no_surprises(self, key: str, value: YamlValue, nested: bool) -> None:
        if value.surprise():
            what = describe(value).split(", which ")[1]
            where = f"`{value.raw}` in `{key}`" if nested else f"`{key}: {value.raw}`"
            self.error(value, f"{where} is read as {what.removeprefix('YAML reads as ')}",
                       f'quote it: "{value.raw}"' if nested else f'quote it: {key}: "{value.raw}"')
        elif value.kind in ("seq", "map"):
            children = value.value if value.kind == "seq" else value.value.values()
            for child in children:
                self._no_surprises(key, child, nested=True)

    def _date_from_name(self, dated: re.Match[str]) -> dt.datetime | None:
        try:
            day = dt.date(int(dated[1]), int(dated[2]), int(dated[3]))
        except ValueError as exc:
            self.diags.error(self.path, 1, 1,
                             f"impossible date in the file name: {exc}",
                             "rename the file with a real date, or set  date:  in the front matter")
            return None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            self.diags.error(self.path, 1, 1,
                             f"the date in the file name is out of range ({MIN_YEAR}–{MAX_YEAR})",
                             "check the year")
            return None
        return dt.datetime.combine(day, dt.time(), self.tz)

    def slug(self, data: dict[str, YamlValue], name: str) -> str:
        value = data.get("slug")
        slug = self.text(data, "slug", None)
        if slug is None or value is None:
            slug = slugify(name)
            problem = slug_problem(slug)
            if problem and self.kind != "edition":
                self.diags.error(self.path, 1, 1,
                                 f"slug from the file name {_slug_phrase(slug, problem)}",
                                 "rename the file or set `slug:` in the front matter")
            return slug
        fixed = slugify(slug)
        folded = slug.strip().casefold()
        if folded in RESERVED:  # `feed.xml` would otherwise pass as `feed-xml`
            problem = slug_problem(folded)
        else:
            problem = slug_problem(slug) if slug == fixed else slug_problem(fixed)
        if problem:
            self.error(value, f"slug {_slug_phrase(slug, problem)}",
                       "use lower-case words joined by hyphens, at most 80 characters")
        elif slug != fixed:
            self.error(value, f"slug `{slug}` is not in URL form", f"use  slug: {fixed}")
        return fixed

    def when(self, data: dict[str, YamlValue], key: str) -> dt.datetime | None:
        value = data.get(key)
        if value is None or value.kind == "null":
            return None
        raw = self.to_date(value, key)
        if raw is None:
            return None
        if not isinstance(raw, dt.datetime):
            raw = dt.datetime.combine(raw, dt.time())
        if not MIN_YEAR <= raw.year <= MAX_YEAR:
            self.error(value, f"`{key}` {value.raw} is out of range ({MIN_YEAR}–{MAX_YEAR})",
                       "check the year")
            return None
        # Naive times are wall-clock times in the site's zone; aware ones are
        # converted to it, so every date of the site compares and prints alike.
        return raw.replace(tzinfo=self.tz) if raw.tzinfo is None else raw.astimezone(self.tz)

    def to_date(self, value: YamlValue, key: str) -> dt.date | None:
        """A date or datetime as written (no time zone applied), or None with an error."""
        if value.kind == "timestamp":
            written: dt.date = value.value  # YAML made a date or a datetime of it
            return written
        if value.kind != "str":
            self.error(value, f"`{key}` must be a date, found {describe(value)}", _DATE_HINT)
            return None
        text = str(value.value).strip()
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError as exc:
            if re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text):
                self.error(value, f"impossible date `{text}`: {exc}",
                           "use a real calendar date such as 2024-06-23")
                return None
        guess = guess_date(text)
        if guess and " or " in guess:
            hint = f"write {guess}, whichever you mean (ISO dates are year-month-day)"
        elif guess:
            hint = f"write it as {guess} (ISO dates are year-month-day)"
        else:
            hint = _DATE_HINT
        self.error(value, f"`{key}` is not an ISO date: `{text}`", hint)
        return None

    def tags(self, data: dict[str, YamlValue]) -> tuple[tuple[str, int], ...]:
        value = data.get("tags")
        if value is None or value.kind == "null":
            return ()
        if value.kind not in ("seq", "str"):
            self.error(value, f"`tags` must be a list of words, found {describe(value)}",
                       "write  tags: [Energy, Europe]")
            return ()
        if value.kind == "str" and "," in str(value.value):
            self.diags.warning(self.path, value.line, value.col,
                               f"tag `{value.value}` contains a comma",
                               f"for several tags write  tags: [{value.value}]")
        items = [value] if value.kind == "str" else list(value.value)
        tags: list[tuple[str, int]] = []
        for item in items:
            if item.kind == "null" or (item.kind == "str" and not str(item.value).strip()):
                self.error(item, "empty tag", "remove it")
                continue
            if item.kind != "str":
                self.error(item, f"a tag must be text, found {describe(item)}",
                           quote_hint(None, item))
                continue
            tag = " ".join(str(item.value).split())
            problem = slug_problem(slugify(tag), reserved=False)
            if problem:
                self.error(item, f"tag `{tag}` cannot be a URL: its slug "
                           f"{_slug_phrase(slugify(tag), problem)}",
                           "use a tag with letters or digits, at most 80 characters")
                continue
            tags.append((tag, item.line))
        return tuple(tags)

    def image(self, data: dict[str, YamlValue]) -> str | None:
        """The picture of the article: a theme writes it into `src` and `og:image`, so
        a `javascript:` or `data:` URL would run or smuggle content (http(s) and
        relative paths only)."""
        image = self.text(data, "image", None)
        if image and isinstance(checked := web_url(image, relative=True), str):
            self.error(data["image"], f"`image` {checked}",
                       "write  image: https://example.org/photo.jpg  or the name of a file "
                       "beside the article:  image: photo.jpg")
            return None
        return image

    def lang(self, data: dict[str, YamlValue]) -> str | None:
        """The language of this text when it is not the site's (`lang: ar`), in canonical case."""
        tag = self.checked(data, "lang", "", lambda t: language_problem("lang", t),
                           "use a BCP 47 code such as en, ar, fa, zh-Hans or pt-BR")
        return canonical(tag) if tag else None

    def authors(self, data: dict[str, YamlValue]) -> tuple[str, ...]:
        names: list[str] = []
        author = self.text(data, "author", None)
        if author:
            names.append(author.strip())
        value = data.get("authors")
        if value is not None and value.kind != "null":
            items = value.value if value.kind == "seq" else [value]
            for item in items:
                if item.kind != "str":
                    self.error(item, f"an author must be text, found {describe(item)}",
                               quote_hint(None, item))
                else:
                    names.append(str(item.value).strip())
        return tuple(n for n in names if n)


def _slug_phrase(slug: str, problem: str) -> str:
    """`\\`..\\` is empty once symbols are removed` — the slug named once, shortened."""
    if problem.startswith("`"):
        return problem
    shown = slug if len(slug) <= 40 else slug[:39] + "…"
    return problem if not slug or len(slug) > 80 else f"`{shown}` {problem}"
