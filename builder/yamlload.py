"""A strict YAML reader shared by site.yaml and front matter.

PyYAML's safe loader still converts `yes` to True, `0123` to 83 and keeps the
last of two duplicate keys without a word. Editors never mean those, so this
module composes the node tree (nothing is constructed from tags, so nothing
can execute), refuses aliases, merge keys and non-standard tags, and hands
back values that remember their line, column and how they were written, so
the schema checks can say "quote it" at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml

try:  # the C parser is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from builder.errors import Diagnostics

_TAG = "tag:yaml.org,2002:"
_KINDS = {
    _TAG + "str": "str",
    _TAG + "int": "int",
    _TAG + "float": "float",
    _TAG + "bool": "bool",
    _TAG + "null": "null",
    _TAG + "timestamp": "timestamp",
    _TAG + "seq": "seq",
    _TAG + "map": "map",
}
# YAML 1.1 booleans other than the two spellings people mean.
_SURPRISE_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class YamlValue:
    """A value with its file position (1-based) and how it was written."""

    value: Any  # plain Python value; for seq/map the children are YamlValues
    line: int
    col: int
    kind: str  # str int float bool null timestamp seq map
    raw: str | None = None  # the scalar exactly as written
    plain: bool = False  # an unquoted scalar, so YAML guessed its type
    key_line: int = 0  # where the key of this value sits, inside a mapping
    key_col: int = 0

    def surprise(self) -> bool:
        """True where YAML 1.1 turned an unquoted word into something else.

        `NO` becoming False and `0123` becoming 83 are the classic traps; a
        user who wrote them almost certainly meant the text.
        """
        if not self.plain or self.raw is None:
            return False
        if self.kind == "bool":
            return self.raw.lower() in _SURPRISE_BOOLS
        if self.kind == "int":
            digits = self.raw.lstrip("+-")
            return (len(digits) > 1 and digits.startswith("0") and digits.isdigit()) or (
                ":" in digits or "_" in digits
            )
        if self.kind == "float":
            return ":" in self.raw or "_" in self.raw
        return False

    def to_python(self) -> Any:
        """The value with children unwrapped (for `extra` fields themes read)."""
        if self.kind == "seq":
            return [v.to_python() for v in self.value]
        if self.kind == "map":
            return {k: v.to_python() for k, v in self.value.items()}
        return self.value


def describe(value: YamlValue) -> str:
    """How a value reads in an error message: `a boolean (yes)`."""
    names = {
        "str": "a string",
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
        "null": "empty",
        "timestamp": "a date",
        "seq": "a list",
        "map": "a mapping",
    }
    text = names.get(value.kind, value.kind)
    if value.raw is not None and value.kind != "null":
        text += f" (`{value.raw}`)"
    return text


def load_mapping(
    text: str, path: str, line_offset: int, diags: Diagnostics
) -> dict[str, YamlValue] | None:
    """Parse `text` as a YAML mapping; None (with diagnostics added) if it is not one.

    `line_offset` is the number of file lines before `text`, so positions
    name the real line of the file, not of the YAML block.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark is not None and "quoted scalar" in (exc.context or ""):
            mark = exc.context_mark  # an unclosed quote: point at where it opened
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 1
        problem = (exc.problem or "malformed YAML").strip()
        diags.error(path, line, col, f"invalid YAML: {problem}", _yaml_hint(problem, exc))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        diags.error(path, line_offset + 1, 1, f"invalid YAML: {exc}")
        return None
    if node is None:
        return {}
    reader = _Reader(path, line_offset, diags)
    value = reader.read(node)
    if value is None:
        return None
    if value.kind != "map":
        diags.error(
            path,
            value.line,
            value.col,
            f"expected a mapping of `key: value` lines, found {describe(value)}",
            "front matter and site.yaml are made of `key: value` lines",
        )
        return None
    return value.value


def _yaml_hint(problem: str, exc: yaml.MarkedYAMLError) -> str | None:
    if "mapping values are not allowed" in problem:
        return 'a value that contains ": " must be quoted, e.g. title: "Vote: what next"'
    if "'\\t'" in problem or "tab" in problem:
        return "YAML does not allow tabs for indentation; use spaces"
    if "end of stream" in problem and "quoted" in (exc.context or ""):
        return "a quoted value is missing its closing quote"
    if "could not find expected ':'" in problem:
        return "each line should be `key: value`; quote values that span lines"
    return None


class _Reader:
    """Turns a composed node tree into YamlValues, reporting what it refuses."""

    def __init__(self, path: str, line_offset: int, diags: Diagnostics) -> None:
        self.path = path
        self.offset = line_offset
        self.diags = diags
        self.seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _error(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        line, col = self._pos(node)
        self.diags.error(self.path, line, col, message, hint)

    def read(self, node: yaml.Node) -> YamlValue | None:
        line, col = self._pos(node)
        if id(node) in self.seen:
            self._error(node, "YAML aliases (`*name`) are not allowed", "write the value out")
            return None
        self.seen.add(id(node))
        kind = _KINDS.get(node.tag)
        if kind is None:
            self._error(
                node,
                f"YAML tag `{node.tag.replace(_TAG, '!!')}` is not allowed",
                "remove the tag; only plain strings, numbers, dates, lists and mappings are read",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, col)
        if isinstance(node, yaml.SequenceNode):
            items = [self.read(child) for child in node.value]
            if any(item is None for item in items):
                return None
            return YamlValue(items, line, col, "seq")
        return self._scalar(node, kind, line, col)

    def _mapping(self, node: yaml.MappingNode, line: int, col: int) -> YamlValue | None:
        result: dict[str, YamlValue] = {}
        ok = True
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._error(key_node, "YAML merge keys (`<<`) are not allowed", "write the keys out")
                ok = False
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (
                _TAG + "str",
                _TAG + "int",
                _TAG + "bool",
                _TAG + "null",
                _TAG + "float",
            ):
                self._error(key_node, "keys must be plain words")
                ok = False
                continue
            key = str(key_node.value)
            if key in result:
                first = result[key]
                self._error(
                    key_node,
                    f"duplicate key `{key}` (first set on line {first.line})",
                    "YAML would silently keep only the last one; remove one of them",
                )
                ok = False
                continue
            value = self.read(value_node)
            if value is None:
                ok = False
                continue
            kline, kcol = self._pos(key_node)
            result[key] = replace(value, key_line=kline, key_col=kcol)
        return YamlValue(result, line, col, "map") if ok else None

    def _scalar(self, node: yaml.ScalarNode, kind: str, line: int, col: int) -> YamlValue | None:
        plain = node.style is None or node.style == ""
        try:
            value = _constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            hint = None
            if kind == "timestamp":
                hint = "use a real calendar date in the form 2024-06-23 or 2024-06-23T09:30:00+02:00"
                message = f"impossible date `{node.value}`: {exc}"
            else:
                message = f"cannot read `{node.value}`: {exc}"
            self.diags.error(self.path, line, col, message, hint)
            return None
        return YamlValue(value, line, col, kind, node.value, plain)
