"""The checks and readers of site.yaml values that the option table (builder.config) names.

Each check takes a value as written and returns an error message, or None
when it is good; a hint function is asked only when a check fails (the
nearest time zone costs a scan of every name). The readers take a small
structure (a list of names, `{from: …, start: …}`) out of a mapping,
reporting each problem at its line and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from builder.core import languages
from builder.core.errors import did_you_mean
from builder.core.models import Numbering
from builder.core.urls import WEB_SCHEMES, parse_url, shown_url
from builder.core.yamlload import YamlValue, describe
from builder.core.yamlschema import FieldReader, quote_hint


def check_url(url: str) -> str | None:
    parts = parse_url(url)
    if isinstance(parts, str):
        return f"`base_url` `{shown_url(url)}` cannot be read as a URL: {parts}"
    if parts.scheme not in WEB_SCHEMES or not parts.netloc:
        return f"`base_url` must be an absolute http(s) URL, found `{shown_url(url)}`"
    if parts.query or parts.fragment:
        return "`base_url` cannot have a query or fragment"
    return None


def normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/"


def check_language(tag: str) -> str | None:
    return languages.language_problem("language", tag)


def check_link(url: str) -> str | None:
    """A link in site.yaml (an author's `url`): an absolute http(s) URL."""
    parts = parse_url(url)
    if isinstance(parts, str) or parts.scheme not in WEB_SCHEMES or not parts.netloc:
        return f"`url` must be an absolute http(s) URL, found `{shown_url(url)}`"
    return None


def check_timezone(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone `{name}`"
    return None


def timezone_hint(name: str) -> str:
    """A did-you-mean over the IANA names, read only when a name is wrong."""
    names = zoneinfo.available_timezones()
    by_lower = {n.lower(): n for n in names}
    guess = by_lower.get(name.lower()) or did_you_mean(name, names)
    if guess:
        return f"did you mean `{guess}`?"
    return "use an IANA name such as Europe/Berlin or America/New_York"


def check_theme(name: str) -> str | None:
    if re.fullmatch(r"[A-Za-z0-9_.-]+", name) and name not in {".", ".."}:
        return None
    return f"`theme` must be a folder name under themes/, found `{name}`"


@functools.cache
def _pygments_styles() -> frozenset[str]:
    from pygments.styles import get_all_styles  # only when a site.yaml is read

    return frozenset(get_all_styles())


def check_style(name: str) -> str | None:
    return None if name in _pygments_styles() else f"unknown Pygments style `{name}`"


def style_hint(name: str) -> str:
    guess = did_you_mean(name, _pygments_styles())
    return f"did you mean `{guess}`?" if guess else "see `pygmentize -L styles` for the names"


def read_names(r: FieldReader, mapping: dict[str, YamlValue], key: str) -> tuple[str, ...]:
    """A list of distinct names; a name given twice (in any letter case) is an error."""
    value = mapping.get(key)
    if value is None or value.kind == "null":
        return ()
    if value.kind != "seq":
        r.error(
            value,
            f"`{key}` must be a list of names, found {describe(value)}",
            f"write  {key}: [Energy, Climate, Trade]",
        )
        return ()
    found: dict[str, str] = {}
    for item in value.value:
        text = str(item.value).strip() if item.kind == "str" else ""
        if not text:
            r.error(
                item,
                f"each of `{key}` must be a name, found {describe(item)}",
                quote_hint(None, item) if item.kind not in ("null", "str") else "remove it",
            )
        elif text.casefold() in found:
            r.error(item, f"`{text}` is in `{key}` twice", "list each name once")
        else:
            found[text.casefold()] = text
    return tuple(found.values())


_NUMBERING_HINT = "write  numbering: {from: 2026-01-05, start: 1}"


def read_numbering(r: FieldReader, mapping: dict[str, YamlValue], key: str) -> Numbering | None:
    """`{from: YYYY-MM-DD, start: N}`, both required; None when left out or null."""
    value = mapping.get(key)
    if value is None or value.kind == "null":
        return None
    if value.kind != "map":
        r.error(value, f"`{key}` must be a mapping, found {describe(value)}", _NUMBERING_HINT)
        return None
    fields: dict[str, YamlValue] = value.value
    before = len(r.diags.items)
    r.unknown_keys(fields, ("from", "start"), f"editions.{key}")
    for missing in ("from", "start"):
        if missing not in fields:
            r.error(value, f"`{key}` needs `{missing}`", _NUMBERING_HINT)
    day = fields.get("from")
    first = _day(day) if day is not None else None
    if day is not None and first is None:
        r.error(
            day, f"`from` must be a date such as 2026-01-05, found {describe(day)}", _NUMBERING_HINT
        )
    start = r.integer(fields, "start", 1, 0, 999_999)
    return Numbering(first, start) if first and len(r.diags.items) == before else None


def _day(value: YamlValue) -> dt.date | None:
    """A calendar day written as a YAML date or as quoted ISO text."""
    if value.kind == "timestamp":
        day = value.value
        return day.date() if isinstance(day, dt.datetime) else day
    if value.kind == "str":
        try:
            return dt.date.fromisoformat(str(value.value).strip())
        except ValueError:
            return None
    return None


Field = tuple[str, Callable[[str], str | None] | None]  # a text field and its check


def read_records(
    fields: tuple[Field, ...], record: Callable[..., Any]
) -> Callable[[FieldReader, dict[str, YamlValue], str], tuple[Any, ...]]:
    """A reader of a list of mappings with these text fields (the first required and
    unique, case aside), each made a `record`; a bad entry is reported and left out."""
    first = fields[0][0]

    def read(r: FieldReader, mapping: dict[str, YamlValue], key: str) -> tuple[Any, ...]:
        value = mapping.get(key)
        if value is None or value.kind == "null":
            return ()
        example = f"write  {key}:  then lines such as  - {{{first}: ...}}"
        if value.kind != "seq":
            r.error(value, f"`{key}` must be a list, found {describe(value)}", example)
            return ()
        found: dict[str, Any] = {}
        for item in value.value:
            if item.kind != "map":
                r.error(
                    item, f"an entry of `{key}` must be a mapping, found {describe(item)}", example
                )
                continue
            r.unknown_keys(item.value, [name for name, _ in fields], key)
            given = {
                name: r.checked(item.value, name, "", check)
                if check
                else r.text(item.value, name, "", strip=True)
                for name, check in fields
            }
            if not given[first]:
                r.error(item, f"an entry of `{key}` needs a `{first}`", f"add  {first}: ...  to it")
            elif given[first].casefold() in found:
                r.error(
                    item, f"`{given[first]}` is listed twice in `{key}`", "keep one entry per name"
                )
            else:
                found[given[first].casefold()] = record(**given)
        return tuple(found.values())

    return read
