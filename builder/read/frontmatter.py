"""SourceFile → ArticleMeta, LinkMeta, PageMeta or EditionNote: split the `---` block, check
the schema (the value of each field is fields.py's, what an item curates curation.py's,
the fields of editions editorial.py's).

Every problem carries the file's own line and column (YAML marks are
relative to the block, so the offset of the opening `---` is added), and
the whole file is checked before giving up, so one run shows every mistake.
"""

from __future__ import annotations

import re

from builder.core.errors import Diagnostics, did_you_mean
from builder.core.models import (
    ArticleMeta,
    EditionNote,
    LinkMeta,
    Meta,
    PageMeta,
    SiteConfig,
    SourceFile,
)
from builder.core.textfile import decode
from builder.core.yamlload import YamlValue, describe, load_mapping
from builder.read import curation, editorial
from builder.read.fields import FrontMatterFields

__all__ = ["KNOWN_KEYS", "parse", "split"]

KNOWN_KEYS = (
    {
        "title",
        "date",
        "updated",
        "tags",
        "summary",
        "slug",
        "draft",
        "source",
        "author",
        "authors",
        "image",
        "lang",
    }
    | editorial.ITEM_KEYS
    | editorial.NOTE_KEYS
)
_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(\s|$)")


def _unopened(lines: list[str]) -> int | None:
    """The number of lines above the first `---` line when they all read as YAML keys (or
    their indented values, comments, blank lines) and the first is a key: front matter
    whose opening `---` was lost, as in a file pasted from elsewhere. Else None."""
    for index, line in enumerate(lines):
        if line.rstrip() == "---":
            return index if index and _KEY_LINE.match(lines[0]) else None
        if line.strip() and not (line[0] in " \t#-" or _KEY_LINE.match(line)):
            return None
    return None


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
            diags.error(
                src.rel,
                1,
                1,
                "front matter must start on the first line",
                f"delete the {first} blank line{'s' if first > 1 else ''} above `---`",
            )
        elif (closing := _unopened(lines)) is not None:
            diags.error(
                src.rel,
                1,
                1,
                "front matter has no opening `---` line",
                f"add a `---` line above line 1: "
                f"{'line 1 reads' if closing == 1 else f'lines 1-{closing} read'} as front "
                f"matter, closed by the `---` on line {closing + 1}",
            )
        else:
            stem = src.rel.rsplit("/", 1)[-1]
            date = "" if _DATED_NAME.match(stem) else "\n  date: 2024-06-23"  # else: its name
            diags.error(
                src.rel,
                1,
                1,
                "no front matter: the file must start with a `---` line",
                f'begin the file with\n  ---\n  title: "..."{date}\n  ---',
            )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    diags.error(
        src.rel,
        1,
        1,
        "front matter is never closed",
        "add a `---` line after the last front matter key",
    )
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


class _Schema(FrontMatterFields):
    """Which fields each kind of source has and what it becomes; the value of each field is
    read by fields.py, text and flags by the shared readers."""

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
                self.diags.error(
                    self.path, 1, 1, "missing `title`", 'add  title: "..."  to the front matter'
                )
        elif title_value.kind == "null" or (title is not None and not title.strip()):
            self.error(title_value, "`title` is empty", "write a headline")
        date = self.when(data, "date")
        if "date" not in data and dated:
            date = self.date_from_name(dated)
        elif "date" not in data and self.kind == "article":
            self.diags.error(
                self.path,
                1,
                1,
                "missing `date`",
                "add  date: 2024-06-23  or name the file 2024-06-23-slug.md",
            )
        elif self.kind == "article" and data["date"].kind == "null":
            self.error(
                data["date"],
                "`date` is empty",
                "remove the line to use the date in the file name"
                if dated
                else "write  date: 2024-06-23",
            )
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
            return EditionNote(
                path=self.path,
                title=(title or "").strip() or None,
                summary=summary,
                extra=extra,
                body=body,
                body_line=body_line,
                **noted,
            )
        title_line = title_value.line if title_value else 1
        slug_line = slug_value.line if slug_value else 1
        if self.kind == "page":
            if tags:
                self._untagged(data["tags"])
            return PageMeta(
                path=self.path,
                title=(title or "").strip(),
                date=date,
                updated=updated,
                summary=summary,
                slug=slug,
                draft=draft,
                authors=authors,
                image=image,
                lang=lang,
                extra=extra,
                body=body,
                body_line=body_line,
                title_line=title_line,
                slug_line=slug_line,
            )
        link = curation.link_of(self, data, body, body_line) if is_link else None
        if date is None or (is_link and link is None):  # an error says why
            return None
        item = dict(
            path=self.path,
            title=(title or "").strip(),
            date=date,
            updated=updated,
            tags=tags,
            summary=summary,
            slug=slug,
            draft=draft,
            extra=extra,
            body=body,
            body_line=body_line,
            title_line=title_line,
            slug_line=slug_line,
            lang=lang,
            **placed,
        )
        if link is not None:
            return LinkMeta(link=link, **item)
        return ArticleMeta(source=source, authors=authors, image=image, **item)

    def _untagged(self, value: YamlValue) -> None:
        """Pages are in no tag list: their tags would be silently lost (a build used to fail)."""
        self.diags.warning(
            self.path,
            value.line,
            value.col,
            "a page has no tags: `tags` is ignored",
            "remove it, or move the file out of content/pages/ to make an article",
        )

    def _no_text(self, body_line: int) -> None:
        """A published article with nothing below the front matter.

        It would go live as a headline over an empty page ("1 min read" on
        zero words); `broadsheet new` writes such a file, so the editor is
        told before it is pushed. A warning, not an error: a draft-in-progress
        must still preview, and `--strict` in CI turns it into a failure.
        """
        self.diags.warning(
            self.path,
            body_line,
            1,
            "the article has no text",
            "write the article below the front matter, or set  draft: true",
        )

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
                    self.diags.warning(
                        self.path,
                        value.key_line,
                        value.key_col,
                        f"unknown key `{key}` is kept as extra data",
                        f"did you mean `{guess}`?",
                    )
                self._no_surprises(key, value, nested=False)

    def _no_surprises(self, key: str, value: YamlValue, nested: bool) -> None:
        if value.surprise():
            what = describe(value).split(", which ")[1]
            where = f"`{value.raw}` in `{key}`" if nested else f"`{key}: {value.raw}`"
            self.error(
                value,
                f"{where} is read as {what.removeprefix('YAML reads as ')}",
                f'quote it: "{value.raw}"' if nested else f'quote it: {key}: "{value.raw}"',
            )
        elif value.kind in ("seq", "map"):
            children = value.value if value.kind == "seq" else value.value.values()
            for child in children:
                self._no_surprises(key, child, nested=True)
