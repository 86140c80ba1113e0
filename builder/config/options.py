"""What a site.yaml option is: one Option per key (type, default, check, help), and the
one constructor per kind that the rows of the table (config/table.py) are written with.

An Option reads its own value out of its section's mapping, so the loader only walks the
table; `yaml_scalar` writes a default as the scaffold shows it, and the loader's
"the site needs a `title`" hint uses it too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from builder.config.checks import read_names
from builder.core.yamlload import YamlValue
from builder.core.yamlschema import FieldReader, Hint


@dataclasses.dataclass(frozen=True)
class Option:
    """One site.yaml key: what the loader, the scaffold and the reference know of it."""

    key: str  # dotted path in site.yaml: `feeds.rss.limit`
    kind: str  # text | flag | number | choice | names | mapping | records | section
    default: Any
    help: str  # one sentence or two; wrapped in the scaffold, one table row in the docs
    low: int = 0  # number: the accepted range
    high: int = 0
    choices: tuple[str, ...] = ()  # choice
    check: Callable[[str], str | None] | None = None  # text: an error message, or None
    hint: Hint = None  # the hint when `check` fails
    example: Any = None  # what the scaffold shows, when not the default
    required: bool = False  # text that must be given and not be empty
    field: str | None = None  # where the value lands in SiteConfig, when not at `key`
    convert: Callable[[Any], Any] | None = None  # applied to the value read
    reader: Callable[[FieldReader, dict[str, YamlValue], str], Any] | None = None  # mapping
    shape: str = ""  # mapping: how it is written, for the reference

    @property
    def leaf(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.key.rpartition(".")[0]

    def read(self, r: FieldReader, mapping: dict[str, YamlValue]) -> Any:
        """This option's value out of its section's mapping, or its default with an error."""
        leaf = self.leaf
        if self.kind == "flag":
            return r.boolean(mapping, leaf, self.default)
        if self.kind == "number":
            return r.integer(mapping, leaf, self.default, self.low, self.high)
        if self.kind == "choice":
            return r.choice(mapping, leaf, self.default, self.choices)
        if self.kind == "names":
            return read_names(r, mapping, leaf)
        if self.reader is not None:
            return self.reader(r, mapping, leaf)
        if self.check is not None:
            value = r.checked(mapping, leaf, self.default, self.check, self.hint)
        else:
            value = r.text(mapping, leaf, self.default, strip=True)
        given = mapping.get(leaf)
        if self.required and (given is None or (given.kind in ("str", "null") and not value)):
            line, col = (given.line, given.col) if given is not None else (1, 1)
            r.diags.error(
                r.path,
                line,
                col,
                f"the site needs a `{leaf}`",
                f"add a line such as  {leaf}: {yaml_scalar(self.example)}",
            )
        return self.convert(value) if self.convert else value


# One constructor per kind, so that each row of OPTIONS reads: key, default,
# range or choices, help, then any check.
def text(key: str, default: str, help: str, **more: Any) -> Option:
    return Option(key, "text", default, help, **more)


def flag(key: str, default: bool, help: str, **more: Any) -> Option:
    return Option(key, "flag", default, help, **more)


def number(key: str, default: int, low: int, high: int, help: str) -> Option:
    return Option(key, "number", default, help, low=low, high=high)


def choice(key: str, default: str, choices: tuple[str, ...], help: str, **more: Any) -> Option:
    return Option(key, "choice", default, help, choices=choices, **more)


def names(key: str, help: str, **more: Any) -> Option:
    """A list of names, in the order written: `[Energy, Climate]`."""
    return Option(key, "names", (), help, **more)


def mapping(
    key: str,
    reader: Callable[[FieldReader, dict[str, YamlValue], str], Any],
    shape: str,
    help: str,
    **more: Any,
) -> Option:
    """A small mapping read by `reader` into one value (None when it is left out)."""
    return Option(key, "mapping", None, help, reader=reader, shape=shape, **more)


def section(key: str, help: str) -> Option:
    return Option(key, "section", None, help)


def yaml_scalar(value: bool | int | str | tuple[str, ...] | None) -> str:
    """A value as the scaffold writes it: plain where YAML cannot misread it, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value)
    if plain and value.lower() not in {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
