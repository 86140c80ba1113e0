"""site.yaml → SiteConfig: every key checked, every problem reported at once.

A misspelt key in a config file is the most common reason a setting "does
nothing"; so unknown keys are errors with a "did you mean" hint, and values
are checked for type and range with the line and column they sit on.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from builder.core.errors import ConfigErrors, Diagnostics, did_you_mean, display_path
from builder.core.models import (
    FeedOptions,
    FeedsConfig,
    MarkdownConfig,
    Permalinks,
    SiteConfig,
    SourceFile,
)
from builder.core.textfile import decode
from builder.core.yamlload import YamlValue, load_mapping
from builder.core.yamlschema import FieldReader

_PERMALINK_FIELDS = {
    "article": {"year", "month", "day", "slug"},
    "page": {"slug"},
    "tag": {"tag"},
    "edition": {"edition"},
}
_FEED_NAMES = ("rss", "atom", "json", "tags", "editions")
_STYLES: set[str] | None = None


def _pygments_styles() -> set[str]:
    global _STYLES
    if _STYLES is None:
        from pygments.styles import get_all_styles

        _STYLES = set(get_all_styles())
    return _STYLES


def _check_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"`base_url` must be an absolute http(s) URL, found `{url}`"
    if parts.query or parts.fragment:
        return "`base_url` cannot have a query or fragment"
    return None


def _check_timezone(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone `{name}`"
    return None


def _timezone_hint(name: str) -> str:
    """A did-you-mean over the IANA names, read only when a name is wrong."""
    names = zoneinfo.available_timezones()
    by_lower = {n.lower(): n for n in names}
    guess = by_lower.get(name.lower()) or did_you_mean(name, names)
    if guess:
        return f"did you mean `{guess}`?"
    return "use an IANA name such as Europe/Berlin or America/New_York"


def _normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/"


def _permalink_checker(kind: str) -> Callable[[str], str | None]:
    allowed = _PERMALINK_FIELDS[kind]

    def check(pattern: str) -> str | None:
        fields = set(re.findall(r"{(\w+)}", pattern))
        unknown = fields - allowed
        if unknown:
            return f"unknown placeholder {{{sorted(unknown)[0]}}} in permalink `{kind}`"
        needed = {"article": "slug", "page": "slug", "tag": "tag", "edition": "edition"}[kind]
        if needed not in fields:
            return f"permalink `{kind}` must contain {{{needed}}}"
        if not pattern.endswith("/") or pattern.startswith("/") or ".." in pattern:
            return f"permalink `{kind}` must be a relative folder path ending in `/`"
        return None

    return check


def load_config(config_path: Path, output: Path | None = None) -> SiteConfig:
    """Read and validate site.yaml; raise ConfigErrors listing every problem."""
    root = config_path.parent.resolve()
    rel = display_path(config_path)
    diags = Diagnostics()
    try:
        data_bytes = config_path.read_bytes()
    except FileNotFoundError:
        diags.error(rel, 0, 0, "no such file",
                    "run broadsheet in a site folder (one with site.yaml) or pass --config PATH")
        raise ConfigErrors(diags.sorted()) from None
    except IsADirectoryError:
        diags.error(rel, 0, 0, "is a folder, not a file",
                    f"pass the file itself: --config {rel.rstrip('/')}/site.yaml")
        raise ConfigErrors(diags.sorted()) from None
    except OSError as exc:
        diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
        raise ConfigErrors(diags.sorted()) from None
    text = decode(SourceFile(rel, data_bytes, ""), diags)
    if text is None:
        raise ConfigErrors(diags.sorted())
    data = load_mapping(text, rel, 0, diags)
    if data is None:
        raise ConfigErrors(diags.sorted())
    reader = FieldReader(rel, diags, text_hint=lambda key, value: "quote it")
    config = _build(data, root, config_path, output, reader)
    if diags.items:
        raise ConfigErrors(diags.sorted())
    return config


_TOP_KEYS = {
    "title", "description", "base_url", "language", "timezone", "author", "theme",
    "paginate", "permalinks", "feeds", "markdown", "editions", "related", "output",
}


def _build(
    data: dict[str, YamlValue],
    root: Path,
    config_path: Path,
    output: Path | None,
    c: FieldReader,
) -> SiteConfig:
    c.unknown_keys(data, _TOP_KEYS, None)
    title = c.text(data, "title", "", strip=True)
    if "title" not in data or (data["title"].kind in ("str", "null") and not title):
        c.diags.error(c.path, data["title"].line if "title" in data else 1,
                      data["title"].col if "title" in data else 1,
                      "the site needs a `title`", 'add a line such as  title: "My Digest"')
    base_url = c.checked(
        data, "base_url", "http://localhost:8000/", _check_url,
        "for example  base_url: https://example.org/digest/",
    )
    tz_value = data.get("timezone")
    timezone = c.checked(
        data, "timezone", "UTC", _check_timezone,
        _timezone_hint(str(tz_value.value)) if tz_value is not None and tz_value.kind == "str"
        and _check_timezone(str(tz_value.value).strip()) else None,
    )
    theme = c.checked(
        data, "theme", "default",
        lambda t: None if re.fullmatch(r"[A-Za-z0-9_.-]+", t) and t not in {".", ".."}
        else f"`theme` must be a folder name under themes/, found `{t}`",
        "write the name of a folder in themes/, such as  theme: default",
    )
    perm_section = c.mapping(data, "permalinks")
    c.unknown_keys(perm_section, set(_PERMALINK_FIELDS), "permalinks")
    defaults = Permalinks()
    permalinks = Permalinks(**{
        kind: c.checked(perm_section, kind, getattr(defaults, kind), _permalink_checker(kind),
                        f'the default is  {kind}: "{getattr(defaults, kind)}"')
        for kind in _PERMALINK_FIELDS
    })
    feeds_section = c.mapping(data, "feeds")
    c.unknown_keys(feeds_section, set(_FEED_NAMES), "feeds")
    feed_defaults = FeedsConfig()
    feeds = {}
    for name in _FEED_NAMES:
        section = c.mapping(feeds_section, name)
        c.unknown_keys(section, {"enabled", "limit", "full_content"}, f"feeds.{name}")
        base: FeedOptions = getattr(feed_defaults, name)
        feeds[name] = FeedOptions(
            enabled=c.boolean(section, "enabled", base.enabled),
            limit=c.integer(section, "limit", base.limit, 0, 100000),
            full_content=c.boolean(section, "full_content", base.full_content),
        )
    md_section = c.mapping(data, "markdown")
    c.unknown_keys(
        md_section,
        {"raw_html", "highlight", "style_light", "style_dark", "words_per_minute"},
        "markdown",
    )
    md_default = MarkdownConfig()

    def style_check(name: str) -> str | None:
        return None if name in _pygments_styles() else f"unknown Pygments style `{name}`"

    def style_hint(key: str) -> str | None:
        value = md_section.get(key)
        if value is None or value.kind != "str" or value.value in _pygments_styles():
            return None
        guess = did_you_mean(str(value.value), _pygments_styles())
        return f"did you mean `{guess}`?" if guess else "see `pygmentize -L styles` for the names"

    markdown = MarkdownConfig(
        raw_html=c.choice(md_section, "raw_html", md_default.raw_html,
                          ("sanitize", "allow", "escape")),
        highlight=c.boolean(md_section, "highlight", md_default.highlight),
        style_light=c.checked(md_section, "style_light", md_default.style_light, style_check,
                              style_hint("style_light")),
        style_dark=c.checked(md_section, "style_dark", md_default.style_dark, style_check,
                             style_hint("style_dark")),
        words_per_minute=c.integer(md_section, "words_per_minute",
                                   md_default.words_per_minute, 50, 2000),
    )
    ed_section = c.mapping(data, "editions")
    c.unknown_keys(ed_section, {"period"}, "editions")
    out_name = c.text(data, "output", "output", strip=True)
    output_dir = output.resolve() if output else (root / out_name).resolve()
    return SiteConfig(
        root=root,
        config_path=config_path.resolve(),
        title=title,
        description=c.text(data, "description", "", strip=True),
        base_url=_normalise_base_url(base_url),
        language=c.checked(
            data, "language", "en",
            lambda t: None if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", t)
            else f"`language` must be a language tag such as en or pt-BR, found `{t}`",
            "use the BCP 47 code of the site's language: en, de, fr, pt-BR, ...",
        ),
        timezone=timezone,
        author=c.text(data, "author", "", strip=True),
        theme=theme,
        paginate=c.integer(data, "paginate", 10, 1, 1000),
        permalinks=permalinks,
        feeds=FeedsConfig(**feeds),
        markdown=markdown,
        editions=c.choice(ed_section, "period", "week", ("week", "month", "off")),
        related=c.integer(data, "related", 5, 0, 50),
        output_dir=output_dir,
    )

