"""The typed values of front matter, one reader per field: dates in the site's time zone,
the slug, tags, the image, the language and the authors.

frontmatter.py decides which fields a kind of source has and what it becomes; this module
only knows how each field is written and what is wrong with it. Each reader reports at
the value's own line and column and returns a fallback, so one run shows every mistake.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from builder.core.dates import guess_date
from builder.core.errors import Diagnostics
from builder.core.languages import canonical, language_problem
from builder.core.models import SiteConfig, SourceFile
from builder.core.paths import RESERVED
from builder.core.slugs import slug_problem, slugify
from builder.core.urls import web_url
from builder.core.yamlload import YamlValue, describe
from builder.core.yamlschema import FieldReader, quote_hint

__all__ = ["MAX_YEAR", "MIN_YEAR", "FrontMatterFields"]

_DATE_HINT = "write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00"
# Dates outside this span are typos, and near the ends of the calendar the
# week and month arithmetic of editions would overflow.
MIN_YEAR, MAX_YEAR = 1000, 9000


class FrontMatterFields(FieldReader):
    """The field readers of one source's front matter; `kind` decides only which problems
    matter (an edition note's slug is never a URL), `tz` what a naive time means."""

    def __init__(self, src: SourceFile, config: SiteConfig, diags: Diagnostics) -> None:
        super().__init__(src.rel, diags)
        self.src = src
        self.kind = src.kind
        self.tz = zoneinfo.ZoneInfo(config.timezone)

    def date_from_name(self, dated: re.Match[str]) -> dt.datetime | None:
        try:
            day = dt.date(int(dated[1]), int(dated[2]), int(dated[3]))
        except ValueError as exc:
            self.diags.error(
                self.path,
                1,
                1,
                f"impossible date in the file name: {exc}",
                "rename the file with a real date, or set  date:  in the front matter",
            )
            return None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            self.diags.error(
                self.path,
                1,
                1,
                f"the date in the file name is out of range ({MIN_YEAR}–{MAX_YEAR})",
                "check the year",
            )
            return None
        return dt.datetime.combine(day, dt.time(), self.tz)

    def slug(self, data: dict[str, YamlValue], name: str) -> str:
        value = data.get("slug")
        slug = self.text(data, "slug", None)
        if slug is None or value is None:
            slug = slugify(name)
            problem = slug_problem(slug)
            if problem and self.kind != "edition":
                self.diags.error(
                    self.path,
                    1,
                    1,
                    f"slug from the file name {_slug_phrase(slug, problem)}",
                    "rename the file or set `slug:` in the front matter",
                )
            return slug
        fixed = slugify(slug)
        folded = slug.strip().casefold()
        if folded in RESERVED:  # `feed.xml` would otherwise pass as `feed-xml`
            problem = slug_problem(folded)
        else:
            problem = slug_problem(slug) if slug == fixed else slug_problem(fixed)
        if problem:
            self.error(
                value,
                f"slug {_slug_phrase(slug, problem)}",
                "use lower-case words joined by hyphens, at most 80 characters",
            )
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
            self.error(
                value,
                f"`{key}` {value.raw} is out of range ({MIN_YEAR}–{MAX_YEAR})",
                "check the year",
            )
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
                self.error(
                    value,
                    f"impossible date `{text}`: {exc}",
                    "use a real calendar date such as 2024-06-23",
                )
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
            self.error(
                value,
                f"`tags` must be a list of words, found {describe(value)}",
                "write  tags: [Energy, Europe]",
            )
            return ()
        if value.kind == "str" and "," in str(value.value):
            self.diags.warning(
                self.path,
                value.line,
                value.col,
                f"tag `{value.value}` contains a comma",
                f"for several tags write  tags: [{value.value}]",
            )
        items = [value] if value.kind == "str" else list(value.value)
        tags: list[tuple[str, int]] = []
        for item in items:
            if item.kind == "null" or (item.kind == "str" and not str(item.value).strip()):
                self.error(item, "empty tag", "remove it")
                continue
            if item.kind != "str":
                self.error(
                    item, f"a tag must be text, found {describe(item)}", quote_hint(None, item)
                )
                continue
            tag = " ".join(str(item.value).split())
            problem = slug_problem(slugify(tag), reserved=False)
            if problem:
                self.error(
                    item,
                    f"tag `{tag}` cannot be a URL: its slug {_slug_phrase(slugify(tag), problem)}",
                    "use a tag with letters or digits, at most 80 characters",
                )
                continue
            tags.append((tag, item.line))
        return tuple(tags)

    def image(self, data: dict[str, YamlValue]) -> str | None:
        """The picture of the article: a theme writes it into `src` and `og:image`, so
        a `javascript:` or `data:` URL would run or smuggle content (http(s) and
        relative paths only)."""
        image = self.text(data, "image", None)
        if image and isinstance(checked := web_url(image, relative=True), str):
            self.error(
                data["image"],
                f"`image` {checked}",
                "write  image: https://example.org/photo.jpg  or the name of a file "
                "beside the article:  image: photo.jpg",
            )
            return None
        return image

    def lang(self, data: dict[str, YamlValue]) -> str | None:
        """The language of this text when it is not the site's (`lang: ar`), in canonical case."""
        tag = self.checked(
            data,
            "lang",
            "",
            lambda t: language_problem("lang", t),
            "use a BCP 47 code such as en, ar, fa, zh-Hans or pt-BR",
        )
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
                    self.error(
                        item,
                        f"an author must be text, found {describe(item)}",
                        quote_hint(None, item),
                    )
                else:
                    names.append(str(item.value).strip())
        return tuple(n for n in names if n)


def _slug_phrase(slug: str, problem: str) -> str:
    """`\\`..\\` is empty once symbols are removed` — the slug named once, shortened."""
    if problem.startswith("`"):
        return problem
    shown = slug if len(slug) <= 40 else slug[:39] + "…"
    return problem if not slug or len(slug) > 80 else f"`{shown}` {problem}"
