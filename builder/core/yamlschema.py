"""Typed field readers over the strict loader's YamlValues, shared by site.yaml and front matter.

Both files are mappings an editor writes by hand, so both need the same
answers to the same mistakes: a number where text belongs, `yes` where a
boolean belongs, a misspelt key. Each reader takes the value it wants out of
a mapping, reports a problem at the value's own line and column, and hands
back a fallback so that one run reports every mistake in the file instead of
stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from builder.core.errors import Diagnostics, did_you_mean
from builder.core.yamlload import YamlValue, describe

T = TypeVar("T")
# A hint computed from the value as written, or a fixed one, or none.
Hint = str | Callable[[str], str | None] | None


def quote_hint(key: str | None, value: YamlValue) -> str:
    """`quote it: title: "2024"` for scalars; lists and mappings cannot be quoted."""
    if value.kind in ("seq", "map"):
        return f'write it as text: {key}: "..."' if key else "write it as text"
    raw = (value.raw or "").replace("\\", "\\\\").replace('"', '\\"')
    return f'quote it: {key}: "{raw}"' if key else f'quote it: "{raw}"'


class FieldReader:
    """Reads typed values out of the YamlValue mappings of one file, recording each problem.

    `text_hint` words the hint for text found where a non-text value sits;
    front matter quotes the value back (the default), site.yaml keeps its
    shorter "quote it".
    """

    def __init__(
        self,
        path: str,
        diags: Diagnostics,
        text_hint: Callable[[str, YamlValue], str] = quote_hint,
    ) -> None:
        self.path = path
        self.diags = diags
        self.text_hint = text_hint

    def error(self, value: YamlValue, message: str, hint: str | None = None) -> None:
        self.diags.error(self.path, value.line, value.col, message, hint)

    def unknown_keys(
        self, section: dict[str, YamlValue], known: Iterable[str], where: str | None = None
    ) -> None:
        """An error at each key not in `known`, with the nearest known key as the hint.

        `where` names the enclosing mapping (`feeds.rss`), None at the top.
        """
        known = set(known)
        for key, value in section.items():
            if key not in known:
                guess = did_you_mean(key, known)
                hint = (
                    f"did you mean `{guess}`?"
                    if guess
                    else "known keys: " + ", ".join(sorted(known))
                )
                place = f" in `{where}`" if where else ""
                self.diags.error(
                    self.path, value.key_line, value.key_col, f"unknown key `{key}`{place}", hint
                )

    def text(
        self, section: dict[str, YamlValue], key: str, default: T, strip: bool = False
    ) -> str | T:
        """The string at `key`; `default` when it is absent or empty (`key:` alone)."""
        value = section.get(key)
        if value is None or value.kind == "null":
            return default
        if value.kind != "str":
            self.error(
                value, f"`{key}` must be text, found {describe(value)}", self.text_hint(key, value)
            )
            return default
        return str(value.value).strip() if strip else str(value.value)

    def boolean(self, section: dict[str, YamlValue], key: str, default: bool) -> bool:
        """true or false as written; `yes`, `on` and friends are refused, not guessed."""
        value = section.get(key)
        if value is None:
            return default
        if value.kind != "bool" or value.surprise():
            self.error(
                value,
                f"`{key}` must be true or false, found {describe(value)}",
                f"write  {key}: true  or  {key}: false",
            )
            return default
        return bool(value.value)

    def integer(
        self, section: dict[str, YamlValue], key: str, default: int, low: int, high: int
    ) -> int:
        """A whole number in low..high; `0123` and `1_000` are refused as YAML surprises."""
        value = section.get(key)
        if value is None:
            return default
        if value.kind != "int" or value.surprise():
            self.error(
                value,
                f"`{key}` must be a whole number, found {describe(value)}",
                f"write  {key}: {default}",
            )
            return default
        if not low <= value.value <= high:
            self.error(
                value,
                f"`{key}` must be between {low} and {high}, found {value.value}",
                f"the default is {default}",
            )
            return default
        return int(value.value)

    def choice(
        self, section: dict[str, YamlValue], key: str, default: str, choices: tuple[str, ...]
    ) -> str:
        """One of `choices` (surrounding spaces forgiven), with a did-you-mean when not."""
        text = self.text(section, key, default, strip=True)
        if text not in choices:
            guess = did_you_mean(text, choices)
            self.error(
                section[key],
                f"`{key}` must be one of {', '.join(choices)}; found `{text}`",
                f"did you mean `{guess}`?" if guess else None,
            )
            return default
        return text

    def checked(
        self,
        section: dict[str, YamlValue],
        key: str,
        default: str,
        check: Callable[[str], str | None],
        hint: Hint = None,
    ) -> str:
        """Stripped text further checked by `check`, which returns an error message or None.

        A callable `hint` is given the value as written and only asked when the
        check fails, since a good hint (the nearest time zone) can be costly.
        """
        text = self.text(section, key, default, strip=True)
        value = section.get(key)
        if value is not None and value.kind == "str":
            problem = check(text)
            if problem:
                self.error(value, problem, hint(str(value.value)) if callable(hint) else hint)
                return default
        return text

    def mapping(self, parent: dict[str, YamlValue], key: str) -> dict[str, YamlValue]:
        """The nested mapping at `key`; empty, with an error, when something else is there."""
        value = parent.get(key)
        if value is None:
            return {}
        if value.kind != "map":
            self.error(
                value,
                f"`{key}` must be a mapping of settings, found {describe(value)}",
                f"write the settings indented on the lines below  {key}:",
            )
            return {}
        mapping: dict[str, YamlValue] = value.value  # a map's value is its children
        return mapping
