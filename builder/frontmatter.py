"""SourceFile → ArticleMeta: split the `---` block, parse it strictly, check the schema.

Every problem carries the file's own line and column (YAML marks are
relative to the block, so the offset of the opening `---` is added), and
the whole file is checked before giving up, so one run shows every mistake.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from typing import Any

from builder.errors import Diagnostics, did_you_mean
from builder.models import ArticleMeta, SiteConfig, Source, SourceFile
from builder.urls import slug_problem, slugify
from builder.yamlload import YamlValue, describe, load_mapping

KNOWN_KEYS = {"title", "date", "updated", "tags", "summary", "slug", "draft", "source",
              "author", "authors", "image"}
_SOURCE_KEYS = {"url", "name", "author", "date"}
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_DATE_HINT = "write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00"


def decode(src: SourceFile, diags: Diagnostics) -> str | None:
    """Bytes → text with `\\n` line ends; None (with a diagnostic) when unreadable."""
    data = src.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(
            src.rel, line, col, f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte {col}",
            "save the file as UTF-8",
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _BAD_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        name = unicodedata.name(bad.group(), f"U+{ord(bad.group()):04X}")
        diags.error(
            src.rel, line, col, f"control character U+{ord(bad.group()):04X} ({name})",
            "delete it; it is invisible in most editors and breaks feeds",
        )
        return None
    return text


def split(src: SourceFile, text: str, diags: Diagnostics) -> tuple[str, str, int] | None:
    """(yaml, body, body_line) or None. The closing `---` is the first line that is exactly it."""
    if not text.strip():
        diags.error(src.rel, 1, 1, "empty file", "add front matter: ---, title: ..., ---")
        return None
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        diags.error(
            src.rel, 1, 1, "no front matter: the file must start with a `---` line",
            'begin the file with\n  ---\n  title: "..."\n  date: 2024-06-23\n  ---',
        )
        return None
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index] in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, body, index + 2
    diags.error(src.rel, 1, 1, "front matter is never closed",
                "add a `---` line after the last front matter key")
    return None


def parse(src: SourceFile, config: SiteConfig, diags: Diagnostics) -> ArticleMeta | None:
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


class _Schema:
    def __init__(self, src: SourceFile, config: SiteConfig, diags: Diagnostics) -> None:
        self.src = src
        self.path = src.rel
        self.kind = src.kind
        self.tz = zoneinfo.ZoneInfo(config.timezone)
        self.diags = diags

    def error(self, value: YamlValue, message: str, hint: str | None = None) -> None:
        self.diags.error(self.path, value.line, value.col, message, hint)

    def text(self, data: dict[str, YamlValue], key: str) -> str | None:
        value = data.get(key)
        if value is None or (value.kind == "null" and key != "title"):
            return None
        if value.kind != "str":
            self.error(value, f"`{key}` must be text, found {describe(value)}",
                       f'quote it: {key}: "{value.raw or ""}"')
            return None
        return str(value.value)

    def check(self, data: dict[str, YamlValue], body: str, body_line: int) -> ArticleMeta:
        for key, value in data.items():
            if key in KNOWN_KEYS:
                continue
            guess = did_you_mean(key, KNOWN_KEYS)
            if guess and guess not in data:
                self.diags.warning(self.path, value.key_line, value.key_col,
                                   f"unknown key `{key}` is kept as extra data",
                                   f"did you mean `{guess}`?")
            self._no_surprises(key, value)
        stem = self.path.rsplit("/", 1)[-1][:-3]
        dated = _DATED_NAME.match(stem)
        title_value = data.get("title")
        title = self.text(data, "title")
        if title_value is None and self.kind != "edition":
            self.diags.error(self.path, 1, 1, "missing `title`", 'add  title: "..."  to the front matter')
        elif title_value is not None and title is not None and not title.strip():
            self.error(title_value, "`title` is empty", "write a headline")
        elif title_value is not None and title_value.kind == "null":
            self.error(title_value, "`title` is empty", "write a headline")
        date = self.when(data, "date")
        if date is None and "date" not in data and dated:
            try:
                day = dt.date(int(dated[1]), int(dated[2]), int(dated[3]))
                date = dt.datetime.combine(day, dt.time(), self.tz)
            except ValueError as exc:
                self.diags.error(self.path, 1, 1, f"impossible date in file name: {exc}",
                                 _DATE_HINT)
        if date is None and "date" not in data and self.kind == "article":
            self.diags.error(self.path, 1, 1, "missing `date`",
                             "add  date: 2024-06-23  or name the file 2024-06-23-slug.md")
        slug_value = data.get("slug")
        slug = self.text(data, "slug")
        if slug is not None:
            fixed = slugify(slug)
            problem = slug_problem(slug) if slug == fixed else slug_problem(fixed)
            if problem:
                self.error(slug_value, f"slug {problem}", "use lower-case words joined by hyphens")  # type: ignore[arg-type]
            elif slug != fixed:
                self.error(slug_value, f"slug `{slug}` is not in URL form",  # type: ignore[arg-type]
                           f"use `{fixed}`")
        else:
            name = dated[4] if dated else stem
            slug = slugify(name)
            problem = slug_problem(slug)
            if problem and self.kind != "edition":
                self.diags.error(self.path, 1, 1, f"slug from the file name {problem}",
                                 "rename the file or set `slug:` in the front matter")
        return ArticleMeta(
            path=self.path,
            kind=self.kind,
            title=(title or "").strip(),
            date=date,
            updated=self.when(data, "updated"),
            tags=self.tags(data),
            summary=self.text(data, "summary"),
            slug=slug or "",
            draft=self.flag(data, "draft"),
            source=self.source(data),
            authors=self.authors(data),
            image=self.text(data, "image"),
            extra={k: v.to_python() for k, v in data.items() if k not in KNOWN_KEYS},
            body=body,
            body_line=body_line,
            title_line=title_value.line if title_value else 1,
            slug_line=slug_value.line if slug_value else 1,
        )

    def _no_surprises(self, key: str, value: YamlValue) -> None:
        if value.surprise():
            self.error(value, f"`{key}: {value.raw}` reads as {describe(value).split(' (')[0]}",
                       f'quote it: {key}: "{value.raw}"')
        elif value.kind in ("seq", "map"):
            children = value.value if value.kind == "seq" else value.value.values()
            for child in children:
                self._no_surprises(key, child)

    def when(self, data: dict[str, YamlValue], key: str) -> dt.datetime | None:
        value = data.get(key)
        if value is None or value.kind == "null":
            return None
        return self.to_datetime(value, key)

    def to_datetime(self, value: YamlValue, key: str) -> dt.datetime | None:
        raw: Any = value.value
        if value.kind == "str":
            try:
                raw = dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                self.error(value, f"`{key}` is not a date: `{value.value}`", _DATE_HINT)
                return None
        elif value.kind != "timestamp":
            self.error(value, f"`{key}` must be a date, found {describe(value)}", _DATE_HINT)
            return None
        if not isinstance(raw, dt.datetime):
            raw = dt.datetime.combine(raw, dt.time())
        if raw.tzinfo is None:
            return raw.replace(tzinfo=self.tz)
        return raw.astimezone(self.tz)

    def flag(self, data: dict[str, YamlValue], key: str) -> bool:
        value = data.get(key)
        if value is None:
            return False
        if value.kind != "bool" or value.surprise():
            self.error(value, f"`{key}` must be true or false, found {describe(value)}",
                       f"write  {key}: true  or  {key}: false")
            return False
        return bool(value.value)

    def tags(self, data: dict[str, YamlValue]) -> tuple[tuple[str, int], ...]:
        value = data.get("tags")
        if value is None or value.kind == "null":
            return ()
        items = [value] if value.kind != "seq" else list(value.value)
        if value.kind not in ("seq", "str"):
            self.error(value, f"`tags` must be a list of words, found {describe(value)}",
                       "write  tags: [Energy, Europe]")
            return ()
        tags: list[tuple[str, int]] = []
        for item in items:
            if item.kind != "str":
                self.error(item, f"a tag must be text, found {describe(item)}",
                           f'quote it: "{item.raw or ""}"')
                continue
            tag = " ".join(str(item.value).split())
            if not tag:
                self.error(item, "empty tag", "remove it")
                continue
            problem = slug_problem(slugify(tag))
            if problem and not problem.startswith("`"):
                self.error(item, f"tag `{tag}` cannot be a URL: its slug {problem}",
                           "use a tag with letters or digits")
                continue
            tags.append((tag, item.line))
        return tuple(tags)

    def source(self, data: dict[str, YamlValue]) -> Source | None:
        value = data.get("source")
        if value is None or value.kind == "null":
            return None
        if value.kind == "str":
            return self._source_url(value, value) and Source(url=str(value.value).strip())
        if value.kind != "map":
            self.error(value, f"`source` must be a URL or a mapping, found {describe(value)}",
                       "write  source: {url: https://..., name: Outlet}")
            return None
        fields: dict[str, YamlValue] = value.value
        for key, item in fields.items():
            if key not in _SOURCE_KEYS:
                guess = did_you_mean(key, _SOURCE_KEYS)
                self.diags.error(self.path, item.key_line, item.key_col,
                                 f"unknown key `{key}` in `source`",
                                 f"did you mean `{guess}`?" if guess else "known keys: author, date, name, url")
        url = fields.get("url")
        if url is None:
            self.error(value, "`source` needs a `url`", "add  url: https://...")
            return None
        if not self._source_url(url, value):
            return None
        when = fields.get("date")
        day = self.to_datetime(when, "source.date") if when and when.kind != "null" else None
        return Source(
            url=str(url.value).strip(),
            name=self.text(fields, "name") or "",
            author=self.text(fields, "author") or "",
            date=day.date() if day else None,
        )

    def _source_url(self, url: YamlValue, where: YamlValue) -> bool:
        if url.kind != "str" or not re.match(r"https?://[^\s/]+", str(url.value).strip()):
            self.error(url, f"source URL must start with http:// or https://, found {describe(url)}")
            return False
        return True

    def authors(self, data: dict[str, YamlValue]) -> tuple[str, ...]:
        names: list[str] = []
        author = self.text(data, "author")
        if author:
            names.append(author.strip())
        value = data.get("authors")
        if value is not None and value.kind != "null":
            items = value.value if value.kind == "seq" else [value]
            for item in items:
                if item.kind != "str":
                    self.error(item, f"an author must be text, found {describe(item)}", "quote it")
                else:
                    names.append(str(item.value).strip())
        return tuple(n for n in names if n)
